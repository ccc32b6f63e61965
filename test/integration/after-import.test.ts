import { rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { enqueueAfterImport } from '../../src/actions/enqueue-after-import';
import { recordSkipped } from '../../src/ledger/record-skipped';
import type { ActionRecord } from '../../src/ledger/ledger';
import { ingestJobId } from '../../src/queues/queues';
import { generateSampleMessages } from '../../src/simulators/graph';
import { listDocuments } from '../helpers/documents';
import { Harness, MAILBOX } from '../helpers/harness';
import { spawnCli } from '../helpers/spawn-cli';
import { waitFor } from '../helpers/wait-for';
import { CATEGORIES_TRUSTED_MS } from '../../workers/action-worker';

/* After-import actions end to end: real Redis, BullMQ, msal-node and HTTP against the Graph simulator. */

const SOURCES = {
  markread: { folder: 'Inbox/MarkRead', afterImport: 'markRead' },
  category: { folder: 'Inbox/Category', afterImport: '{ category: Imported }' },
  move: { folder: 'Inbox/Move', afterImport: '{ move: Archive/Imported }' },
  delete: { folder: 'Inbox/Delete', afterImport: 'delete' },
  ordered: { folder: 'Inbox/Ordered', afterImport: 'markRead' },
  flaky: { folder: 'Inbox/Flaky', afterImport: '{ category: Imported }' },
  stuck: { folder: 'Inbox/Stuck', afterImport: 'markRead' },
  filtered: { folder: 'Inbox/Filtered', afterImport: 'none' },
} as const;
type SourceId = keyof typeof SOURCES;

describe('after-import actions', () => {
  const harness = new Harness({
    sources: Object.entries(SOURCES).map(([id, s]) => ({
      id,
      folder: s.folder,
      extra: `afterImport: ${s.afterImport}`,
    })),
    // Whole attempts fail at once (no in-request retries), retried after about a second.
    workersYaml: 'workers:\n  ingestConcurrency: 4\n  ingestAttempts: 3\n  retryDelaySeconds: 1',
    serviceYaml: 'graph:\n  requestAttempts: 1',
  });
  let seed = 100;

  beforeAll(async () => {
    await harness.start();
    harness.sim.addMailbox(MAILBOX);
    for (const s of Object.values(SOURCES)) harness.sim.ensureFolder(MAILBOX, s.folder);
    harness.sim.ensureFolder(MAILBOX, 'Archive/Imported');
  });
  afterAll(() => harness.stop());

  const runtime = () => harness.service.runtime;
  const addOne = (id: SourceId, categories?: string[]) =>
    harness.sim.addMessage(
      MAILBOX,
      SOURCES[id].folder,
      generateSampleMessages({ count: 1, seed: seed++ })[0]!,
      {
        categories,
      },
    );
  const stored = (immutableId: string) =>
    harness.sim.messages(MAILBOX).find((m) => m.immutableId === immutableId)!;
  const folderOf = (immutableId: string, path: string) =>
    harness.sim.messages(MAILBOX, path).some((m) => m.immutableId === immutableId);
  const documentsOf = (id: SourceId) =>
    listDocuments(join(harness.documentsRoot)).filter((d) => d.dir.includes(`/${id}/`));
  const imports = (id: SourceId) =>
    harness.logs.filter((l) => l.includes('"audit":"imported"') && l.includes(`"sourceId":"${id}"`)).length;
  const actionOf = async (id: SourceId, messageId: string): Promise<ActionRecord | undefined> =>
    (await runtime().ledger.get(id, messageId))?.action;
  const actionSettles = (id: SourceId, messageId: string, status: ActionRecord['status']) =>
    waitFor(async () => (await actionOf(id, messageId))?.status === status, {
      what: `action of ${id} ${status}`,
    });
  /** When the document was committed: its metadata.json is written last, just before publishing. */
  const committedAt = (id: SourceId) => statSync(join(documentsOf(id)[0]!.dir, 'metadata.json')).mtimeMs;

  it('mark read, add a category, move and delete, each after its document is committed', async () => {
    harness.sim.resetCounters();
    const messages = {
      markread: addOne('markread'),
      category: addOne('category', ['Existing']),
      move: addOne('move'),
      delete: addOne('delete'),
    };
    for (const id of Object.keys(messages) as Array<keyof typeof messages>) await harness.poll(id);
    for (const [id, m] of Object.entries(messages))
      await actionSettles(id as SourceId, m.immutableId, 'done');

    // The delta page carries what rules and actions read, so no message JSON was requested.
    const ingested = await runtime().queues.ingest.getJob(
      ingestJobId('category', messages.category.immutableId),
    );
    expect(ingested?.data.summary).toMatchObject({
      categories: ['Existing'],
      importance: 'normal',
      conversationId: expect.stringMatching(/^AAQk/),
      hasAttachments: expect.any(Boolean),
    });
    expect(stored(messages.markread.immutableId).isRead).toBe(true);
    // Added to the categories the delta page listed: no read of the message was needed.
    expect(stored(messages.category.immutableId).categories).toEqual(['Existing', 'Imported']);
    expect(folderOf(messages.move.immutableId, 'Archive/Imported')).toBe(true);
    expect(folderOf(messages.move.immutableId, SOURCES.move.folder)).toBe(false);
    expect(folderOf(messages.delete.immutableId, 'Deleted Items')).toBe(true);

    for (const [id, m] of Object.entries(messages)) {
      const sourceId = id as SourceId;
      expect(documentsOf(sourceId)).toHaveLength(1);
      expect(stored(m.immutableId).changedAt).toBeGreaterThanOrEqual(committedAt(sourceId));
      expect(await runtime().ledger.get(sourceId, m.immutableId)).toMatchObject({
        status: 'delivered',
        action: { status: 'done', attempts: 1 },
      });
    }
    const counters = harness.sim.counters();
    expect(counters.requests).toMatchObject({ value: 4, patch: 2, move: 2 });
    expect(counters.requests.message).toBeUndefined();
    expect(harness.logs.filter((l) => l.includes('"audit":"action-done"'))).toHaveLength(4);

    // The moved and deleted messages leave their folders: the next rounds see removals, no imports.
    await harness.poll('move');
    await harness.poll('delete');
    expect(documentsOf('move')).toHaveLength(1);
    expect(documentsOf('delete')).toHaveLength(1);
    expect(harness.sim.counters().requests.value).toBe(4);
  });

  it('read the categories again when the listed ones are too old to trust', async () => {
    harness.sim.resetCounters();
    const { immutableId } = addOne('category', ['Set by a user since']);
    await runtime().ledger.record('category', immutableId, {
      status: 'delivered',
      at: new Date().toISOString(),
    });
    const outcome = await enqueueAfterImport(runtime(), {
      sourceId: 'category',
      messageId: immutableId,
      summary: { id: immutableId, to: [], cc: [], receivedDateTime: '2026-10-30T10:00:00Z', categories: [] },
      document: { backend: 'documents', ref: 'category/2026/10/x' },
      afterImport: { category: 'Imported' },
      listedAt: Date.now() - CATEGORIES_TRUSTED_MS - 1000,
    });
    expect(outcome).toBe('enqueued');
    await actionSettles('category', immutableId, 'done');
    expect(stored(immutableId).categories).toEqual(['Set by a user since', 'Imported']);
    expect(harness.sim.counters().requests).toMatchObject({ message: 1, patch: 1 });
    // Asked again, it sees the action done and queues nothing.
    expect(
      await enqueueAfterImport(runtime(), {
        sourceId: 'category',
        messageId: immutableId,
        summary: { id: immutableId, to: [], cc: [], receivedDateTime: '2026-10-30T10:00:00Z' },
        document: { backend: 'documents', ref: 'category/2026/10/x' },
        afterImport: { category: 'Imported' },
      }),
    ).toBe('already-handled');
  });

  it('leave the mailbox alone while the backend fails, and act once the document is committed', async () => {
    // A file where the source's document folder must go: every delivery fails until it is removed.
    const blocker = join(harness.documentsRoot, 'ordered');
    writeFileSync(blocker, 'not a folder');
    const { immutableId } = addOne('ordered');
    await harness.poll('ordered');
    await waitFor(
      () => harness.logs.some((l) => l.includes('"ingest failed, will retry"') && l.includes('"ordered"')),
      {
        what: 'a failed delivery',
      },
    );
    expect(stored(immutableId).isRead).toBe(false);
    expect(await runtime().ledger.get('ordered', immutableId)).toBeNull();
    expect(await runtime().queues.action.getJobCounts('waiting', 'active', 'delayed', 'completed')).toEqual({
      waiting: 0,
      active: 0,
      delayed: 0,
      completed: expect.any(Number),
    });
    expect(harness.sim.messages(MAILBOX, SOURCES.ordered.folder)[0]?.changedAt).toBeUndefined();

    rmSync(blocker);
    await actionSettles('ordered', immutableId, 'done');
    expect(stored(immutableId).isRead).toBe(true);
    expect(stored(immutableId).changedAt).toBeGreaterThanOrEqual(committedAt('ordered'));
  });

  it('retry a failing action on its own, without importing the message again', async () => {
    harness.sim.resetCounters();
    const { immutableId } = addOne('flaky', ['Existing']);
    harness.sim.injectFault({ kinds: ['patch'], status: 503, count: 2 });
    await harness.poll('flaky');
    await actionSettles('flaky', immutableId, 'done');

    expect(stored(immutableId).categories).toEqual(['Existing', 'Imported']);
    expect(await actionOf('flaky', immutableId)).toMatchObject({ status: 'done', attempts: 3 });
    const counters = harness.sim.counters();
    expect(counters.faultsInjected).toEqual({ '503': 2 });
    expect(counters.requests.patch).toBe(3);
    // Retries read the categories afresh instead of trusting the delta page.
    expect(counters.requests.message).toBe(2);
    expect(counters.requests.value).toBe(1);
    expect(documentsOf('flaky')).toHaveLength(1);
    expect(imports('flaky')).toBe(1);
    const retried = harness.logs.filter((l) => l.includes('"after-import action failed, will retry"'));
    expect(retried).toHaveLength(2);
    expect(JSON.parse(retried[0]!)).toMatchObject({
      sourceId: 'flaky',
      code: 'GRAPH_UNAVAILABLE',
      attempt: 1,
    });
  });

  it('dead-letter an action out of attempts; dlq retry re-runs only the action', async () => {
    harness.sim.resetCounters();
    const { immutableId } = addOne('stuck');
    harness.sim.injectFault({ kinds: ['patch'], status: 503, count: 3 });
    await harness.poll('stuck');
    await actionSettles('stuck', immutableId, 'failed');

    expect(await runtime().ledger.get('stuck', immutableId)).toMatchObject({
      status: 'delivered',
      action: { kind: 'markRead', status: 'failed', errorCode: 'GRAPH_UNAVAILABLE', attempts: 3 },
    });
    const letters = await runtime().queues['dead-letter'].getJobs(['waiting']);
    const letter = letters.find((l) => l.data.sourceId === 'stuck')!;
    expect(letter.data).toMatchObject({
      stage: 'action',
      messageId: immutableId,
      errorCode: 'GRAPH_UNAVAILABLE',
      attempts: 3,
      action: { action: { kind: 'markRead' }, backend: 'documents' },
    });
    expect(letter.data.ingest).toBeUndefined();
    expect(stored(immutableId).isRead).toBe(false);

    const cli = async (...args: string[]) => {
      const run = spawnCli(['--config', harness.configFile, 'dlq', ...args]);
      expect(await run.exited).toBe(0);
      return run.stdout.filter(Boolean);
    };
    const listed = await cli('list', '--source', 'stuck');
    expect(listed[0]).toContain('  action  GRAPH_UNAVAILABLE  ');
    expect(await cli('retry', letter.id!)).toEqual(['retried 1 dead letter(s)']);
    await actionSettles('stuck', immutableId, 'done');

    expect(stored(immutableId).isRead).toBe(true);
    const counters = harness.sim.counters();
    expect(counters.requests.value).toBe(1);
    expect(counters.requests.patch).toBe(4);
    expect(documentsOf('stuck')).toHaveLength(1);
    expect(imports('stuck')).toBe(1);
    expect(
      (await runtime().queues['dead-letter'].getJobs(['waiting'])).some((l) => l.data.sourceId === 'stuck'),
    ).toBe(false);
  });

  it('never enqueue skipped messages again, a resync included', async () => {
    const skipped = addOne('filtered');
    const kept = addOne('filtered');
    await recordSkipped(runtime(), {
      sourceId: 'filtered',
      messageId: skipped.immutableId,
      summary: { id: skipped.immutableId, to: [], cc: [], receivedDateTime: '2026-10-30T10:00:00Z' },
      reason: 'exclude[0]: subject matches "Out of office*"',
    });
    await harness.poll('filtered');
    await waitFor(
      async () => (await runtime().ledger.get('filtered', kept.immutableId))?.status === 'delivered',
    );
    harness.sim.expireSyncState(MAILBOX);
    await harness.poll('filtered');

    const finished = harness.logs
      .filter((l) => l.includes('"poll finished"') && l.includes('"sourceId":"filtered"'))
      .map((l) => JSON.parse(l) as { enqueued: number; alreadyDone: number; resynced: boolean });
    expect(finished).toEqual([
      expect.objectContaining({ enqueued: 1, alreadyDone: 1 }),
      expect.objectContaining({ enqueued: 0, alreadyDone: 2, resynced: true }),
    ]);
    expect(await runtime().ledger.get('filtered', skipped.immutableId)).toMatchObject({
      status: 'skipped',
      reason: 'exclude[0]: subject matches "Out of office*"',
    });
    expect(documentsOf('filtered')).toHaveLength(1);
    expect(harness.logs.some((l) => l.includes('"audit":"skipped"'))).toBe(true);
  });
});
