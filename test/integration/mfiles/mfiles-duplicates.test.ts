import { simpleValue, type MFilesSimulator } from '../../../src/simulators/mfiles';
import { P, captureLogger, makeDocument, sinkFor, startTestVault } from '../../helpers/mfiles-vault';
import { tempDir } from '../../helpers/temp-dir';

/** Creates a document the way M-Files' own mail import would: Message-ID set, no postroom key. */
async function importedByMFiles(sim: MFilesSimulator, internetMessageId: string): Promise<number> {
  const auth = await fetch(`${sim.url}/REST/server/authenticationtokens`, {
    method: 'POST',
    body: JSON.stringify({
      Username: 'postroom',
      Password: 'Corr3ct-Horse-Battery',
      VaultGuid: `{${sim.vaultGuid}}`,
    }),
  });
  const token = ((await auth.json()) as { Value: string }).Value;
  const headers = { 'X-Authentication': token };
  const upload = (await (
    await fetch(`${sim.url}/REST/files`, { method: 'POST', headers, body: 'mail' })
  ).json()) as {
    UploadID: number;
  };
  const created = await fetch(`${sim.url}/REST/objects/0`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      PropertyValues: [
        { PropertyDef: 100, TypedValue: { DataType: 9, Lookup: { Item: 0, Version: -1 } } },
        { PropertyDef: 0, TypedValue: { DataType: 1, Value: 'imported by M-Files' } },
        { PropertyDef: 22, TypedValue: { DataType: 8, Value: true } },
        { PropertyDef: 83, TypedValue: { DataType: 1, Value: internetMessageId } },
      ],
      Files: [{ UploadID: upload.UploadID, Title: 'mail', Extension: 'eml' }],
    }),
  });
  return ((await created.json()) as { ObjVer: { ID: number } }).ObjVer.ID;
}

describe('M-Files sink: duplicates', () => {
  let sim: MFilesSimulator;
  let dir: ReturnType<typeof tempDir>;
  beforeEach(async () => {
    sim = await startTestVault();
    dir = tempDir('mfiles-dup');
  });
  afterEach(async () => {
    await sim.stop();
    dir.cleanup();
  });

  it('delivering twice, or three times at once, leaves one object', async () => {
    const sink = sinkFor(sim, captureLogger().logger);
    const doc = makeDocument(dir.path);
    const first = await sink.deliver(doc);
    expect(await sink.deliver(doc)).toEqual(first);
    const other = makeDocument(dir.path);
    const refs = await Promise.all([sink.deliver(other), sink.deliver(other), sink.deliver(other)]);
    expect(new Set(refs.map((r) => r.ref)).size).toBe(1);
    expect(sim.objects()).toHaveLength(2);
    expect(sim.counters().objectsCreated).toBe(2);
  });

  it('after a Redis flush (a new sink, no ledger) find answers from the vault', async () => {
    const doc = makeDocument(dir.path, { internetMessageId: null });
    const ref = await sinkFor(sim, captureLogger().logger).deliver(doc);
    const fresh = sinkFor(sim, captureLogger().logger);
    expect(await fresh.find(doc.key)).toEqual(ref);
    expect(await fresh.deliver(doc)).toEqual(ref);
    expect(await fresh.find({ ...doc.key, messageId: 'another' })).toBeNull();
    expect(await fresh.find({ ...doc.key, sourceId: 'another-source' })).toBeNull();
    expect(sim.objects()).toHaveLength(1);
  });

  it('without a key property, deliver still finds a message’s document by Message-ID', async () => {
    const { logger, text } = captureLogger();
    const sink = sinkFor(sim, logger, { keyProperty: undefined });
    expect(text()).toContain('no keyProperty configured');
    const doc = makeDocument(dir.path);
    const ref = await sink.deliver(doc);
    expect(simpleValue(sim.objects()[0]!, P.key)).toBeUndefined();
    const fresh = sinkFor(sim, logger, { keyProperty: undefined });
    expect(await fresh.find(doc.key)).toBeNull();
    expect(await fresh.deliver(doc)).toEqual(ref);
    expect(sim.objects()).toHaveLength(1);
  });

  it('finds a mail M-Files imported itself, but not an attachment document carrying the parent’s Message-ID', async () => {
    const sink = sinkFor(sim, captureLogger().logger);
    // An attachment document of another message whose mapping copied the parent's Message-ID.
    const parentId = '<shared@mail.example>';
    await sink.deliver(
      makeDocument(dir.path, {
        messageId: 'parent',
        part: 'att-1',
        files: [{ name: 'a.pdf', bytes: Buffer.from('a') }],
        mapped: { properties: [{ property: 83, value: parentId, origin: 'parent.internetMessageId' }] },
      }),
    );
    expect(simpleValue(sim.objects()[0]!, 83)).toBe(parentId);
    const message = await sink.deliver(
      makeDocument(dir.path, { messageId: 'parent', internetMessageId: parentId }),
    );
    expect(sim.objects()).toHaveLength(2);
    expect(message.ref).toBe(`0-${sim.objects()[1]!.id}`);

    const importedId = await importedByMFiles(sim, '<imported@mail.example>');
    const ref = await sink.deliver(makeDocument(dir.path, { internetMessageId: '<imported@mail.example>' }));
    expect(ref).toEqual({ backend: 'vault', ref: `0-${importedId}` });
    expect(sim.objects()).toHaveLength(3);
  });

  it('a document deleted in M-Files does not count as delivered', async () => {
    const sink = sinkFor(sim, captureLogger().logger);
    const doc = makeDocument(dir.path);
    const first = await sink.deliver(doc);
    sim.deleteObject(Number(first.ref.split('-')[1]));
    expect(await sink.find(doc.key)).toBeNull();
    const second = await sink.deliver(doc);
    expect(second).not.toEqual(first);
    expect(sim.liveObjects()).toHaveLength(1);
  });

  it('two processes racing past the check end with one live document: the later one deletes itself', async () => {
    const { logger, text } = captureLogger();
    const a = sinkFor(sim, logger);
    const b = sinkFor(sim, logger);
    const doc = makeDocument(dir.path);
    // Warm both sinks up so that their searches line up, then slow the uploads so both pass the check.
    await Promise.all([a.find(doc.key), b.find(doc.key)]);
    sim.injectFault({ kinds: ['upload'], count: 2, delayMs: 300 });
    const [refA, refB] = await Promise.all([a.deliver(doc), b.deliver(doc)]);
    expect(sim.counters().objectsCreated).toBe(2);
    expect(refA).toEqual(refB);
    expect(sim.liveObjects()).toHaveLength(1);
    expect(refA.ref).toBe(`0-${sim.liveObjects()[0]!.id}`);
    expect(sim.objects().filter((o) => o.deleted)).toHaveLength(1);
    expect(text()).toContain('a concurrent delivery created the same document first; deleted ours');
  });

  it('a create whose answer was lost is found on the retry instead of created again', async () => {
    const sink = sinkFor(sim, captureLogger().logger, { requestTimeoutSeconds: 1 });
    const doc = makeDocument(dir.path);
    // The server creates the object, then takes longer to answer than the client waits.
    sim.injectFault({ kinds: ['create'], delayMs: 1500 });
    await expect(sink.deliver(doc)).rejects.toMatchObject({ code: 'DMS_UNAVAILABLE' });
    expect(sim.objects()).toHaveLength(1);
    const ref = await sink.deliver(doc);
    expect(ref.ref).toBe(`0-${sim.objects()[0]!.id}`);
    expect(sim.objects()).toHaveLength(1);
  });
});
