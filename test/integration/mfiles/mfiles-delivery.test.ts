import type { MFilesSimulator } from '../../../src/simulators/mfiles';
import { simpleValue } from '../../../src/simulators/mfiles';
import { P, captureLogger, makeDocument, sinkFor, startTestVault } from '../../helpers/mfiles-vault';
import { tempDir } from '../../helpers/temp-dir';

describe('M-Files sink: delivery', () => {
  let sim: MFilesSimulator;
  let dir: ReturnType<typeof tempDir>;
  beforeEach(async () => {
    sim = await startTestVault();
    dir = tempDir('mfiles');
  });
  afterEach(async () => {
    await sim.stop();
    dir.cleanup();
  });

  it('creates a single-file document with class, title, Message-ID, key and the exact bytes', async () => {
    const sink = sinkFor(sim, captureLogger().logger);
    const bytes = Buffer.from([0x53, 0x75, 0x62, 0xe4, 0xf6, 0x0d, 0x0a, 0x00, 0xff]);
    const doc = makeDocument(dir.path, { files: [{ name: 'message.eml', bytes }], subject: 'Rechnung März' });
    const ref = await sink.deliver(doc);

    const [object] = sim.liveObjects();
    expect(sim.liveObjects()).toHaveLength(1);
    expect(ref).toEqual({ backend: 'vault', ref: `0-${object!.id}` });
    expect(object!.classId).toBe(1);
    expect(object!.title).toBe('Rechnung März');
    expect(object!.singleFile).toBe(true);
    expect(simpleValue(object!, 22)).toBe(true);
    expect(simpleValue(object!, 83)).toBe(doc.metadata.internetMessageId);
    expect(simpleValue(object!, P.key)).toMatch(/^postroom:[0-9a-f]{40}$/);
    expect(object!.files).toHaveLength(1);
    expect(object!.files[0]).toMatchObject({ title: 'message', extension: 'eml' });
    expect(object!.files[0]!.bytes.equals(bytes)).toBe(true);
    expect(await sink.find(doc.key)).toEqual(ref);
  });

  it('puts several files into one multi-file document (Single file = false)', async () => {
    const sink = sinkFor(sim, captureLogger().logger);
    const files = [
      { name: 'message.eml', bytes: Buffer.from('mail') },
      { name: 'Rechnung 4711.pdf', bytes: Buffer.from('%PDF-1.7 …') },
      { name: 'README', bytes: Buffer.from('no extension') },
    ];
    await sink.deliver(makeDocument(dir.path, { files }));
    const [object] = sim.liveObjects();
    expect(object!.singleFile).toBe(false);
    expect(simpleValue(object!, 22)).toBe(false);
    expect(object!.files.map((f) => [f.title, f.extension, f.bytes.toString()])).toEqual([
      ['message', 'eml', 'mail'],
      ['Rechnung 4711', 'pdf', '%PDF-1.7 …'],
      ['README', '', 'no extension'],
    ]);
  });

  it('keys per-attachment documents separately from the message and from each other', async () => {
    const sink = sinkFor(sim, captureLogger().logger);
    const message = makeDocument(dir.path, { messageId: 'msg-with-parts' });
    const part1 = makeDocument(dir.path, {
      messageId: 'msg-with-parts',
      part: 'att-1',
      files: [{ name: 'Rechnung.pdf', bytes: Buffer.from('pdf one') }],
    });
    const part2 = makeDocument(dir.path, {
      messageId: 'msg-with-parts',
      part: 'att-1.2',
      files: [{ name: 'Lieferschein.pdf', bytes: Buffer.from('pdf two') }],
    });
    const refs = [await sink.deliver(message), await sink.deliver(part1), await sink.deliver(part2)];
    expect(new Set(refs.map((r) => r.ref)).size).toBe(3);
    expect(sim.liveObjects()).toHaveLength(3);

    const byTitle = new Map(sim.liveObjects().map((o) => [o.title, o]));
    // Attachment documents take their title from the file and carry no Message-ID of their own.
    expect(simpleValue(byTitle.get('Rechnung')!, 83)).toBeUndefined();
    expect(simpleValue(byTitle.get('Rechnung')!, P.key)).toMatch(/^postroom:[0-9a-f]{40}#att-1$/);
    expect(simpleValue(byTitle.get('Lieferschein')!, P.key)).toMatch(/#att-1\.2$/);
    expect(simpleValue(byTitle.get('Invoice 4711')!, 83)).toBe('<msg-with-parts@mail.example>');

    expect(await sink.find(part1.key)).toEqual(refs[1]);
    expect(await sink.find(part2.key)).toEqual(refs[2]);
    expect(await sink.find(message.key)).toEqual(refs[0]);
    expect(await sink.find({ ...message.key, part: 'att-9' })).toBeNull();

    // Delivering the parts again finds each one, not the message's document.
    expect(await sink.deliver(part2)).toEqual(refs[2]);
    expect(sim.liveObjects()).toHaveLength(3);
  });

  it('cuts a long subject and a long Message-ID to what a Text property holds, and still finds the document', async () => {
    const { logger, text } = captureLogger();
    const sink = sinkFor(sim, logger);
    const longId = `<${'x'.repeat(120)}@mail.example>`;
    const doc = makeDocument(dir.path, { subject: 'S'.repeat(150), internetMessageId: longId });
    const ref = await sink.deliver(doc);
    const [object] = sim.liveObjects();
    expect([...object!.title]).toHaveLength(100);
    expect(object!.title.endsWith('…')).toBe(true);
    expect(simpleValue(object!, 83)).toBe(longId.slice(0, 100));
    expect(text()).toContain('title cut from 150 to 100 characters');

    // A second source delivering the same mail finds it by the (cut) Message-ID.
    const other = sinkFor(sim, logger);
    expect(
      await other.deliver({ ...doc, key: { ...doc.key, sourceId: 'other', messageId: 'other-graph-id' } }),
    ).toEqual(ref);
    expect(sim.liveObjects()).toHaveLength(1);
  });

  it('uses the mapping’s title and class by name, and the file name when there is no subject', async () => {
    const sink = sinkFor(sim, captureLogger().logger, { defaultClass: 'E-mail' });
    await sink.deliver(
      makeDocument(dir.path, { subject: '', files: [{ name: 'scan 0001.pdf', bytes: Buffer.from('x') }] }),
    );
    await sink.deliver(
      makeDocument(dir.path, {
        mapped: {
          class: 'invoice',
          title: 'Invoice 4711 from Fabrikam',
          properties: [{ property: 'Invoice number', value: '4711', origin: 'subject' }],
        },
      }),
    );
    const [first, second] = sim.liveObjects();
    expect(first).toMatchObject({ title: 'scan 0001', classId: 11 });
    expect(second).toMatchObject({ title: 'Invoice 4711 from Fabrikam', classId: 10 });
    expect(simpleValue(second!, P.invoiceNumber)).toBe('4711');
  });

  it('refuses a file that changed since it was spooled, before creating anything', async () => {
    const sink = sinkFor(sim, captureLogger().logger);
    const doc = makeDocument(dir.path);
    const changed = { ...doc, files: [{ ...doc.files[0]!, sha256: '0'.repeat(64) }] };
    await expect(sink.deliver(changed)).rejects.toMatchObject({ code: 'SINK_WRITE_FAILED' });
    expect(sim.objects()).toHaveLength(0);
  });
});
