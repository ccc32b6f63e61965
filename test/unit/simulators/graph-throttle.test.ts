import {
  generateSampleMessages,
  startGraphSimulator,
  type GraphSimulator,
} from '../../../src/simulators/graph';
import { CLIENT_ID, graphClient, secretToken, SECRET, TENANT, UPN, type GraphClient } from './graph-helpers';

const OTHER = 'other@contoso.example';

describe('graph simulator: throttling and counters', () => {
  let sim: GraphSimulator;
  let client: GraphClient;
  let ids: string[];

  beforeAll(async () => {
    sim = await startGraphSimulator({ latencyMs: 150, throttleRetryAfterSeconds: 0.5 });
    sim.registerApp({ tenantId: TENANT, clientId: CLIENT_ID, clientSecret: SECRET });
    sim.addMailbox(UPN);
    sim.addMailbox(OTHER);
    ids = generateSampleMessages({ count: 6, seed: 9 }).map((raw) => sim.addMessage(UPN, 'Inbox', raw).id);
    sim.addMessage(OTHER, 'Inbox', generateSampleMessages({ count: 1, seed: 1 })[0] as Buffer);
    client = graphClient(sim, await secretToken(sim));
  });
  afterAll(() => sim.close());

  const valuePath = (id: string): string => `/users/${UPN}/messages/${encodeURIComponent(id)}/$value`;

  it('answers the fifth concurrent request for a mailbox with 429 ApplicationThrottled and Retry-After', async () => {
    sim.resetCounters();
    const started = Date.now();
    const responses = await Promise.all(ids.slice(0, 5).map((id) => client.get(valuePath(id))));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    const throttled = responses.find((r) => r.status === 429) as Response;
    expect(throttled.headers.get('retry-after')).toBe('0.5');
    const body = (await throttled.json()) as { error: { code: string; message: string } };
    expect(body.error).toMatchObject({
      code: 'ApplicationThrottled',
      message: 'Application is over its MailboxConcurrency limit.',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    await Promise.all(responses.map((r) => (r.bodyUsed ? undefined : r.arrayBuffer())));

    const counters = sim.counters();
    expect(counters.throttled).toBe(1);
    expect(counters.byStatus['429']).toBe(1);
    expect(counters.byStatus['200']).toBe(4);
    expect(counters.graphRequests).toBe(5);
    expect(counters.requests.value).toBe(5);
    expect(counters.maxInFlightPerMailbox[UPN.toLowerCase()]).toBe(4);
  });

  it('counts requests that ignore Retry-After, and not those that wait', async () => {
    await new Promise((r) => setTimeout(r, 550));
    sim.resetCounters();
    const burst = await Promise.all(ids.slice(0, 5).map((id) => client.get(valuePath(id))));
    await Promise.all(burst.map((r) => r.arrayBuffer()));
    // The burst takes ~150 ms, so a request right now is still inside the 500 ms window.
    const early = await client.get(valuePath(ids[0] as string));
    await early.arrayBuffer();
    expect(sim.counters().retryAfterViolations).toBe(1);

    await new Promise((r) => setTimeout(r, 550));
    await (await client.get(valuePath(ids[0] as string))).arrayBuffer();
    expect(sim.counters().retryAfterViolations).toBe(1);
  });

  it('limits concurrency per mailbox, not globally', async () => {
    sim.resetCounters();
    const mixed = await Promise.all([
      ...ids.slice(0, 4).map((id) => client.get(valuePath(id))),
      client.get(`/users/${OTHER}/mailFolders/inbox`),
    ]);
    expect(mixed.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    await Promise.all(mixed.map((r) => r.arrayBuffer()));
    expect(sim.counters().maxInFlightPerMailbox).toEqual({ [UPN.toLowerCase()]: 4, [OTHER]: 1 });
  });

  it('throttles $batch entries one by one', async () => {
    await new Promise((r) => setTimeout(r, 550));
    sim.resetCounters();
    const res = await client.send('POST', '/$batch', {
      requests: ids.map((id, i) => ({
        id: String(i + 1),
        method: 'GET',
        url: `/users/${UPN}/messages/${encodeURIComponent(id)}?$select=subject`,
      })),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      responses: { id: string; status: number; headers: Record<string, string> }[];
    };
    const statuses = body.responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(4);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2);
    expect(body.responses.find((r) => r.status === 429)?.headers['Retry-After']).toBe('0.5');
    const counters = sim.counters();
    expect(counters.requests.batch).toBe(1);
    expect(counters.requests.message).toBe(6);
    expect(counters.throttled).toBe(2);
  });

  it('counts token, control and unknown requests by kind', async () => {
    await new Promise((r) => setTimeout(r, 550));
    sim.resetCounters();
    await secretToken(sim);
    await (await fetch(`${sim.url}/_sim/counters`)).arrayBuffer();
    const unknown = await fetch(`${sim.url}/nowhere`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBeDefined();
    const counters = sim.counters();
    expect(counters.requests).toMatchObject({ token: 1, control: 1, other: 1 });
    expect(counters.graphRequests).toBe(0);
  });
});
