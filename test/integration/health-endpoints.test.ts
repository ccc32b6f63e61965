import { generateSampleMessages } from '../../src/simulators/graph';
import { Harness, seedFolder } from '../helpers/harness';
import { startRedis } from '../helpers/redis-server';
import { tempDir } from '../helpers/temp-dir';
import { waitFor } from '../helpers/wait-for';

const FOLDER = 'Inbox/Invoices';
/** node-cron's seconds field: polls every second, so readiness windows are 3 s. */
const EVERY_SECOND = '*/1 * * * * *';
const EVERY_TWO_SECONDS = '*/2 * * * * *';

interface ReadyBody {
  status: string;
  failing: string[];
  checks: Array<{
    name: string;
    ok: boolean;
    reason?: string;
    lastSuccessAt?: string;
    lastErrorCode?: string;
  }>;
}

async function get(harness: Harness, path: string): Promise<{ status: number; body: ReadyBody }> {
  const response = await fetch(`${harness.service.http!.url}${path}`);
  return { status: response.status, body: (await response.json()) as ReadyBody };
}

describe('/healthz and /readyz against a Redis the test can stop', () => {
  const dir = tempDir('health-redis');
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let harness: Harness;

  beforeAll(async () => {
    redis = await startRedis(dir.path);
    harness = new Harness({
      redisUrl: redis.url,
      httpYaml: 'http:\n  port: 0',
      sources: [{ id: 'steady', schedule: EVERY_SECOND }],
    });
    await harness.start();
    seedFolder(harness.sim, FOLDER, generateSampleMessages({ count: 3, seed: 6 }));
  });
  afterAll(async () => {
    await harness.stop();
    await redis.stop();
    dir.cleanup();
  });

  it('/healthz answers 200 while the process runs', async () => {
    const { status, body } = await get(harness, '/healthz');
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
  });

  it('/readyz is 200 past the start-up grace because the source keeps polling successfully', async () => {
    const started = Date.now();
    // The window is 3 × 1 s: after 4 s only successful polls keep the source ready.
    await waitFor(() => Date.now() - started > 4_000, { timeoutMs: 10_000, what: '4 s' });
    const { status, body } = await get(harness, '/readyz');
    expect(status).toBe(200);
    expect(body.status).toBe('ready');
    const steady = body.checks.find((c) => c.name === 'source:steady')!;
    expect(steady.ok).toBe(true);
    expect(Date.now() - Date.parse(steady.lastSuccessAt!)).toBeLessThan(3_000);
  });

  it('/readyz is 503 naming Redis while Redis is down, and ready again once it is back', async () => {
    await redis.stop();
    const down = await waitFor(
      async () => {
        const r = await get(harness, '/readyz');
        return r.status === 503 ? r : null;
      },
      { timeoutMs: 10_000, what: '/readyz to fail' },
    );
    expect(down.body.failing).toEqual(['redis']);
    expect(down.body.checks[0]!.reason).toMatch(/Redis does not answer/);
    // The liveness probe must not restart a process only because Redis is away.
    expect((await get(harness, '/healthz')).status).toBe(200);

    // The same port again, empty: the service reconnects and its next polls make it ready.
    redis = await startRedis(dir.path, redis.port);
    await waitFor(async () => (await get(harness, '/readyz')).status === 200, {
      timeoutMs: 30_000,
      what: '/readyz to recover',
    });
  });
});

describe('/readyz with a source that keeps failing', () => {
  const harness = new Harness({
    httpYaml: 'http:\n  port: 0',
    sources: [
      { id: 'healthy', schedule: EVERY_TWO_SECONDS },
      // No such mailbox in the simulator: every poll fails.
      { id: 'broken', schedule: EVERY_SECOND, mailbox: 'nobody@contoso.example' },
    ],
  });

  beforeAll(async () => {
    await harness.start();
    seedFolder(harness.sim, FOLDER, generateSampleMessages({ count: 2, seed: 8 }));
  });
  afterAll(() => harness.stop());

  it('answers 503 naming the source once it has had no successful poll for 3 intervals', async () => {
    const { body } = await waitFor(
      async () => {
        const r = await get(harness, '/readyz');
        return r.status === 503 ? r : null;
      },
      { timeoutMs: 15_000, what: '/readyz to fail' },
    );
    expect(body.status).toBe('not ready');
    expect(body.failing).toEqual(['source:broken']);
    const broken = body.checks.find((c) => c.name === 'source:broken')!;
    expect(broken.reason).toMatch(/no successful poll/);
    expect(broken.lastErrorCode).toBeDefined();
    expect(body.checks.find((c) => c.name === 'source:healthy')!.ok).toBe(true);
    expect(body.checks.find((c) => c.name === 'redis')!.ok).toBe(true);
  });
});
