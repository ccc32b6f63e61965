import { generateSampleMessages } from '../../src/simulators/graph/sample-mail';
import { listDocuments } from '../helpers/documents';
import { Harness, MAILBOX } from '../helpers/harness';
import { spawnCli } from '../helpers/spawn-cli';

/**
 * `postroom backfill` as a user runs it beside a running service: a disabled source (never polled)
 * gets what its folder received since a date, through the service's workers.
 */
describe('postroom backfill', () => {
  const harness = new Harness({
    sources: [{ id: 'archive', folder: 'Inbox/Archive', extra: 'enabled: false' }],
  });
  const received = ['2026-01-10', '2026-02-10', '2026-03-10', '2026-04-10', '2026-05-10', '2026-06-10'];

  beforeAll(async () => {
    await harness.start();
    harness.sim.addMailbox(MAILBOX);
    harness.sim.ensureFolder(MAILBOX, 'Inbox/Archive');
    generateSampleMessages({ count: received.length, seed: 51 }).forEach((raw, i) =>
      harness.sim.addMessage(MAILBOX, 'Inbox/Archive', raw, { receivedDateTime: `${received[i]}T09:00:00Z` }),
    );
  });
  afterAll(() => harness.stop());

  async function backfill(since: string) {
    const run = spawnCli(['--config', harness.configFile, 'backfill', 'archive', '--since', since], {
      [harness.secretEnv]: harness.secret,
    });
    const code = await run.exited;
    const summary = run.stdout.find((l) => l.startsWith('{'));
    return { code, summary: summary ? JSON.parse(summary) : null, stderr: run.stderr.join('\n') };
  }

  it('imports only what was received since the date, showing progress, and nothing twice', async () => {
    const first = await backfill('2026-03-01');
    expect(first.stderr).toMatch(/\[#{30}\] 4\/4 imported 4, dead-lettered 0, skipped 0/);
    expect(first.summary).toMatchObject({
      found: 4,
      enqueued: 4,
      imported: 4,
      alreadyDone: 0,
      deadLettered: 0,
    });
    expect(first.code).toBe(0);
    const documents = listDocuments(harness.documentsRoot);
    expect(documents).toHaveLength(4);
    expect(documents.every((d) => String(d.metadata.received) >= '2026-03-01')).toBe(true);

    const wider = await backfill('2026-02-01');
    expect(wider.summary).toMatchObject({ found: 5, alreadyDone: 4, enqueued: 1, imported: 1 });
    expect(listDocuments(harness.documentsRoot)).toHaveLength(5);
  });

  it('rejects a date it cannot read', async () => {
    const bad = await backfill('last tuesday');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('expected a date such as 2026-01-31');
  });
});
