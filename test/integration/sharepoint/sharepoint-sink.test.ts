import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { DocumentSink } from '../../../src/backends/document-sink';
import { createSharePointSink, sharepointBackendSchema } from '../../../src/backends/sharepoint';
import { isRetryable, PostroomError } from '../../../src/errors/postroom-error';
import { startGraphSimulator, type GraphSimulator } from '../../../src/simulators/graph';
import { capturedLogger, deliverable } from '../../helpers/deliverable';
import { CLIENT_ID, TENANT_ID } from '../../helpers/harness';
import { tempDir } from '../../helpers/temp-dir';

const KIB = 1024;
const SITE = 'contoso.sharepoint.com:/sites/Finance';

/** The SharePoint sink against the Graph simulator's drive endpoints, over real HTTP with msal-node. */
describe('SharePoint sink', () => {
  let sim: GraphSimulator;
  let driveId: string;
  let dir: ReturnType<typeof tempDir>;
  const secret = 'sharepoint-sink-secret-value-7c1e';

  beforeAll(async () => {
    sim = await startGraphSimulator();
    sim.registerApp({ tenantId: TENANT_ID, clientId: CLIENT_ID, clientSecret: secret });
    const site = sim.addSite('contoso.sharepoint.com', 'sites/Finance');
    driveId = sim.addDocumentLibrary(site.id, 'Documents', [
      { name: 'Sender', displayName: 'Sender', type: 'text' },
      { name: 'InvoiceAmount', displayName: 'Invoice amount', type: 'number' },
      { name: 'DocKind', displayName: 'Kind', type: 'choice', choices: ['Invoice', 'Order'] },
    ]).id;
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    dir = tempDir('sharepoint');
    sim.clearFaults();
    sim.resetCounters();
  });
  afterEach(() => dir.cleanup());

  function sink(overrides: Record<string, unknown> = {}, logger = capturedLogger().logger): DocumentSink {
    const definition = sharepointBackendSchema.parse({
      type: 'sharepoint',
      tenantId: TENANT_ID,
      clientId: CLIENT_ID,
      clientSecret: secret,
      authorityHost: sim.authorityHost,
      graphEndpoint: sim.graphEndpoint,
      site: SITE,
      library: 'Documents',
      simpleUploadLimitBytes: 1024 * KIB,
      chunkBytes: 320 * KIB,
      ...overrides,
    });
    return createSharePointSink('sharepoint', definition, { logger });
  }

  const filesIn = (folder: string) =>
    sim.driveItems(driveId).filter((i) => !i.isFolder && i.path.startsWith(`${folder}/`));

  it('delivers a small message into its own folder, with Title, and finds it again', async () => {
    const doc = deliverable(dir.path, { subject: 'Rechnung 4711: "März"?' });
    const ref = await sink().deliver(doc);
    expect(ref.backend).toBe('sharepoint');
    expect(ref.ref).toMatch(
      /^postroom\/finance\/2026\/03\/20260304-050607 Rechnung 4711_ _März__ [0-9a-f]{10}$/,
    );
    const [file] = filesIn(ref.ref);
    expect(file!.path).toBe(`${ref.ref}/message.eml`);
    expect(file!.bytes!.equals(readFileSync(doc.files[0]!.path))).toBe(true);
    expect(file!.fields).toMatchObject({ Title: 'Rechnung 4711: "März"?' });
    expect(sim.counters().requests.simpleUpload).toBe(2); // the file and the index entry
    expect(await sink().find(doc.key)).toEqual(ref);
  });

  it('uploads a 3 MB file through an upload session in 320 KiB fragments', async () => {
    const big = randomBytes(3_000_000);
    const doc = deliverable(dir.path, { files: [{ name: 'scan.pdf', bytes: big }], subject: 'Big scan' });
    const ref = await sink().deliver(doc);
    const [file] = filesIn(ref.ref);
    expect(file!.bytes!.equals(big)).toBe(true);
    const counters = sim.counters();
    expect(counters.requests.createUploadSession).toBe(1);
    expect(counters.requests.uploadChunk).toBe(Math.ceil(3_000_000 / (320 * KIB)));
    expect(counters.byStatus['400'] ?? 0).toBe(0);
    expect(sim.openUploadSessions()).toBe(0);
  });

  it('resumes an upload session when a fragment arrived but its answer was lost, and retries a 503', async () => {
    const big = randomBytes(1200 * KIB);
    // The second fragment is stored, then the connection is cut; the third meets a 503.
    sim.injectFault({ kinds: ['uploadChunk'], after: 1, reset: true, count: 1 });
    sim.injectFault({ kinds: ['uploadChunk'], after: 2, status: 503, count: 1 });
    const ref = await sink().deliver(deliverable(dir.path, { files: [{ name: 'big.bin', bytes: big }] }));
    expect(filesIn(ref.ref)[0]!.bytes!.equals(big)).toBe(true);
    const counters = sim.counters();
    // The re-sent fragment was answered 416 and the session told where to go on.
    expect(counters.byStatus['416']).toBe(1);
    expect(counters.byStatus['503']).toBe(1);
    expect(sim.openUploadSessions()).toBe(0);
  });

  it('keeps a multi-file document together and writes column values to every file', async () => {
    const doc = deliverable(dir.path, {
      subject: 'Order 17',
      files: [
        { name: 'message.eml', bytes: Buffer.from('Subject: Order 17\r\n\r\nsee attached\r\n') },
        { name: 'order.pdf', bytes: Buffer.from('%PDF-1.4 order') },
        { name: 'drawing.dwg', bytes: randomBytes(1500 * KIB) },
      ],
      mapped: {
        title: 'Order 17 from ACME',
        properties: [
          { property: 'Sender', value: 'billing@acme.example', origin: 'from: sender.address' },
          { property: 'Invoice amount', value: '99.5', origin: 'body regex' },
          { property: 'dockind', value: 'order', origin: 'fixed' },
        ],
      },
    });
    const ref = await sink().deliver(doc);
    const files = filesIn(ref.ref);
    expect(files.map((f) => f.path.split('/').pop()).sort()).toEqual([
      'drawing.dwg',
      'message.eml',
      'order.pdf',
    ]);
    for (const file of files) {
      expect(file.fields).toMatchObject({
        Title: 'Order 17 from ACME',
        Sender: 'billing@acme.example',
        InvoiceAmount: 99.5,
        DocKind: 'Order',
      });
    }
  });

  it('leaves one document after delivering twice, after a new sink instance, and after a crash before the index', async () => {
    const doc = deliverable(dir.path, { subject: 'Twice' });
    const first = await sink().deliver(doc);
    expect(await sink().deliver(doc)).toEqual(first);
    const fresh = sink();
    expect(await fresh.find(doc.key)).toEqual(first);
    expect(await fresh.deliver(doc)).toEqual(first);
    expect(filesIn(first.ref)).toHaveLength(1);

    // A delivery that stops after its files, before the index: not found (incomplete) until redone.
    const other = deliverable(dir.path, { subject: 'Interrupted' });
    sim.injectFault({ kinds: ['simpleUpload'], after: 1, status: 503, count: 1 });
    await expect(sink({ requestAttempts: 1 }).deliver(other)).rejects.toMatchObject({
      code: 'GRAPH_UNAVAILABLE',
    });
    expect(await sink().find(other.key)).toBeNull();
    const redone = await sink().deliver(other);
    expect(filesIn(redone.ref)).toHaveLength(1);
    expect(sim.counters().byStatus['409']).toBeGreaterThanOrEqual(1);
    expect(await sink().find(other.key)).toEqual(redone);
  });

  it('gives an attachment document its own folder named after the file', async () => {
    const message = deliverable(dir.path, { subject: 'Lieferung', messageId: 'AAMk-parent-1' });
    const attachment = deliverable(dir.path, {
      subject: 'Lieferung',
      messageId: 'AAMk-parent-1',
      part: 'att-1',
      files: [{ name: 'Lieferschein.pdf', bytes: Buffer.from('%PDF delivery') }],
    });
    const a = await sink().deliver(message);
    const b = await sink().deliver(attachment);
    expect(a.ref).not.toBe(b.ref);
    expect(b.ref).toMatch(/Lieferung - Lieferschein\.pdf [0-9a-f]{10}$/);
  });

  it('checks column values before uploading anything', async () => {
    const unknown = deliverable(dir.path, {
      mapped: { properties: [{ property: 'Colour', value: 'red', origin: 'fixed' }] },
    });
    const error = (await sink()
      .deliver(unknown)
      .catch((e: unknown) => e)) as PostroomError;
    expect(error.code).toBe('METADATA_INVALID');
    expect(isRetryable(error)).toBe(false);
    for (const part of ['finance', '"Colour"', '"red"', 'fixed', 'Sender'])
      expect(error.message).toContain(part);
    const badChoice = deliverable(dir.path, {
      mapped: { properties: [{ property: 'Kind', value: 'Memo', origin: 'subject' }] },
    });
    await expect(sink().deliver(badChoice)).rejects.toThrow(
      /"Kind" = "Memo".*not one of the options \(Invoice, Order\)/,
    );
    expect(sim.counters().requests.simpleUpload ?? 0).toBe(0);
  });

  it('honours Retry-After across requests and hands a long one to the job', async () => {
    sim.injectFault({ kinds: ['simpleUpload'], status: 429, retryAfterSeconds: 0.3, count: 2 });
    const started = Date.now();
    await sink().deliver(deliverable(dir.path, { subject: 'Throttled' }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    expect(sim.counters().retryAfterViolations).toBe(0);

    sim.injectFault({ kinds: ['download'], status: 503, retryAfterSeconds: 60 });
    const error = (await sink({ maxRetryAfterSeconds: 1 })
      .find(deliverable(dir.path).key)
      .catch((e: unknown) => e)) as PostroomError;
    expect(error).toMatchObject({ code: 'GRAPH_UNAVAILABLE', retryAfterMs: 60_000 });
    expect(isRetryable(error)).toBe(true);
  });

  it('keeps the client secret and bearer tokens out of errors and logs', async () => {
    const wrong = 'not-the-sharepoint-secret-93ab';
    const { logger, output } = capturedLogger();
    const error = (await sink({ clientSecret: wrong }, logger)
      .deliver(deliverable(dir.path))
      .catch((e: unknown) => e)) as PostroomError;
    expect(error.code).toBe('AUTH_FAILED');
    expect(isRetryable(error)).toBe(false);
    expect(error.message).not.toContain(wrong);
    expect(output()).not.toContain(wrong);

    // A retried request logs its path, never the token or the secret.
    const ok = capturedLogger();
    sim.injectFault({ kinds: ['simpleUpload'], status: 503, count: 1 });
    await sink({}, ok.logger).deliver(deliverable(dir.path, { subject: 'Logged' }));
    expect(ok.output()).toContain('sharepoint request will be retried');
    expect(ok.output()).not.toContain(secret);
    expect(ok.output()).not.toMatch(/Bearer/);
  });

  it('names a library that does not exist, with the ones that do', async () => {
    await expect(sink({ library: 'Archive' }).find(deliverable(dir.path).key)).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('(it has: Documents)'),
    });
  });
});
