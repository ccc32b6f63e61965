import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSampleMessages } from '../../src/simulators/graph';
import { Harness, seedFolder } from '../helpers/harness';
import { spawnCli } from '../helpers/spawn-cli';

const FOLDER = 'Inbox/Invoices';
const MESSAGES = 9;

/** The cells of a table row: columns are two or more spaces apart, cells hold single spaces only. */
function cells(line: string): string[] {
  return line.split(/\s{2,}/);
}

interface StatusJson {
  sources: Array<{
    id: string;
    enabled: boolean;
    lastPoll: { ok: boolean | null; finishedAt: string | null };
    lastSuccessAt: string | null;
    counts: { imported: number; skipped: number; failed: number };
    queued: number;
    deadLetters: number;
  }>;
  queues: Record<string, Record<string, number>>;
}

describe('postroom status', () => {
  const harness = new Harness({ sources: [{ id: 'invoices' }, { id: 'idle', extra: 'enabled: false' }] });
  const env = () => ({ [harness.secretEnv]: harness.secret });

  beforeAll(async () => {
    await harness.start();
    seedFolder(harness.sim, FOLDER, generateSampleMessages({ count: MESSAGES, seed: 5 }));
    // One download is refused for good (403): that message becomes a dead letter.
    harness.sim.injectFault({ kinds: ['value'], after: 3, count: 1, status: 403 });
    await harness.poll('invoices');
    await harness.drain();
  });
  afterAll(() => harness.stop());

  it('shows each source with its last poll, counts, queue and dead letters while the service runs', async () => {
    const run = spawnCli(['status', '--config', harness.configFile], env());
    expect(await run.exited).toBe(0);
    const header = cells(run.stdout[0]!);
    expect(header).toEqual([
      'SOURCE',
      'ENABLED',
      'SCHEDULE',
      'LAST POLL',
      'RESULT',
      'LAST SUCCESS',
      'IMPORTED',
      'SKIPPED',
      'FAILED',
      'QUEUED',
      'DEAD LETTERS',
    ]);
    const row = (id: string) => {
      const line = run.stdout.find((l) => l.startsWith(`${id} `))!;
      return Object.fromEntries(header.map((title, i) => [title, cells(line)[i]]));
    };
    expect(row('invoices')).toMatchObject({
      ENABLED: 'yes',
      RESULT: 'ok',
      IMPORTED: String(MESSAGES - 1),
      SKIPPED: '0',
      FAILED: '1',
      QUEUED: '0',
      'DEAD LETTERS': '1',
    });
    expect(row('invoices')['LAST SUCCESS']).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \(\d+s ago\)$/);
    expect(row('idle')).toMatchObject({ ENABLED: 'no', 'LAST POLL': 'never', RESULT: '-', IMPORTED: '0' });
    expect(run.stdout.join('\n')).toMatch(/^queues {3}poll: .*\| ingest: .*\| dead-letter: 1 dead letters$/m);
    expect(run.stdout.join('\n')).not.toContain(harness.secret);
  });

  it('prints the same as JSON, and reads Redis only: it works with the service stopped', async () => {
    await harness.service.stop();
    const run = spawnCli(['status', '--json', '--config', harness.configFile], env());
    expect(await run.exited).toBe(0);
    const report = JSON.parse(run.stdout.join('\n')) as StatusJson;
    const invoices = report.sources.find((s) => s.id === 'invoices')!;
    expect(invoices).toMatchObject({
      enabled: true,
      lastPoll: { ok: true },
      counts: { imported: MESSAGES - 1, skipped: 0, failed: 1 },
      queued: 0,
      deadLetters: 1,
    });
    expect(Date.now() - Date.parse(invoices.lastSuccessAt!)).toBeLessThan(120_000);
    expect(report.queues['dead-letter']!.waiting).toBe(1);
    expect(report.queues.ingest!.completed).toBe(MESSAGES - 1);
  });

  it('exits 1 with one line naming the Redis it could not reach', async () => {
    const unreachable = join(harness.dir.path, 'unreachable.yaml');
    writeFileSync(
      unreachable,
      readFileSync(harness.configFile, 'utf8').replace(/url: redis:\/\/\S+/, 'url: redis://127.0.0.1:1'),
    );
    const run = spawnCli(['status', '--config', unreachable], env());
    expect(await run.exited).toBe(1);
    const lines = run.stderr.filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^postroom: cannot reach Redis at redis:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)\./);
    expect(run.stdout.filter(Boolean)).toEqual([]);
  });
});
