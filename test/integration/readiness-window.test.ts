import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config/load-config';
import { openHealthConnection, type HealthConnection } from '../../src/observability/http/health-connection';
import { READY_WINDOW_INTERVALS, ReadinessProbe } from '../../src/observability/http/readiness';
import { SourceStatusStore } from '../../src/state/source-status';
import { TEST_REDIS_URL, deletePrefix, uniquePrefix } from '../helpers/redis';
import { tempDir } from '../helpers/temp-dir';

const MINUTE_MS = 60_000;
const WINDOW_MS = READY_WINDOW_INTERVALS * MINUTE_MS;

/** Source definitions with the given schedules; no service runs, so the endpoints go nowhere. */
function writeConfig(
  dir: string,
  sources: Array<{ id: string; schedule: string; enabled?: boolean }>,
): string {
  mkdirSync(join(dir, 'sources'));
  writeFileSync(join(dir, 'postroom.yaml'), 'backends:\n  documents:\n    type: folder\n');
  for (const { id, schedule, enabled = true } of sources) {
    writeFileSync(
      join(dir, 'sources', `${id}.yaml`),
      [
        `id: ${id}`,
        `enabled: ${enabled}`,
        `schedule: '${schedule}'`,
        'tenantId: 3d1f0c52-7a43-4b6e-9c1d-2e8f5a6b7c90',
        'clientId: a9e4b7c1-2d3f-4e5a-8b6c-7d8e9f0a1b2c',
        'clientSecret: not-used-by-this-test',
        'authorityHost: http://127.0.0.1:1',
        'graphEndpoint: http://127.0.0.1:1',
        'mailbox: invoices@contoso.example',
        'backend: documents',
      ].join('\n') + '\n',
    );
  }
  return join(dir, 'postroom.yaml');
}

/**
 * The readiness window worked out from the schedule, checked at chosen moments against status
 * written to the real Redis.
 */
describe('readiness window', () => {
  const dir = tempDir('readiness');
  const prefix = uniquePrefix();
  let redis: Redis;
  let health: HealthConnection;
  let status: SourceStatusStore;
  let probe: (startedAt: number) => ReadinessProbe;

  beforeAll(async () => {
    const config = loadConfig(
      writeConfig(dir.path, [
        { id: 'minutely', schedule: '* * * * *' },
        { id: 'weekdays', schedule: '0 9 * * 1-5' },
        { id: 'off', schedule: '* * * * *', enabled: false },
      ]),
    );
    redis = new Redis(TEST_REDIS_URL);
    health = await openHealthConnection(TEST_REDIS_URL);
    status = new SourceStatusStore(redis, prefix);
    probe = (startedAt) => new ReadinessProbe(health, status, () => config.sources, startedAt);
  });
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
    await health.close();
    dir.cleanup();
  });

  const check = async (startedAt: number, now: number, name: string) =>
    (await probe(startedAt).check(now)).checks.find((c) => c.name === name);

  it('gives a source that never polled the window from start-up, then fails it', async () => {
    const started = Date.now();
    expect(await check(started, started + WINDOW_MS - 1_000, 'source:minutely')).toMatchObject({
      ok: true,
      windowSeconds: WINDOW_MS / 1000,
    });
    const late = await check(started, started + WINDOW_MS + 1_000, 'source:minutely');
    expect(late).toMatchObject({ ok: false });
    expect(late!.reason).toMatch(/no successful poll in the 181 s since start-up/);
  });

  it('counts from the last successful poll, and reports the last error code', async () => {
    await status.pollSucceeded('minutely', 5);
    const success = Date.now();
    await status.pollFailed('minutely', 'GRAPH_UNAVAILABLE', 5);
    const longAgo = success - 10 * MINUTE_MS;
    expect(await check(longAgo, success + WINDOW_MS - 1_000, 'source:minutely')).toMatchObject({ ok: true });
    const stale = await check(longAgo, success + WINDOW_MS + 2_000, 'source:minutely');
    expect(stale).toMatchObject({ ok: false, lastErrorCode: 'GRAPH_UNAVAILABLE' });
    expect(stale!.reason).toMatch(/^last successful poll 18\d s ago$/);
  });

  it('keeps a source ready while its poll under way gets through pages, not once it stalls', async () => {
    const longAgo = Date.now() - 60 * MINUTE_MS;
    await status.pollStarted('minutely');
    await status.pollProgress('minutely');
    const progress = Date.now();
    expect(await check(longAgo, progress + WINDOW_MS - 1_000, 'source:minutely')).toMatchObject({ ok: true });
    const stalled = await check(longAgo, progress + WINDOW_MS + 2_000, 'source:minutely');
    expect(stalled).toMatchObject({ ok: false });
    expect(stalled!.reason).toMatch(/^the poll under way has made no progress for 18\d s$/);
  });

  it('judges an irregular schedule by its longest gap and leaves disabled sources out', async () => {
    const readiness = await probe(Date.now()).check(Date.now() + 8 * 24 * 60 * MINUTE_MS);
    const weekdays = readiness.checks.find((c) => c.name === 'source:weekdays')!;
    // Friday 09:00 to Monday 09:00: three days, so the window is nine.
    expect(weekdays.windowSeconds).toBe(3 * 3 * 24 * 60 * 60);
    expect(weekdays.ok).toBe(true);
    expect(readiness.checks.map((c) => c.name)).toEqual(['redis', 'source:minutely', 'source:weekdays']);
  });
});
