import { PassThrough } from 'node:stream';
import { Redis } from 'ioredis';
import { Secret } from '../../src/config/secret';
import { PostroomError } from '../../src/errors/postroom-error';
import { createLogger } from '../../src/observability/logger';
import { generateSampleMessages, startGraphSimulator, type GraphSimulator } from '../../src/simulators/graph';
import { GraphActions } from '../../src/sources/graph/graph-actions';
import { GraphApi } from '../../src/sources/graph/graph-api';
import { MailboxGate } from '../../src/sources/graph/mailbox-gate';
import { tokenProviderFor } from '../../src/sources/graph/token-provider';
import { CLIENT_ID, MAILBOX, TENANT_ID } from '../helpers/harness';
import { TEST_REDIS_URL, deletePrefix, uniquePrefix } from '../helpers/redis';

/** GraphActions through a real GraphApi (gate in Redis, msal-node tokens) against the simulator. */
describe('Graph after-import actions', () => {
  let sim: GraphSimulator;
  let redis: Redis;
  let api: GraphApi;
  let actions: GraphActions;
  const prefix = uniquePrefix();
  const secret = 'graph-actions-secret';
  let seed = 500;

  beforeAll(async () => {
    redis = new Redis(TEST_REDIS_URL);
    sim = await startGraphSimulator();
    sim.registerApp({ tenantId: TENANT_ID, clientId: CLIENT_ID, clientSecret: secret });
    sim.addMailbox(MAILBOX);
    sim.ensureFolder(MAILBOX, 'Inbox/Work');
    sim.ensureFolder(MAILBOX, 'Archive/Imported');
    api = new GraphApi({
      graphEndpoint: sim.graphEndpoint,
      tokens: tokenProviderFor({
        tenantId: TENANT_ID,
        clientId: CLIENT_ID,
        credential: { kind: 'secret', secret: new Secret(secret) },
        authorityHost: sim.authorityHost,
        graphEndpoint: sim.graphEndpoint,
      }),
      gate: new MailboxGate({
        redis,
        key: `${prefix}:graph:actions`,
        limit: 4,
        budget: { requests: 100_000, windowMs: 600_000, burst: 100 },
      }),
      maxRetryAfterMs: 10_000,
      requestAttempts: 1,
      logger: createLogger({ level: 'error', stream: new PassThrough() }),
    });
    actions = new GraphActions(api, MAILBOX);
  });
  afterAll(async () => {
    await sim.close();
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });
  beforeEach(() => {
    sim.clearFaults();
    sim.resetCounters();
  });

  const add = (categories?: string[]) =>
    sim.addMessage(MAILBOX, 'Inbox/Work', generateSampleMessages({ count: 1, seed: seed++ })[0]!, {
      categories,
    }).immutableId;
  const stored = (id: string) => sim.messages(MAILBOX).find((m) => m.immutableId === id);
  const inFolder = (id: string, path: string) =>
    sim.messages(MAILBOX, path).some((m) => m.immutableId === id);
  const requests = () => sim.counters().requests;

  it('markRead sends one PATCH and can be repeated', async () => {
    const id = add();
    expect(await actions.apply(id, { kind: 'markRead' })).toEqual({ changed: true });
    expect(await actions.apply(id, { kind: 'markRead' })).toEqual({ changed: true });
    expect(stored(id)?.isRead).toBe(true);
    expect(requests()).toMatchObject({ patch: 2 });
  });

  it('category: added to the known list without a read, or to the list read first', async () => {
    const id = add(['Existing']);
    await actions.apply(id, { kind: 'category', name: 'Imported' }, { knownCategories: ['Existing'] });
    expect(stored(id)?.categories).toEqual(['Existing', 'Imported']);
    expect(requests()).toEqual(expect.objectContaining({ patch: 1 }));
    expect(requests().message).toBeUndefined();

    const other = add(['Red', 'Blue']);
    await actions.apply(other, { kind: 'category', name: 'Imported' });
    expect(stored(other)?.categories).toEqual(['Red', 'Blue', 'Imported']);
    expect(requests()).toMatchObject({ message: 1, patch: 2 });
  });

  it('category: nothing is sent when the message has it already, in any case', async () => {
    const id = add(['imported']);
    expect(
      await actions.apply(id, { kind: 'category', name: 'Imported' }, { knownCategories: ['imported'] }),
    ).toEqual({ changed: false, note: 'the message already has category "Imported"' });
    expect(await actions.apply(id, { kind: 'category', name: 'Imported' })).toMatchObject({ changed: false });
    expect(requests()).toEqual(expect.objectContaining({ message: 1 }));
    expect(requests().patch).toBeUndefined();
  });

  it('move resolves the folder once, keeps the immutable id, and can be repeated', async () => {
    const first = add();
    const second = add();
    await actions.apply(first, { kind: 'move', folder: 'Archive/Imported' });
    await actions.apply(second, { kind: 'move', folder: 'archive/imported' });
    await actions.apply(second, { kind: 'move', folder: 'Archive/Imported' });
    expect(inFolder(first, 'Archive/Imported')).toBe(true);
    expect(inFolder(second, 'Archive/Imported')).toBe(true);
    // Archive is well-known: only "Imported" needs a lookup, and only the first time.
    expect(requests()).toMatchObject({ childFolders: 1, move: 3 });
  });

  it('move finds a destination folder made again after the cached one was deleted', async () => {
    const first = add();
    sim.ensureFolder(MAILBOX, 'Archive/Rebuilt');
    await actions.apply(first, { kind: 'move', folder: 'Archive/Rebuilt' });
    sim.deleteFolder(MAILBOX, 'Archive/Rebuilt');
    sim.ensureFolder(MAILBOX, 'Archive/Rebuilt');
    sim.resetCounters();

    const second = add();
    await actions.apply(second, { kind: 'move', folder: 'Archive/Rebuilt' });
    expect(inFolder(second, 'Archive/Rebuilt')).toBe(true);
    expect(requests()).toMatchObject({ move: 2, childFolders: 1 });
    expect(sim.counters().byStatus).toMatchObject({ '404': 1 });
  });

  it('move to a folder that does not exist fails for good with FOLDER_NOT_FOUND', async () => {
    const id = add();
    const failure = await actions
      .apply(id, { kind: 'move', folder: 'Archive/Missing' })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PostroomError);
    expect((failure as PostroomError).code).toBe('FOLDER_NOT_FOUND');
    expect((failure as PostroomError).message).toContain('folder "Missing" does not exist under "Archive"');
    expect(inFolder(id, 'Inbox/Work')).toBe(true);
    expect(requests().move).toBeUndefined();
  });

  it('delete moves to Deleted Items, harmless to repeat; a message already gone counts as deleted', async () => {
    const id = add();
    expect(await actions.apply(id, { kind: 'delete' })).toEqual({ changed: true });
    expect(await actions.apply(id, { kind: 'delete' })).toEqual({ changed: true });
    expect(inFolder(id, 'Deleted Items')).toBe(true);

    // Someone empties Deleted Items (Graph's DELETE on a message there removes it for good).
    await api.send('DELETE', `/users/${MAILBOX}/messages/${encodeURIComponent(id)}`);
    expect(stored(id)).toBeUndefined();
    expect(await actions.apply(id, { kind: 'delete' })).toEqual({
      changed: false,
      note: 'the message is no longer in the mailbox',
    });
  });

  it('a change refused by an access policy is a permanent GRAPH_ACCESS_DENIED', async () => {
    const id = add();
    sim.injectFault({ kinds: ['patch'], status: 403, code: 'ErrorAccessDenied' });
    const failure = await actions.apply(id, { kind: 'markRead' }).catch((e: unknown) => e);
    expect((failure as PostroomError).code).toBe('GRAPH_ACCESS_DENIED');
    expect(stored(id)?.isRead).toBe(false);
  });
});
