import { GOOD, cls, simClient, startSim, title } from './mfiles-sim-client';
import type { MFilesSimulator } from '../../../src/simulators/mfiles';

describe('M-Files simulator: search, legacy IIS, faults and outages', () => {
  let sim: MFilesSimulator;
  const { call, login, upload } = simClient(() => sim);
  beforeEach(async () => {
    sim = await startSim();
  });
  afterEach(() => sim.stop());

  it('searches by property value, excluding deleted objects unless asked', async () => {
    const token = await login();
    for (const id of ['<a@x>', '<b@x>']) {
      const u = await upload(token);
      await call('POST', '/REST/objects/0', {
        token,
        json: {
          PropertyValues: [cls(1), title(id), { PropertyDef: 83, TypedValue: { DataType: 1, Value: id } }],
          Files: [{ UploadID: u, Title: 'f' }],
        },
      });
    }
    const search = (query: string) => call('GET', `/REST/objects?${query}`, { token });
    expect((await search(`o=0&p83=${encodeURIComponent('<a@x>')}`)).json).toMatchObject({
      Items: [{ Title: '<a@x>' }],
      MoreResults: false,
    });
    expect((await search('p100=1')).json.Items).toHaveLength(2);
    expect((await search('q=B@X')).json.Items).toHaveLength(1);
    expect((await search(`p83*=${encodeURIComponent('@x')}&limit=1`)).json).toMatchObject({
      Items: [{}],
      MoreResults: true,
    });
    const deleted = await call('PUT', '/REST/objects/0/1/deleted', { token, json: { Value: true } });
    expect(deleted.json).toMatchObject({ Deleted: true, ObjVer: { Version: 2 } });
    expect((await search(`p83=${encodeURIComponent('<a@x>')}`)).json.Items).toHaveLength(0);
    expect((await search(`p83=${encodeURIComponent('<a@x>')}&d=include`)).json.Items).toHaveLength(1);
    expect((await search('p4242=x')).status).toBe(404);
  });

  it('legacy mode: only .aspx paths and GET/POST reach the web service; _method carries the verb', async () => {
    await sim.stop();
    sim = await startSim({ legacyAspx: true });
    const plain = await call('POST', '/REST/server/authenticationtokens', { json: GOOD });
    expect(plain.status).toBe(404);
    expect(plain.headers.get('content-type')).toBe('text/html');
    const token = (await call('POST', '/REST/server/authenticationtokens.aspx', { json: GOOD })).json
      .Value as string;
    const u = (await call('POST', '/REST/files.aspx', { token, body: Buffer.from('x') })).json.UploadID;
    const created = await call('POST', '/REST/objects/0.aspx', {
      token,
      json: { PropertyValues: [cls(1), title('t')], Files: [{ UploadID: u, Title: 'f' }] },
    });
    expect(created.status).toBe(200);
    expect(
      (await call('PUT', '/REST/objects/0/1/deleted.aspx', { token, json: { Value: true } })).status,
    ).toBe(405);
    const viaOverride = await call('POST', '/REST/objects/0/1/deleted.aspx?_method=PUT', {
      token,
      json: { Value: true },
    });
    expect(viaOverride.json).toMatchObject({ Deleted: true });
    expect((await call('GET', '/REST/objects.aspx?o=0&d=include', { token })).json.Items).toHaveLength(1);
  });

  it('injects faults: status with Retry-After, delays, resets; counts them', async () => {
    const token = await login();
    sim.injectFault({ kinds: ['structure'], status: 503, retryAfterSeconds: 3, after: 1 });
    expect((await call('GET', '/REST/structure/classes', { token })).status).toBe(200);
    const unavailable = await call('GET', '/REST/structure/classes', { token });
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('retry-after')).toBe('3');
    expect(unavailable.json.Exception.Name).toBe('ServiceUnavailableException');
    sim.injectFault({ kinds: ['structure'], delayMs: 150 });
    const started = Date.now();
    expect((await call('GET', '/REST/structure/classes', { token })).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    sim.injectFault({ kinds: ['structure'], reset: true });
    await expect(call('GET', '/REST/structure/classes', { token })).rejects.toThrow();
    expect(sim.counters().faultsInjected).toEqual({ '503': 1, delay: 1, reset: 1 });
    expect(sim.counters().byStatus).toMatchObject({ '200': 3, '503': 1 });
  });

  it('goes down (connection refused) and comes back on the same URL', async () => {
    const url = sim.url;
    await sim.goDown(100);
    await expect(fetch(`${url}/REST/structure/classes`)).rejects.toMatchObject({
      cause: expect.objectContaining({ code: 'ECONNREFUSED' }),
    });
    await sim.waitUntilUp();
    expect(sim.url).toBe(url);
    expect((await call('GET', '/REST/structure/classes')).status).toBe(403);
    expect(sim.counters().downPeriods).toBe(1);
  });
});
