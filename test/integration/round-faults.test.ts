import { generateSampleMessages } from '../../src/simulators/graph';
import { listDocuments } from '../helpers/documents';
import { CLIENT_ID, Harness, MAILBOX, TENANT_ID, seedFolder } from '../helpers/harness';

const FOLDER = 'Inbox/Invoices';
const MESSAGES = 20;

/** Delta rounds and ingests that break part-way, through the whole service. */
describe('faults during a round', () => {
  const harness = new Harness({
    sources: [{ id: 'faulty', pageSize: 5 }],
    // Fast job retries and no in-request retries, so the last-attempt path is reached quickly.
    workersYaml: 'workers:\n  ingestConcurrency: 4\n  ingestAttempts: 2\n  retryDelaySeconds: 0.1',
    serviceYaml: 'graph:\n  requestAttempts: 1',
  });
  const checkpoint = () => harness.redis.get(`${harness.prefix}:checkpoint:faulty`);
  const lastPoll = () => JSON.parse(harness.logs.filter((l) => l.includes('"poll finished"')).at(-1)!);

  beforeAll(async () => {
    await harness.start();
    seedFolder(harness.sim, FOLDER, generateSampleMessages({ count: MESSAGES, seed: 11 }));
  });
  afterAll(() => harness.stop());
  beforeEach(() => harness.sim.clearFaults());

  it('stores no checkpoint when a round fails part-way, and the next poll delivers everything once', async () => {
    // The third page fails with an error no retry can fix.
    harness.sim.injectFault({ kinds: ['delta'], after: 2, status: 400, code: 'ErrorInvalidUrlQuery' });
    await expect(harness.poll('faulty')).rejects.toThrow(/poll failed/);
    expect(await checkpoint()).toBeNull();
    harness.logs.length = 0;

    await harness.poll('faulty');
    await harness.drain();
    expect(await checkpoint()).not.toBeNull();
    expect(listDocuments(harness.documentsRoot)).toHaveLength(MESSAGES);
  });

  it('resyncs when the delta token expires in the middle of a round', async () => {
    const added = generateSampleMessages({ count: 12, seed: 12 });
    for (const raw of added) harness.sim.addMessage(MAILBOX, FOLDER, raw);
    harness.sim.injectFault({ kinds: ['delta'], after: 1, status: 410 });
    await harness.poll('faulty');
    await harness.drain();
    expect(lastPoll()).toMatchObject({ resynced: true });
    const docs = listDocuments(harness.documentsRoot);
    expect(docs).toHaveLength(MESSAGES + added.length);
    expect(new Set(docs.map((d) => d.metadata.messageId)).size).toBe(docs.length);
  });

  it('dead-letters a message whose download keeps failing once its attempts run out', async () => {
    harness.sim.addMessage(MAILBOX, FOLDER, generateSampleMessages({ count: 1, seed: 13 })[0]!);
    harness.sim.injectFault({ kinds: ['value'], status: 503, count: 2 });
    await harness.poll('faulty');
    await harness.drain();
    const letters = await harness.service.runtime.queues['dead-letter'].getJobs(['waiting']);
    expect(letters).toHaveLength(1);
    expect(letters[0]!.data).toMatchObject({
      stage: 'download',
      errorCode: 'GRAPH_UNAVAILABLE',
      attempts: 2,
    });
    expect(harness.logs.filter((l) => l.includes('"ingest failed, will retry"'))).toHaveLength(1);
  });

  it('fails a poll with wrong credentials once, as AUTH_FAILED, without retrying', async () => {
    harness.sim.registerApp({
      tenantId: TENANT_ID,
      clientId: CLIENT_ID,
      clientSecret: 'rotated-by-an-admin',
    });
    // msal-node caches the old token: a revoked token is what Graph would then answer.
    harness.sim.injectFault({ status: 401, count: 10 });
    harness.sim.resetCounters();
    await expect(harness.poll('faulty')).rejects.toThrow(/AUTH_FAILED/);
    await new Promise((r) => setTimeout(r, 300));
    expect(harness.logs.filter((l) => l.includes('"poll failed"'))).toHaveLength(1);
    expect(harness.sim.counters().requests.token).toBe(1);
  });
});
