import { generateSampleMessages } from '../../src/simulators/graph';
import { listDocuments } from '../helpers/documents';
import { CLIENT_ID, Harness, MAILBOX, TENANT_ID, seedFolder } from '../helpers/harness';
import { spawnCli } from '../helpers/spawn-cli';
import { waitFor } from '../helpers/wait-for';

const FOLDER = 'Inbox/Invoices';

describe('messages that cannot be imported', () => {
  const harness = new Harness({ sources: [{ id: 'blocked' }] });

  beforeAll(async () => {
    await harness.start();
    seedFolder(harness.sim, FOLDER, generateSampleMessages({ count: 3, seed: 5 }));
  });
  afterAll(() => harness.stop());

  const allowMailbox = (mailboxes?: string[]) =>
    harness.sim.registerApp({
      tenantId: TENANT_ID,
      clientId: CLIENT_ID,
      clientSecret: harness.secret,
      mailboxes,
    });

  it('become dead letters with their reason at once when the error is permanent, and do not loop', async () => {
    const { ingest, 'dead-letter': deadLetters } = harness.service.runtime.queues;
    await ingest.pause();
    await harness.poll('blocked');
    // An admin's Application Access Policy now excludes the mailbox: Graph answers 403.
    allowMailbox(['someone-else@contoso.example']);
    await ingest.resume();
    await harness.drain();

    const letters = await deadLetters.getJobs(['waiting']);
    expect(letters).toHaveLength(3);
    for (const letter of letters) {
      expect(letter.data).toMatchObject({
        sourceId: 'blocked',
        stage: 'download',
        errorCode: 'GRAPH_ACCESS_DENIED',
        attempts: 1,
      });
      expect(letter.data.error).toContain('403');
      const entry = await harness.service.runtime.ledger.get('blocked', letter.data.messageId);
      expect(entry).toMatchObject({ status: 'dead-lettered', errorCode: 'GRAPH_ACCESS_DENIED' });
    }
    expect(harness.logs.filter((l) => l.includes('"audit":"dead-lettered"'))).toHaveLength(3);
    expect(listDocuments(harness.documentsRoot)).toHaveLength(0);

    // Access restored: the next poll sees the messages again but leaves dead letters to a retry.
    allowMailbox(undefined);
    harness.sim.expireSyncState();
    await harness.poll('blocked');
    const poll = JSON.parse(harness.logs.filter((l) => l.includes('"poll finished"')).at(-1)!);
    expect(poll).toMatchObject({ enqueued: 0, alreadyDone: 3 });
  });

  it('are listed, shown and retried with the dlq commands, then imported exactly once', async () => {
    const cli = async (...args: string[]) => {
      const run = spawnCli(['--config', harness.configFile, 'dlq', ...args]);
      const code = await run.exited;
      return { code, out: run.stdout.filter(Boolean), err: run.stderr.join('\n') };
    };
    const listed = await cli('list');
    expect(listed.code).toBe(0);
    expect(listed.out).toHaveLength(4);
    expect(listed.out[0]).toContain('GRAPH_ACCESS_DENIED');
    expect(listed.out.at(-1)).toBe('3 dead letter(s)');

    const id = listed.out[0]!.split('  ')[0]!;
    const shown = await cli('show', id);
    expect(JSON.parse(shown.out.join('\n'))).toMatchObject({ id, sourceId: 'blocked', stage: 'download' });

    const refused = await cli('retry');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('say which dead letters');

    expect((await cli('retry', '--source', 'blocked')).out).toEqual(['retried 3 dead letter(s)']);
    await waitFor(() => listDocuments(harness.documentsRoot).length === 3, { what: '3 documents' });
    await harness.drain();
    expect(listDocuments(harness.documentsRoot)).toHaveLength(3);
    expect((await cli('list')).out).toEqual(['0 dead letter(s)']);
    for (const doc of listDocuments(harness.documentsRoot)) {
      expect(await harness.service.runtime.ledger.get('blocked', doc.metadata.messageId)).toMatchObject({
        status: 'delivered',
      });
    }
  });

  it('are purged for good with dlq purge, and their messages stay out', async () => {
    harness.sim.injectFault({ kinds: ['value'], status: 403, code: 'ErrorAccessDenied' });
    const { immutableId } = harness.sim.addMessage(
      MAILBOX,
      FOLDER,
      generateSampleMessages({ count: 1, seed: 6 })[0]!,
    );
    await harness.poll('blocked');
    await harness.drain();
    const run = spawnCli(['--config', harness.configFile, 'dlq', 'purge', '--all']);
    expect(await run.exited).toBe(0);
    expect(run.stdout.filter(Boolean)).toEqual(['purged 1 dead letter(s)']);
    expect(await harness.service.runtime.ledger.get('blocked', immutableId)).toMatchObject({
      status: 'dead-lettered',
    });
    expect(await harness.service.runtime.queues['dead-letter'].getWaitingCount()).toBe(0);
  });
});
