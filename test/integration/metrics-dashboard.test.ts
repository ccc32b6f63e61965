import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Source } from '../../src/config/load-config';
import { sourceSchema } from '../../src/config/schema';
import { Secret } from '../../src/config/secret';
import { createLogger } from '../../src/observability/logger';
import { generateSampleMessages } from '../../src/simulators/graph';
import { GraphMailSource } from '../../src/sources/graph/graph-mail-source';
import { closeGates } from '../../src/sources/graph/mailbox-gate';
import { CLIENT_ID, Harness, MAILBOX, TENANT_ID, seedFolder } from '../helpers/harness';
import { TEST_REDIS_URL } from '../helpers/redis';

const FOLDER = 'Inbox/Invoices';
const MESSAGES = 12;
const TOKEN_ENV = `POSTROOM_IT_DASHBOARD_${randomBytes(4).toString('hex').toUpperCase()}`;
const DASHBOARD_TOKEN = `dash-${randomBytes(16).toString('hex')}`;

/** The value of one sample line, e.g. `postroom_messages_total{source="a",outcome="imported"}`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = (match[2] ?? '').split(',').filter(Boolean);
    if (wanted.every((w) => have.includes(w))) return Number(match[3]);
  }
  return undefined;
}

describe('/metrics after a real import, and the dashboard', () => {
  const harness = new Harness({
    sources: [{ id: 'metered', extra: 'secretExpires: 2099-01-01' }],
    httpYaml: `http:\n  port: 0\n  dashboardToken: \${env:${TOKEN_ENV}}`,
  });
  const url = (path: string) => `${harness.service.http!.url}${path}`;

  beforeAll(async () => {
    process.env[TOKEN_ENV] = DASHBOARD_TOKEN;
    await harness.start();
    seedFolder(harness.sim, FOLDER, generateSampleMessages({ count: MESSAGES, seed: 11 }));
  });
  afterAll(async () => {
    await harness.stop();
    delete process.env[TOKEN_ENV];
  });

  it('counts the import, Graph requests by status, throttle waits, the poll and the queues', async () => {
    // One download is throttled once: a 429 whose Retry-After is waited out inside the attempt.
    harness.sim.injectFault({ kinds: ['value'], after: 2, count: 1, status: 429, retryAfterSeconds: 0.3 });
    await harness.poll('metered');
    await harness.drain();

    const response = await fetch(url('/metrics'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();

    expect(sample(text, 'postroom_messages_total', { source: 'metered', outcome: 'imported' })).toBe(
      MESSAGES,
    );
    expect(sample(text, 'postroom_messages_total', { source: 'metered', outcome: 'failed' })).toBe(0);
    expect(sample(text, 'postroom_messages_total', { source: 'metered', outcome: 'skipped' })).toBe(0);
    expect(
      sample(text, 'postroom_graph_requests_total', { mailbox: MAILBOX, status: '200' }),
    ).toBeGreaterThanOrEqual(MESSAGES + 1);
    expect(sample(text, 'postroom_graph_requests_total', { mailbox: MAILBOX, status: '429' })).toBe(1);
    expect(sample(text, 'postroom_graph_throttle_waits_total', { mailbox: MAILBOX })).toBe(1);
    expect(
      sample(text, 'postroom_graph_throttle_wait_seconds_total', { mailbox: MAILBOX }),
    ).toBeGreaterThanOrEqual(0.3);
    expect(sample(text, 'postroom_poll_duration_seconds_count', { source: 'metered', outcome: 'ok' })).toBe(
      1,
    );
    expect(sample(text, 'postroom_poll_duration_seconds_bucket', { source: 'metered', le: '+Inf' })).toBe(1);

    const lastSuccess = sample(text, 'postroom_last_successful_poll_timestamp_seconds', {
      source: 'metered',
    });
    expect(Date.now() / 1000 - lastSuccess!).toBeLessThan(60);
    for (const queue of ['poll', 'ingest', 'dead-letter']) {
      expect(sample(text, 'postroom_queue_jobs', { queue, state: 'waiting' })).toBe(0);
    }
    expect(sample(text, 'postroom_queue_jobs', { queue: 'ingest', state: 'completed' })).toBe(MESSAGES);
    expect(sample(text, 'postroom_dead_letters')).toBe(0);
    expect(sample(text, 'postroom_redis_up')).toBe(1);
    const budget = sample(text, 'postroom_graph_budget_remaining', { mailbox: MAILBOX })!;
    expect(budget).toBeGreaterThan(0);
    expect(budget).toBeLessThan(10_000);
    expect(
      sample(text, 'postroom_credential_expiry_timestamp_seconds', {
        source: 'metered',
        kind: 'client-secret',
      }),
    ).toBe(Date.parse('2099-01-01T00:00:00Z') / 1000);
    // Node's process metrics come with it.
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);

    // No secret, and no message id, anywhere in the metrics.
    expect(text).not.toContain(harness.secret);
    expect(text).not.toContain(DASHBOARD_TOKEN);
    for (const message of harness.sim.messages(MAILBOX, FOLDER))
      expect(text).not.toContain(message.immutableId);
  });

  it('counts token failures per source and Entra error code', async () => {
    const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    const definition = sourceSchema.parse({
      id: 'wrong-secret',
      tenantId: TENANT_ID,
      clientId: CLIENT_ID,
      clientSecret: 'x',
      mailbox: MAILBOX,
      folder: FOLDER,
      backend: 'documents',
    });
    const source: Source = {
      file: 'wrong-secret.yaml',
      definition,
      credential: { kind: 'secret', secret: new Secret(`not-the-secret-${randomBytes(8).toString('hex')}`) },
      authorityHost: harness.sim.authorityHost,
      graphEndpoint: harness.sim.graphEndpoint,
    };
    const mailSource = new GraphMailSource(source, {
      gate: {
        redis,
        prefix: harness.prefix,
        limit: 4,
        budget: { requests: 1000, windowMs: 60_000, burst: 10 },
      },
      maxRetryAfterMs: 1_000,
      requestAttempts: 1,
      idleTimeoutMs: 5_000,
      logger: createLogger({ level: 'error' }),
    });
    try {
      await expect(mailSource.changes(null, async () => undefined)).rejects.toMatchObject({
        code: 'AUTH_FAILED',
      });
    } finally {
      await closeGates(redis);
      redis.disconnect();
    }
    const text = await (await fetch(url('/metrics'))).text();
    expect(
      sample(text, 'postroom_token_failures_total', { source: 'wrong-secret', code: 'AADSTS7000215' }),
    ).toBe(1);
  });

  it('keeps the dashboard behind the token: 401 without it, 200 with a bearer token', async () => {
    const anonymous = await fetch(url('/dashboard/'));
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(
      (await fetch(url('/dashboard/'), { headers: { Authorization: 'Bearer wrong-token-of-some-length' } }))
        .status,
    ).toBe(401);
    const api = await fetch(url('/dashboard/api/queues'), { headers: { Authorization: 'Bearer wrong' } });
    expect(api.status).toBe(401);

    const page = await fetch(url('/dashboard/'), { headers: { Authorization: `Bearer ${DASHBOARD_TOKEN}` } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<html/i);
    const queues = await fetch(url('/dashboard/api/queues'), {
      headers: { Authorization: `Bearer ${DASHBOARD_TOKEN}` },
    });
    expect(queues.status).toBe(200);
    const names = ((await queues.json()) as { queues: Array<{ name: string }> }).queues.map((q) => q.name);
    expect(names.sort()).toEqual(['action', 'dead-letter', 'ingest', 'poll']);
  });

  it('trades ?token= for an HttpOnly cookie once, then drops the token from the address', async () => {
    const first = await fetch(url(`/dashboard/?token=${DASHBOARD_TOKEN}`), { redirect: 'manual' });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/dashboard/');
    const cookie = first.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).not.toContain(DASHBOARD_TOKEN);

    const withCookie = await fetch(url('/dashboard/'), { headers: { Cookie: cookie.split(';')[0]! } });
    expect(withCookie.status).toBe(200);
    expect(
      (await fetch(url('/dashboard/'), { headers: { Cookie: 'postroom_dashboard=forged' } })).status,
    ).toBe(401);
    expect((await fetch(url('/dashboard/?token=wrong'), { redirect: 'manual' })).status).toBe(401);
  });
});
