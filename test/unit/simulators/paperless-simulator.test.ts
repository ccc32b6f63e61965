import { startPaperlessSimulator, type PaperlessSimulator } from '../../../src/simulators/paperless';

/** The Paperless-ngx simulator's API contract, with plain fetch. */
describe('Paperless-ngx simulator', () => {
  let sim: PaperlessSimulator;
  let tagId: number;

  beforeAll(async () => {
    sim = await startPaperlessSimulator({ consumeMs: 200, defaultPageSize: 2 });
    tagId = sim.addTag('Inbox');
    sim.addTag('Paid');
    sim.addTag('Urgent');
    sim.addCustomField('Message-ID');
  });
  afterAll(() => sim.stop());

  const api = (path: string, init: RequestInit = {}, token = sim.token): Promise<Response> =>
    fetch(`${sim.url}${path}`, { ...init, headers: { Authorization: `Token ${token}`, ...init.headers } });

  function upload(bytes: string, fields: Record<string, string | string[]> = {}): FormData {
    const form = new FormData();
    form.append('document', new Blob([bytes], { type: 'application/pdf' }), 'scan.pdf');
    for (const [name, value] of Object.entries(fields))
      for (const v of Array.isArray(value) ? value : [value]) form.append(name, v);
    return form;
  }

  async function taskOf(id: string): Promise<Record<string, unknown>> {
    const tasks = (await (await api(`/api/tasks/?task_id=${id}`)).json()) as Array<Record<string, unknown>>;
    return tasks[0]!;
  }

  it('requires a token', async () => {
    const none = await fetch(`${sim.url}/api/tags/`);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ detail: 'Authentication credentials were not provided.' });
    const wrong = await api('/api/tags/', {}, 'nope');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Token');
  });

  it('pages lists as {count, next, previous, results} and filters by name', async () => {
    const first = (await (await api('/api/tags/')).json()) as Record<string, unknown>;
    expect(first).toMatchObject({ count: 3, previous: null });
    expect(first.results).toHaveLength(2);
    const second = (await (
      await api(new URL(first.next as string).pathname + new URL(first.next as string).search)
    ).json()) as Record<string, unknown>;
    expect(second).toMatchObject({ next: null, results: [expect.objectContaining({ name: 'Urgent' })] });
    const byName = (await (await api('/api/tags/?name__iexact=inbox')).json()) as { results: unknown[] };
    expect(byName.results).toEqual([expect.objectContaining({ id: tagId, name: 'Inbox' })]);
    expect((await api('/api/tags/?page=9')).status).toBe(404);
  });

  it('consumes an upload asynchronously: a bare task id, then PENDING, STARTED, SUCCESS', async () => {
    sim.setConsumeMs(600);
    try {
      const res = await api('/api/documents/post_document/', {
        method: 'POST',
        body: upload('one', { tags: String(tagId), title: 'One' }),
      });
      expect(res.status).toBe(200);
      const taskId = (await res.json()) as string;
      expect(taskId).toMatch(/^[0-9a-f-]{36}$/);
      const seen: string[] = [];
      let task = await taskOf(taskId);
      expect(task).toMatchObject({ task_name: 'consume_file', related_document: null });
      while (task.status !== 'SUCCESS' && task.status !== 'FAILURE') {
        if (seen[seen.length - 1] !== task.status) seen.push(task.status as string);
        await new Promise((r) => setTimeout(r, 20));
        task = await taskOf(taskId);
      }
      expect(seen).toEqual(['PENDING', 'STARTED']);
      expect(task).toMatchObject({
        status: 'SUCCESS',
        result: expect.stringMatching(/^Success\. New document id \d+ created$/),
      });
      const doc = (await (await api(`/api/documents/${String(task.related_document)}/`)).json()) as Record<
        string,
        unknown
      >;
      expect(doc).toMatchObject({ title: 'One', tags: [tagId] });
    } finally {
      sim.setConsumeMs(200);
    }
  });

  it('fails a second upload of the same bytes as a duplicate, in Paperless words', async () => {
    const first = (await (
      await api('/api/documents/post_document/', { method: 'POST', body: upload('twice') })
    ).json()) as string;
    const second = (await (
      await api('/api/documents/post_document/', { method: 'POST', body: upload('twice') })
    ).json()) as string;
    await new Promise((r) => setTimeout(r, 250));
    const ok = await taskOf(first);
    expect(ok.status).toBe('SUCCESS');
    expect(await taskOf(second)).toMatchObject({
      status: 'FAILURE',
      result: `scan.pdf: Not consuming scan.pdf: It is a duplicate of scan (#${String(ok.related_document)}).`,
    });
  });

  it('validates ids with Django REST framework error bodies', async () => {
    const res = await api('/api/documents/post_document/', {
      method: 'POST',
      body: upload('bad', { correspondent: '999', tags: ['1', '998'], custom_fields: '{"997": "x"}' }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      correspondent: ['Invalid pk "999" - object does not exist.'],
      tags: ['Invalid pk "998" - object does not exist.'],
      custom_fields: ["Some custom fields don't exist or were specified twice."],
    });
    const noFile = await api('/api/documents/post_document/', { method: 'POST', body: new FormData() });
    expect(await noFile.json()).toEqual({ document: ['No file was submitted.'] });
  });

  it('finds documents by custom field value', async () => {
    const field = sim.addCustomField('Key').id;
    const taskId = (await (
      await api('/api/documents/post_document/', {
        method: 'POST',
        body: upload('keyed', { custom_fields: JSON.stringify({ [field]: 'k-1' }) }),
      })
    ).json()) as string;
    await new Promise((r) => setTimeout(r, 250));
    const id = Number((await taskOf(taskId)).related_document);
    const query = (q: unknown) =>
      api(`/api/documents/?custom_field_query=${encodeURIComponent(JSON.stringify(q))}`);
    expect(
      (
        (await (await query(['Key', 'exact', 'k-1'])).json()) as { results: Array<{ id: number }> }
      ).results.map((d) => d.id),
    ).toEqual([id]);
    expect(((await (await query([field, 'exact', 'k-2'])).json()) as { count: number }).count).toBe(0);
    expect((await query(['Nope', 'exact', 'x'])).status).toBe(400);
    const contains = (await (await api('/api/documents/?custom_fields__icontains=K-1')).json()) as {
      count: number;
    };
    expect(contains.count).toBe(1);
  });

  it('injects faults with Retry-After and counts requests that ignore it', async () => {
    sim.resetCounters();
    sim.injectFault({ kinds: ['tags'], status: 429, retryAfterSeconds: 0.2 });
    const throttled = await api('/api/tags/');
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('0.2');
    await new Promise((r) => setTimeout(r, 150));
    await api('/api/tags/');
    expect(sim.counters().retryAfterViolations).toBe(1);
    sim.injectFault({ kinds: ['tags'], status: 503 });
    const proxy = await api('/api/tags/');
    expect(proxy.status).toBe(503);
    expect(proxy.headers.get('content-type')).toBe('text/html');
  });

  it('can be down and come back on the same port with its data', async () => {
    const url = sim.url;
    const before = sim.documents().length;
    sim.setDown(true);
    await expect(api('/api/tags/')).rejects.toThrow();
    sim.setDown(false);
    await sim.stop();
    await expect(fetch(`${url}/api/tags/`)).rejects.toThrow();
    await sim.start();
    expect(sim.url).toBe(url);
    expect((await api('/api/tags/')).status).toBe(200);
    expect(sim.documents()).toHaveLength(before);
  });
});
