import { startGraphSimulator, type GraphSimulator } from '../../../src/simulators/graph';
import { CLIENT_ID, SECRET, TENANT, graphClient, secretToken, type GraphClient } from './graph-helpers';

const KIB = 1024;

/** The simulator's SharePoint drive endpoints, with plain fetch. */
describe('graph simulator: SharePoint document libraries', () => {
  let sim: GraphSimulator;
  let graph: GraphClient;
  let driveId: string;
  let siteId: string;

  beforeAll(async () => {
    sim = await startGraphSimulator({ simpleUploadMaxBytes: 64 * KIB });
    sim.registerApp({ tenantId: TENANT, clientId: CLIENT_ID, clientSecret: SECRET });
    siteId = sim.addSite('contoso.sharepoint.com', 'sites/Finance').id;
    driveId = sim.addDocumentLibrary(siteId, 'Documents', [
      { name: 'Sender', displayName: 'Sender', type: 'text' },
      { name: 'Amount', displayName: 'Amount', type: 'number' },
      { name: 'Kind', displayName: 'Kind', type: 'choice', choices: ['Invoice', 'Order'] },
    ]).id;
    graph = graphClient(sim, await secretToken(sim));
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.clearFaults());

  it('finds a site by path and its libraries by name, and items by path', async () => {
    const site = await graph.json<{ id: string }>('/sites/contoso.sharepoint.com:/sites/Finance');
    expect(site.id).toBe(siteId);
    const drives = await graph.json<{ value: Array<{ id: string; name: string; driveType: string }> }>(
      `/sites/${site.id}/drives`,
    );
    expect(drives.value).toEqual([
      expect.objectContaining({ id: driveId, name: 'Documents', driveType: 'documentLibrary' }),
    ]);
    const missing = await graph.get(`/drives/${driveId}/root:/no/such/file.txt`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('itemNotFound');
    expect((await graph.get('/sites/contoso.sharepoint.com:/sites/Nope')).status).toBe(404);
  });

  it('uploads small files by path, creating folders, and fails on a name clash with conflictBehavior=fail', async () => {
    const upload = (body: string, behavior: string) =>
      graph.send(
        'PUT',
        `/drives/${driveId}/root:/Mail/2026/a b.txt:/content?@microsoft.graph.conflictBehavior=${behavior}`,
        body,
      );
    const created = await upload('one', 'fail');
    expect(created.status).toBe(201);
    const item = (await created.json()) as {
      id: string;
      name: string;
      size: number;
      parentReference: { path: string };
    };
    expect(item).toMatchObject({
      name: 'a b.txt',
      parentReference: { path: `/drives/${driveId}/root:/Mail/2026` },
    });
    const clash = await upload('two', 'fail');
    expect(clash.status).toBe(409);
    expect(((await clash.json()) as { error: { code: string } }).error.code).toBe('nameAlreadyExists');
    // Names compare without regard to case.
    expect(
      (
        await graph.send(
          'PUT',
          `/drives/${driveId}/root:/mail/2026/A B.TXT:/content?@microsoft.graph.conflictBehavior=fail`,
          'x',
        )
      ).status,
    ).toBe(409);
    expect((await upload('three', 'replace')).status).toBe(200);
    const byPath = await graph.json<{ id: string; size: number }>(
      `/drives/${driveId}/root:/Mail/2026/a b.txt`,
    );
    expect(byPath.id).toBe(item.id);
    expect(
      (await graph.send('PUT', `/drives/${driveId}/root:/Mail/bad%7Cname.txt:/content`, 'x')).status,
    ).toBe(400);
    expect(
      (await graph.send('PUT', `/drives/${driveId}/root:/Mail/big.bin:/content`, 'x'.repeat(65 * KIB)))
        .status,
    ).toBe(413);
  });

  it('serves content through a pre-authenticated download link', async () => {
    await graph.send('PUT', `/drives/${driveId}/root:/dl/file.txt:/content`, 'download me');
    const res = await graph.get(`/drives/${driveId}/root:/dl/file.txt:/content`);
    // fetch follows the 302 and drops the bearer token on the way.
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('"download me"');
  });

  it('takes large files in 320 KiB fragments and refuses bad ranges', async () => {
    const total = 700 * KIB;
    const bytes = Buffer.alloc(total, 7);
    const session = (await (
      await graph.send('POST', `/drives/${driveId}/root:/Big/big.bin:/createUploadSession`, {
        item: { '@microsoft.graph.conflictBehavior': 'fail' },
      })
    ).json()) as { uploadUrl: string; nextExpectedRanges: string[] };
    expect(session.uploadUrl).toMatch(/\/_upload\//);
    const fragment = (start: number, end: number, headers: Record<string, string> = {}) =>
      fetch(session.uploadUrl, {
        method: 'PUT',
        headers: { 'Content-Range': `bytes ${start}-${end}/${total}`, ...headers },
        body: bytes.subarray(start, end + 1),
      });
    expect((await fragment(0, 100 * KIB - 1)).status).toBe(400); // not a multiple of 320 KiB
    expect((await fragment(0, 320 * KIB - 1, { Authorization: 'Bearer x' })).status).toBe(401);
    const first = await fragment(0, 320 * KIB - 1);
    expect(first.status).toBe(202);
    expect(((await first.json()) as { nextExpectedRanges: string[] }).nextExpectedRanges).toEqual([
      `${320 * KIB}-${total - 1}`,
    ]);
    expect((await fragment(0, 320 * KIB - 1)).status).toBe(416); // already received
    expect((await fragment(320 * KIB, 640 * KIB - 1)).status).toBe(202);
    const last = await fragment(640 * KIB, total - 1);
    expect(last.status).toBe(201);
    expect(((await last.json()) as { size: number }).size).toBe(total);
    expect(
      sim
        .driveItems(driveId)
        .find((i) => i.path === 'Big/big.bin')!
        .bytes!.equals(bytes),
    ).toBe(true);
    expect(sim.openUploadSessions()).toBe(0);
    const again = await graph.send('POST', `/drives/${driveId}/root:/Big/big.bin:/createUploadSession`, {});
    expect(again.status).toBe(409);
  });

  it('writes column values through listItem fields and refuses unknown columns or wrong types', async () => {
    const item = (await (
      await graph.send('PUT', `/drives/${driveId}/root:/cols/a.txt:/content`, 'a')
    ).json()) as { id: string };
    const fields = `/drives/${driveId}/items/${item.id}/listItem/fields`;
    const ok = await graph.send('PATCH', fields, {
      Title: 'Rechnung',
      Sender: 'ACME',
      Amount: 12.5,
      Kind: 'Invoice',
    });
    expect(ok.status).toBe(200);
    expect(await graph.json(fields)).toMatchObject({
      Title: 'Rechnung',
      Sender: 'ACME',
      Amount: 12.5,
      FileLeafRef: 'a.txt',
    });
    expect((await graph.send('PATCH', fields, { Nope: 'x' })).status).toBe(400);
    expect((await graph.send('PATCH', fields, { Amount: 'twelve' })).status).toBe(400);
    expect((await graph.send('PATCH', fields, { Kind: 'Memo' })).status).toBe(400);
    expect((await graph.send('PATCH', fields, { Sender: 'x'.repeat(256) })).status).toBe(400);
    const columns = await graph.json<{ value: Array<{ name: string }> }>(`/drives/${driveId}/list/columns`);
    expect(columns.value.map((c) => c.name)).toEqual(
      expect.arrayContaining(['Title', 'Sender', 'Amount', 'Kind']),
    );
  });

  it('throttles and injects faults per drive with Retry-After', async () => {
    sim.resetCounters();
    sim.injectFault({ kinds: ['simpleUpload'], status: 429, retryAfterSeconds: 0.2 });
    const throttled = await graph.send('PUT', `/drives/${driveId}/root:/t/x.txt:/content`, 'x');
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('0.2');
    await new Promise((r) => setTimeout(r, 250));
    expect((await graph.send('PUT', `/drives/${driveId}/root:/t/x.txt:/content`, 'x')).status).toBe(201);
    expect(sim.counters().retryAfterViolations).toBe(0);
    expect(sim.counters().requests.simpleUpload).toBe(2);
    expect((await fetch(`${sim.graphEndpoint}/v1.0/drives/${driveId}`)).status).toBe(401);
  });
});
