import {
  generateSampleMessages,
  startGraphSimulator,
  type GraphSimulator,
} from '../../../src/simulators/graph';
import {
  CLIENT_ID,
  graphClient,
  runDeltaRound,
  secretToken,
  SECRET,
  TENANT,
  UPN,
  type DeltaItem,
  type GraphClient,
} from './graph-helpers';

const IMMUTABLE = 'IdType="ImmutableId"';
const pageOf = (n: number): string => `odata.maxpagesize=${n}`;

function deltaStart(folder: string, query = ''): string {
  return `/users/${UPN}/mailFolders/${folder}/messages/delta${query}`;
}

describe('graph simulator: messages delta', () => {
  let sim: GraphSimulator;
  let client: GraphClient;
  const samples = generateSampleMessages({ count: 40, seed: 42 });

  beforeAll(async () => {
    sim = await startGraphSimulator();
    sim.registerApp({ tenantId: TENANT, clientId: CLIENT_ID, clientSecret: SECRET });
    sim.addMailbox(UPN);
    client = graphClient(sim, await secretToken(sim));
  });
  afterAll(() => sim.close());

  it('pages an initial round by odata.maxpagesize and ends it with a deltaLink', async () => {
    for (const raw of samples.slice(0, 23)) sim.addMessage(UPN, 'Inbox/Paging', raw);
    const folderId = sim.ensureFolder(UPN, 'Inbox/Paging').id;

    const first = await client.get(deltaStart(folderId), { Prefer: pageOf(5) });
    expect(first.status).toBe(200);
    expect(first.headers.get('preference-applied')).toBe('odata.maxpagesize=5');
    const page = (await first.json()) as { value: DeltaItem[]; '@odata.nextLink': string };
    expect(page.value).toHaveLength(5);
    expect(page['@odata.nextLink']).toMatch(
      new RegExp(
        `^${sim.graphEndpoint}/v1\\.0/users/.+/mailfolders\\('${folderId}'\\)/messages/delta\\?\\$skiptoken=`,
      ),
    );

    const round = await runDeltaRound(client, deltaStart(folderId), [pageOf(5)]);
    expect(round.pageSizes).toEqual([5, 5, 5, 5, 3]);
    expect(round.deltaLink).toMatch(/mailfolders\('.+'\)\/messages\/delta\?\$deltatoken=/);
    expect(new Set(round.items.map((i) => i.id)).size).toBe(23);
    expect(round.items[0]).toMatchObject({ '@odata.type': '#microsoft.graph.message' });
    expect(round.items.map((i) => i.id).sort()).toEqual(
      sim
        .messages(UPN, 'Inbox/Paging')
        .map((m) => m.id)
        .sort(),
    );
  });

  it('serves an empty last page when the items fill the pages exactly, and falls back to 10 without Prefer', async () => {
    for (const raw of samples.slice(0, 20)) sim.addMessage(UPN, 'Inbox/Exact', raw);
    const round = await runDeltaRound(client, deltaStart(sim.ensureFolder(UPN, 'Inbox/Exact').id), [
      pageOf(5),
    ]);
    expect(round.pageSizes).toEqual([5, 5, 5, 5, 0]);

    const noPrefer = await runDeltaRound(client, deltaStart(sim.ensureFolder(UPN, 'Inbox/Exact').id));
    expect(noPrefer.pageSizes).toEqual([10, 10, 0]);
  });

  it('reports additions, changes and moves (as @removed) in the next round, and nothing when idle', async () => {
    const created = samples.slice(0, 6).map((raw) => sim.addMessage(UPN, 'Inbox/Rounds', raw));
    const folderId = sim.ensureFolder(UPN, 'Inbox/Rounds').id;
    const initial = await runDeltaRound(client, deltaStart(folderId), [pageOf(4)]);
    expect(initial.items).toHaveLength(6);

    const idle = await runDeltaRound(client, initial.deltaLink, [pageOf(4)]);
    expect(idle.items).toEqual([]);
    expect(idle.pages).toBe(1);

    const added = [
      sim.addMessage(UPN, 'Inbox/Rounds', samples[30] as Buffer),
      sim.addMessage(UPN, 'Inbox/Rounds', samples[31] as Buffer),
    ];
    const moved = created[1] as { id: string };
    const moveRes = await client.send('POST', `/users/${UPN}/messages/${encodeURIComponent(moved.id)}/move`, {
      destinationId: 'archive',
    });
    expect(moveRes.status).toBe(201);
    const patched = created[2] as { id: string };
    const patchRes = await client.send('PATCH', `/users/${UPN}/messages/${encodeURIComponent(patched.id)}`, {
      isRead: true,
    });
    expect(patchRes.status).toBe(200);

    const second = await runDeltaRound(client, idle.deltaLink, [pageOf(4)]);
    const present = second.items.filter((i) => !i['@removed']).map((i) => i.id);
    const removed = second.items.filter((i) => i['@removed']);
    expect(present.sort()).toEqual([...added.map((a) => a.id), patched.id].sort());
    expect(removed).toEqual([{ id: moved.id, '@removed': { reason: 'deleted' } }]);
    expect(second.items.find((i) => i.id === patched.id)).toMatchObject({ isRead: true });

    // The destination's own delta shows the moved message under its new regular id.
    const archive = await runDeltaRound(client, deltaStart('archive'), [pageOf(50)]);
    const newId = sim
      .messages(UPN, 'Archive')
      .find((m) => m.immutableId === (created[1] as { immutableId: string }).immutableId)?.id;
    expect(newId).toBeDefined();
    expect(newId).not.toBe(moved.id);
    expect(archive.items.map((i) => i.id)).toContain(newId);
  });

  it('returns immutable ids (when asked on every page) that survive a move', async () => {
    const created = samples.slice(10, 13).map((raw) => sim.addMessage(UPN, 'Inbox/Immutable', raw));
    const folderId = sim.ensureFolder(UPN, 'Inbox/Immutable').id;
    const initial = await runDeltaRound(client, deltaStart(folderId), [pageOf(2), IMMUTABLE]);
    expect(initial.items.map((i) => i.id).sort()).toEqual(created.map((c) => c.immutableId).sort());

    const target = created[0] as { id: string; immutableId: string };
    const moveRes = await client.send(
      'POST',
      `/users/${UPN}/messages/${encodeURIComponent(target.immutableId)}/move`,
      { destinationId: 'Archive' },
      { Prefer: IMMUTABLE },
    );
    const movedJson = (await moveRes.json()) as { id: string; parentFolderId: string };
    expect(movedJson.id).toBe(target.immutableId);
    const regular = sim.messages(UPN).find((m) => m.immutableId === target.immutableId);
    expect(regular?.id).not.toBe(target.id);
    expect(movedJson.parentFolderId).toBe(regular?.folderId);
    // The old regular id is gone, the immutable one still works.
    expect((await client.get(`/users/${UPN}/messages/${encodeURIComponent(target.id)}`)).status).toBe(404);
    expect(
      (await client.get(`/users/${UPN}/messages/${encodeURIComponent(target.immutableId)}`)).status,
    ).toBe(200);

    const next = await runDeltaRound(client, initial.deltaLink, [IMMUTABLE]);
    expect(next.items).toEqual([{ id: target.immutableId, '@removed': { reason: 'deleted' } }]);

    // Headers are not carried by links: a page requested without the preference answers regular ids.
    const firstPage = await client.json<{ value: DeltaItem[]; '@odata.nextLink': string }>(
      deltaStart(folderId),
      {
        Prefer: `${pageOf(1)}, ${IMMUTABLE}`,
      },
    );
    const remaining = sim.messages(UPN, 'Inbox/Immutable');
    expect(remaining.map((m) => m.immutableId)).toContain(firstPage.value[0]?.id);
    const secondPage = await client.json<{ value: DeltaItem[] }>(firstPage['@odata.nextLink'], {});
    expect(secondPage.value).toHaveLength(1);
    expect(remaining.map((m) => m.id)).toContain(secondPage.value[0]?.id);
  });

  it('keeps $select across the round and rejects unsupported query options', async () => {
    for (const raw of samples.slice(0, 3)) sim.addMessage(UPN, 'Inbox/Select', raw);
    const folderId = sim.ensureFolder(UPN, 'Inbox/Select').id;
    const round = await runDeltaRound(client, deltaStart(folderId, '?$select=subject,internetMessageId'), [
      pageOf(2),
    ]);
    expect(round.items).toHaveLength(3);
    for (const item of round.items) {
      expect(Object.keys(item).sort()).toEqual([
        '@odata.etag',
        '@odata.type',
        'id',
        'internetMessageId',
        'subject',
      ]);
    }
    expect((await client.get(deltaStart(folderId, '?$search=invoice'))).status).toBe(400);
    expect((await client.get(deltaStart(folderId, '?$select=nonsense'))).status).toBe(400);
  });

  it('accepts links whose query the client re-encoded or reordered', async () => {
    for (const raw of samples.slice(0, 4)) sim.addMessage(UPN, 'Inbox/Encoding', raw);
    const folderId = sim.ensureFolder(UPN, 'Inbox/Encoding').id;
    const first = await client.json<{ '@odata.nextLink': string }>(deltaStart(folderId), {
      Prefer: pageOf(2),
    });
    const url = new URL(first['@odata.nextLink']);
    const token = url.searchParams.get('$skiptoken') as string;
    const everyCharEncoded = [...token].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join('');
    const path = url.pathname.replace(/'/g, '%27').replace(/\(/g, '%28').replace(/\)/g, '%29');
    const reencoded = `${url.origin}${path}?foo=bar&%24skiptoken=${everyCharEncoded}`;
    const res = await client.get(reencoded, { Prefer: pageOf(2) });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { value: unknown[] }).value).toHaveLength(2);
  });

  it('answers 410 SyncStateNotFound for every token issued before expireSyncState', async () => {
    for (const raw of samples.slice(0, 5)) sim.addMessage(UPN, 'Inbox/Expire', raw);
    const folderId = sim.ensureFolder(UPN, 'Inbox/Expire').id;
    const round = await runDeltaRound(client, deltaStart(folderId), [pageOf(10)]);
    const midRound = await client.json<{ '@odata.nextLink': string }>(deltaStart(folderId), {
      Prefer: pageOf(2),
    });

    sim.expireSyncState(UPN);
    for (const link of [round.deltaLink, midRound['@odata.nextLink']]) {
      const res = await client.get(link);
      expect(res.status).toBe(410);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('SyncStateNotFound');
    }
    const fresh = await runDeltaRound(client, deltaStart(folderId), [pageOf(10)]);
    expect(fresh.items).toHaveLength(5);
    expect((await client.get(fresh.deltaLink)).status).toBe(200);

    // A token that was tampered with is not a sync state at all.
    const tampered = fresh.deltaLink.replace(/deltatoken=./, 'deltatoken=x');
    expect((await client.get(tampered)).status).toBe(400);
  });

  it('counts concurrent delta rounds per folder', async () => {
    for (const raw of samples.slice(0, 4)) sim.addMessage(UPN, 'Inbox/Rounds2', raw);
    const folderId = sim.ensureFolder(UPN, 'Inbox/Rounds2').id;
    sim.resetCounters();
    await runDeltaRound(client, deltaStart(folderId), [pageOf(3)]);
    await runDeltaRound(client, deltaStart(folderId), [pageOf(3)]);
    expect(sim.counters().maxConcurrentDeltaRounds[folderId]).toBe(1);

    const a = await client.json<{ '@odata.nextLink': string }>(deltaStart(folderId), { Prefer: pageOf(3) });
    const b = await client.json<{ '@odata.nextLink': string }>(deltaStart(folderId), { Prefer: pageOf(3) });
    expect(sim.counters().maxConcurrentDeltaRounds[folderId]).toBe(2);
    await runDeltaRound(client, a['@odata.nextLink'], [pageOf(3)]);
    await runDeltaRound(client, b['@odata.nextLink'], [pageOf(3)]);
    expect(sim.counters().requests.delta).toBe(8);
  });
});
