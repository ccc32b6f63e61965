import {
  createPaperlessSink,
  paperlessBackendSchema,
  paperlessKeyValue,
} from '../../../src/backends/paperless';
import type { DocumentSink } from '../../../src/backends/document-sink';
import { isRetryable, PostroomError } from '../../../src/errors/postroom-error';
import { startPaperlessSimulator, type PaperlessSimulator } from '../../../src/simulators/paperless';
import { capturedLogger, deliverable } from '../../helpers/deliverable';
import { tempDir } from '../../helpers/temp-dir';

/** The Paperless sink against the simulator over real HTTP. */
describe('Paperless-ngx sink', () => {
  let sim: PaperlessSimulator;
  let dir: ReturnType<typeof tempDir>;
  const ids: Record<string, number> = {};
  let priority: { id: number; options: Array<{ id: string; label: string }> };

  beforeAll(async () => {
    sim = await startPaperlessSimulator({ consumeMs: 40 });
    ids.keyField = sim.addCustomField('Postroom-Key').id;
    ids.messageIdField = sim.addCustomField('Message-ID').id;
    ids.invoiceNumber = sim.addCustomField('Invoice number').id;
    ids.amount = sim.addCustomField('Amount', 'integer').id;
    priority = sim.addCustomField('Priority', 'select', ['Low', 'High']);
    ids.acme = sim.addCorrespondent('ACME GmbH');
    ids.invoice = sim.addDocumentType('Invoice');
    ids.inbox = sim.addTag('Inbox');
    ids.paid = sim.addTag('paid');
    ids.archive = sim.addStoragePath('Archive');
  });
  afterAll(() => sim.stop());
  beforeEach(() => {
    dir = tempDir('paperless');
    sim.clearFaults();
    sim.resetCounters();
    sim.setConsumeMs(40);
  });
  afterEach(() => dir.cleanup());

  function sink(overrides: Record<string, unknown> = {}, logger = capturedLogger().logger): DocumentSink {
    const definition = paperlessBackendSchema.parse({
      type: 'paperless',
      url: sim.url,
      token: sim.token,
      pollIntervalMs: 20,
      taskTimeoutSeconds: 5,
      ...overrides,
    });
    return createPaperlessSink('paperless', definition, { logger });
  }

  it('delivers with correspondent, type, tags, storage path and custom fields by name and by id', async () => {
    const doc = deliverable(dir.path, {
      subject: 'Rechnung 4711',
      internetMessageId: '<4711@acme.example>',
      mapped: {
        class: 'invoice',
        properties: [
          { property: 'correspondent', value: 'ACME GmbH', origin: 'from: sender.address' },
          { property: 'tags', value: ['Inbox', 'PAID'], origin: 'fixed' },
          { property: 'tags', value: ids.inbox!, origin: 'fixed' },
          { property: 'storage_path', value: ids.archive!, origin: 'fixed' },
          { property: 'Invoice number', value: 'R-4711', origin: 'subject regex' },
          { property: ids.amount!, value: '1250', origin: 'body regex' },
          { property: 'Priority', value: 'high', origin: 'fixed' },
        ],
      },
    });
    const ref = await sink().deliver(doc);

    const [stored] = sim.documents();
    expect(ref).toEqual({ backend: 'paperless', ref: String(stored!.id) });
    expect(stored).toMatchObject({
      title: 'Rechnung 4711',
      created: '2026-03-04',
      correspondent: ids.acme,
      document_type: ids.invoice,
      storage_path: ids.archive,
      original_file_name: 'message.eml',
      mime_type: 'message/rfc822',
    });
    expect(stored!.tags.sort()).toEqual([ids.inbox, ids.paid].sort());
    const fields = Object.fromEntries(stored!.custom_fields.map((f) => [f.field, f.value]));
    expect(fields).toEqual({
      [ids.keyField!]: paperlessKeyValue(doc.key),
      [ids.messageIdField!]: '<4711@acme.example>',
      [ids.invoiceNumber!]: 'R-4711',
      [ids.amount!]: 1250,
      [priority.id]: priority.options[1]!.id,
    });
  });

  it('refuses an unknown name with METADATA_INVALID naming source, property, value and origin, before uploading', async () => {
    const doc = deliverable(dir.path, {
      mapped: {
        properties: [{ property: 'correspondent', value: 'Nobody Ltd', origin: 'from: sender.name' }],
      },
    });
    const error = (await sink()
      .deliver(doc)
      .catch((e: unknown) => e)) as PostroomError;
    expect(error).toBeInstanceOf(PostroomError);
    expect(error.code).toBe('METADATA_INVALID');
    expect(isRetryable(error)).toBe(false);
    for (const part of ['finance', '"correspondent"', '"Nobody Ltd"', 'from: sender.name'])
      expect(error.message).toContain(part);
    expect(sim.counters().requests.post_document ?? 0).toBe(0);

    const badId = deliverable(dir.path, {
      mapped: { properties: [{ property: 'tags', value: 999, origin: 'fixed' }] },
    });
    await expect(sink().deliver(badId)).rejects.toMatchObject({ code: 'METADATA_INVALID' });
    const badValue = deliverable(dir.path, {
      mapped: { properties: [{ property: 'Amount', value: 'twelve', origin: 'body regex' }] },
    });
    await expect(sink().deliver(badValue)).rejects.toThrow(
      /"Amount" = "twelve" \(from body regex\).*not a number/,
    );
  });

  it('polls the consumption task through PENDING and STARTED to SUCCESS', async () => {
    sim.setConsumeMs(400);
    const ref = await sink().deliver(deliverable(dir.path));
    const [task] = sim.tasks().slice(-1);
    expect(task).toMatchObject({ status: 'SUCCESS', related_document: ref.ref });
    // 400 ms at 20 ms per poll: several polls, each of which saw PENDING or STARTED.
    expect(sim.counters().requests.tasks).toBeGreaterThan(5);
  });

  it('finds a delivered document from Paperless alone, e.g. with a new sink after a Redis flush', async () => {
    const doc = deliverable(dir.path);
    const first = await sink().deliver(doc);
    sim.resetCounters();
    const fresh = sink();
    expect(await fresh.find(doc.key)).toEqual(first);
    expect(await fresh.deliver(doc)).toEqual(first);
    expect(sim.counters().requests.post_document ?? 0).toBe(0);
    expect(await fresh.find({ ...doc.key, part: 'att-1' })).toBeNull();
  });

  it('counts a duplicate refusal as delivered, also after a timed-out task was retried', async () => {
    // Consumption outlasts the task timeout: the first attempt gives up, retryably.
    sim.setConsumeMs(1_500);
    const doc = deliverable(dir.path);
    const first = (await sink({ taskTimeoutSeconds: 1 })
      .deliver(doc)
      .catch((e: unknown) => e)) as PostroomError;
    expect(first).toMatchObject({ code: 'DMS_UNAVAILABLE' });
    expect(isRetryable(first)).toBe(true);
    // The retry uploads again while the first task is still running; Paperless refuses it as a duplicate.
    const ref = await sink().deliver(doc);
    const ours = sim
      .documents()
      .filter((d) => d.custom_fields.some((f) => f.value === paperlessKeyValue(doc.key)));
    expect(ours).toHaveLength(1);
    expect(ref.ref).toBe(String(ours[0]!.id));
    const [, second] = sim.tasks().slice(-2);
    expect(second!.status).toBe('FAILURE');
    expect(second!.result).toMatch(/It is a duplicate of .* \(#\d+\)\./);
  });

  it('keeps one document when the answer to an upload is lost and the upload is sent again', async () => {
    sim.injectFault({ kinds: ['post_document'], reset: true, count: 1 });
    const doc = deliverable(dir.path);
    const ref = await sink().deliver(doc);
    const ours = sim
      .documents()
      .filter((d) => d.custom_fields.some((f) => f.value === paperlessKeyValue(doc.key)));
    expect(ours.map((d) => String(d.id))).toEqual([ref.ref]);
    expect(sim.counters().requests.post_document).toBe(2);
  });

  it('counts a byte-identical file of another message as delivered, and says so in the log', async () => {
    const bytes = Buffer.from('the same PDF attached to two mails');
    const files = [{ name: 'invoice.pdf', bytes }];
    const first = await sink().deliver(deliverable(dir.path, { files, part: 'att-1' }));
    const { logger, output } = capturedLogger();
    const second = await sink({}, logger).deliver(deliverable(dir.path, { files, part: 'att-1' }));
    expect(second).toEqual(first);
    expect(sim.documents().filter((d) => d.original_file_name === 'invoice.pdf')).toHaveLength(1);
    expect(output()).toContain('duplicate of another document');
  });

  it('files an attachment document under the parent Message-ID with its own key and title', async () => {
    const doc = deliverable(dir.path, {
      part: 'att-2',
      files: [{ name: 'Lieferschein.pdf', bytes: Buffer.from('%PDF-1.4 delivery note') }],
      subject: 'Rechnung 4712',
      parent: {
        messageId: 'AAMk-parent',
        internetMessageId: '<4712@acme.example>',
        subject: 'Rechnung 4712',
      },
    });
    const ref = await sink().deliver(doc);
    const stored = sim.documents().find((d) => String(d.id) === ref.ref)!;
    expect(stored.title).toBe('Lieferschein.pdf');
    const fields = Object.fromEntries(stored.custom_fields.map((f) => [f.field, f.value]));
    expect(fields[ids.messageIdField!]).toBe('<4712@acme.example>');
    expect(fields[ids.keyField!]).toBe(paperlessKeyValue(doc.key));
  });

  it('rejects a multi-file document permanently, pointing at attachments: documents', async () => {
    const doc = deliverable(dir.path, {
      files: [
        { name: 'message.eml', bytes: Buffer.from('m') },
        { name: 'a.pdf', bytes: Buffer.from('a') },
      ],
    });
    const error = (await sink()
      .deliver(doc)
      .catch((e: unknown) => e)) as PostroomError;
    expect(error.code).toBe('DMS_REJECTED');
    expect(isRetryable(error)).toBe(false);
    expect(error.message).toMatch(/one file per document.*"documents"/);
  });

  it('reports a consumer failure permanently with Paperless own words', async () => {
    sim.failNextConsumption('Unsupported mime type message/rfc822');
    await expect(sink().deliver(deliverable(dir.path))).rejects.toMatchObject({
      code: 'DMS_REJECTED',
      message: expect.stringContaining('Unsupported mime type message/rfc822'),
    });
  });

  it('names the missing key field as a setup problem', async () => {
    await expect(sink({ keyField: 'Does-Not-Exist' }).find(deliverable(dir.path).key)).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('create it in Paperless as a Text field'),
    });
  });

  it('treats a rejected token as permanent and never shows it in errors or logs', async () => {
    const token = 'wrong-paperless-token-5f2c9a';
    const { logger, output } = capturedLogger();
    const error = (await sink({ token }, logger)
      .deliver(deliverable(dir.path))
      .catch((e: unknown) => e)) as PostroomError;
    expect(error.code).toBe('DMS_AUTH_FAILED');
    expect(isRetryable(error)).toBe(false);
    expect(error.message).toContain('401');
    expect(JSON.stringify({ message: error.message, stack: error.stack })).not.toContain(token);
    expect(output()).not.toContain(token);
    expect(sim.counters().unauthorized).toBe(1);
  });

  it('waits out a short Retry-After and hands a long one to the job as a retryable error', async () => {
    sim.injectFault({ kinds: ['post_document'], status: 429, retryAfterSeconds: 0.3 });
    const started = Date.now();
    await sink().deliver(deliverable(dir.path));
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(sim.counters().retryAfterViolations).toBe(0);

    sim.injectFault({ kinds: ['documents'], status: 503, retryAfterSeconds: 30, count: 5 });
    const error = (await sink({ maxRetryAfterSeconds: 1 })
      .deliver(deliverable(dir.path))
      .catch((e: unknown) => e)) as PostroomError;
    expect(error).toMatchObject({ code: 'DMS_UNAVAILABLE', status: 503, retryAfterMs: 30_000 });
    expect(isRetryable(error)).toBe(true);
  });

  it('retries 5xx without Retry-After, and reports a server that is down as retryable', async () => {
    sim.injectFault({ kinds: ['post_document'], status: 502, count: 1 });
    await sink().deliver(deliverable(dir.path));
    expect(sim.counters().byStatus['502']).toBe(1);

    sim.setDown(true);
    try {
      const error = (await sink({ requestAttempts: 1 })
        .deliver(deliverable(dir.path))
        .catch((e: unknown) => e)) as PostroomError;
      expect(error.code).toBe('NETWORK');
      expect(isRetryable(error)).toBe(true);
    } finally {
      sim.setDown(false);
    }
  });
});
