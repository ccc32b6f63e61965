import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { createLogger } from '../../src/observability/logger';
import { Secret } from '../../src/config/secret';
import { PostroomError } from '../../src/errors/postroom-error';
import { jobBackoff } from '../../src/queues/queues';
import { generateSampleMessages, startGraphSimulator, type GraphSimulator } from '../../src/simulators/graph';
import { GraphApi, type GraphApiOptions } from '../../src/sources/graph/graph-api';
import { MailboxGate } from '../../src/sources/graph/mailbox-gate';
import { tokenProviderFor } from '../../src/sources/graph/token-provider';
import { Redis } from 'ioredis';
import { CLIENT_ID, MAILBOX, TENANT_ID } from '../helpers/harness';
import { TEST_REDIS_URL, deletePrefix, uniquePrefix } from '../helpers/redis';

/** GraphApi (retry, throttling, token refresh, timeouts) against scripted simulator faults. */
describe('GraphApi under faults', () => {
  let sim: GraphSimulator;
  let messageId: string;
  let expectedSha: string;
  const secret = 'graph-api-faults-secret';
  const silent = createLogger({ level: 'error', stream: new PassThrough() });

  const prefix = uniquePrefix();
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(TEST_REDIS_URL);
    sim = await startGraphSimulator();
    sim.registerApp({ tenantId: TENANT_ID, clientId: CLIENT_ID, clientSecret: secret });
    sim.addMailbox(MAILBOX);
    // A message of ~40 KB, so a trickled body takes several chunks.
    const raw = Buffer.concat([
      generateSampleMessages({ count: 1, seed: 3 })[0]!,
      Buffer.alloc(40_000, 0x41),
    ]);
    messageId = sim.addMessage(MAILBOX, 'Inbox', raw).immutableId;
    expectedSha = createHash('sha256').update(raw).digest('hex');
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

  function api(overrides: Partial<GraphApiOptions> = {}, secretValue = secret): GraphApi {
    return new GraphApi({
      graphEndpoint: sim.graphEndpoint,
      tokens: tokenProviderFor({
        tenantId: TENANT_ID,
        clientId: CLIENT_ID,
        credential: { kind: 'secret', secret: new Secret(secretValue) },
        authorityHost: sim.authorityHost,
        graphEndpoint: sim.graphEndpoint,
      }),
      gate: new MailboxGate({
        redis,
        key: `${prefix}:graph:${Math.random()}`,
        limit: 4,
        budget: { requests: 100_000, windowMs: 600_000, burst: 100 },
      }),
      maxRetryAfterMs: 10_000,
      logger: silent,
      ...overrides,
    });
  }

  async function downloadSha(graph: GraphApi): Promise<string> {
    let sha = '';
    await graph.download(
      `/users/${MAILBOX}/messages/${encodeURIComponent(messageId)}/$value`,
      async (body) => {
        const hash = createHash('sha256');
        for await (const chunk of body) hash.update(chunk as Buffer);
        sha = hash.digest('hex');
      },
    );
    return sha;
  }

  it('gets its token before taking a slot, so a slow token request holds none and misses no pause', async () => {
    const key = `${prefix}:graph:token-order`;
    const gate = new MailboxGate({
      redis,
      key,
      limit: 1,
      budget: { requests: 100_000, windowMs: 600_000, burst: 100 },
    });
    const real = tokenProviderFor({
      tenantId: TENANT_ID,
      clientId: CLIENT_ID,
      credential: { kind: 'secret', secret: new Secret(secret) },
      authorityHost: sim.authorityHost,
      graphEndpoint: sim.graphEndpoint,
    });
    const slotsHeldAtTokenTime: number[] = [];
    // The real provider, observed: how many of the mailbox's slots are taken while a token is fetched.
    const observed = {
      getToken: async () => {
        slotsHeldAtTokenTime.push(await redis.zcard(`${key}:slots`));
        return real.getToken();
      },
      invalidate: () => real.invalidate(),
    };
    const graph = api({ gate, tokens: observed });
    await graph.download(`/users/${MAILBOX}/messages/${messageId}/$value`, async (body) => {
      body.resume();
      await new Promise((resolve) => body.once('end', resolve));
    });
    expect(slotsHeldAtTokenTime).toEqual([0]);
  });

  it('waits out Retry-After (fractional seconds) before any further request to the mailbox', async () => {
    sim.injectFault({ kinds: ['value'], status: 429, retryAfterSeconds: 0.3, count: 2 });
    const started = Date.now();
    expect(await downloadSha(api())).toBe(expectedSha);
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    const counters = sim.counters();
    expect(counters.byStatus['429']).toBe(2);
    expect(counters.retryAfterViolations).toBe(0);
  });

  it('backs off and retries a 503 without Retry-After', async () => {
    sim.injectFault({ kinds: ['value'], status: 503, count: 1 });
    expect(await downloadSha(api())).toBe(expectedSha);
    expect(sim.counters().requests.value).toBe(2);
  });

  it('retries a connection cut mid-body and delivers the whole body', async () => {
    sim.injectFault({ kinds: ['value'], reset: true, count: 2 });
    expect(await downloadSha(api({ requestAttempts: 3 }))).toBe(expectedSha);
    expect(sim.counters().requests.value).toBe(3);
  });

  it('refreshes the token once after a 401, and gives up on a second', async () => {
    const graph = api();
    await downloadSha(graph);
    const tokensBefore = sim.counters().requests.token ?? 0;
    sim.injectFault({ kinds: ['value'], status: 401, count: 1 });
    expect(await downloadSha(graph)).toBe(expectedSha);
    expect((sim.counters().requests.token ?? 0) - tokensBefore).toBe(1);

    sim.injectFault({ kinds: ['value'], status: 401, count: 2 });
    await expect(downloadSha(graph)).rejects.toMatchObject({ code: 'GRAPH_UNAUTHORIZED' });
  });

  it('hands a Retry-After above the cap to the job backoff instead of waiting in-process', async () => {
    sim.injectFault({ kinds: ['value'], status: 429, retryAfterSeconds: 30 });
    const error = (await downloadSha(api({ maxRetryAfterMs: 1_000 })).catch(
      (e: unknown) => e,
    )) as PostroomError;
    expect(error).toMatchObject({ code: 'GRAPH_THROTTLED', retryAfterMs: 30_000 });
    expect(jobBackoff(1, 'postroom', error, undefined)).toBeGreaterThanOrEqual(30_000);
  });

  it('keeps a slow but flowing body alive and abandons one that goes quiet', async () => {
    // 40 KB in 4 KB chunks 60 ms apart: ~600 ms in all, never quiet for 300 ms.
    sim.injectFault({ kinds: ['value'], trickleMs: 60 });
    expect(await downloadSha(api({ idleTimeoutMs: 300 }))).toBe(expectedSha);

    sim.injectFault({ kinds: ['value'], trickleMs: 500, count: 2 });
    await expect(downloadSha(api({ idleTimeoutMs: 150, requestAttempts: 2 }))).rejects.toMatchObject({
      code: 'NETWORK',
    });
  });

  it('reports wrong credentials as a permanent AUTH_FAILED after a single token request', async () => {
    const error = await downloadSha(api({}, 'not-the-secret-value')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PostroomError);
    expect(error).toMatchObject({ code: 'AUTH_FAILED' });
    expect(sim.counters().requests.token).toBe(1);
    expect(sim.counters().requests.value ?? 0).toBe(0);
  });
});
