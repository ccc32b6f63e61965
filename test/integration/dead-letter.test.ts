import { generateSampleMessages } from '../../src/simulators/graph';
import { listDocuments } from '../helpers/documents';
import { CLIENT_ID, Harness, MAILBOX, TENANT_ID } from '../helpers/harness';

const FOLDER = 'Inbox/Invoices';

describe('messages that cannot be imported', () => {
  const harness = new Harness({ sources: [{ id: 'blocked' }] });

  beforeAll(async () => {
    await harness.start();
    harness.sim.addMailbox(MAILBOX);
    harness.sim.ensureFolder(MAILBOX, FOLDER);
    for (const raw of generateSampleMessages({ count: 3, seed: 5 }))
      harness.sim.addMessage(MAILBOX, FOLDER, raw);
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
});
