import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { FolderSink } from '../../../src/backends/folder/folder-sink';
import type { DocumentToDeliver } from '../../../src/backends/document-sink';
import { tempDir } from '../../helpers/temp-dir';

function documentFor(dir: string, messageId: string, bytes: Buffer): DocumentToDeliver {
  const path = join(dir, `${createHash('md5').update(messageId).digest('hex')}.eml`);
  writeFileSync(path, bytes);
  return {
    key: { sourceId: 'src1', messageId, receivedDateTime: '2026-03-04T05:06:07Z' },
    files: [
      {
        name: 'message.eml',
        path,
        size: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        contentType: 'message/rfc822',
      },
    ],
    metadata: {
      sourceId: 'src1',
      mailbox: 'a@b.example',
      folder: 'Inbox',
      messageId,
      subject: 'Rechnung',
      to: [],
      cc: [],
      received: '2026-03-04T05:06:07Z',
    },
  };
}

describe('FolderSink', () => {
  let dir: ReturnType<typeof tempDir>;
  let sink: FolderSink;
  beforeEach(() => {
    dir = tempDir('sink');
    mkdirSync(join(dir.path, 'spool'));
    sink = new FolderSink('documents', join(dir.path, 'root'));
  });
  afterEach(() => dir.cleanup());

  it('writes <root>/<source>/<YYYY>/<MM>/<stable-name>/ with the exact bytes and metadata', async () => {
    const bytes = Buffer.from([0x53, 0x75, 0x62, 0x6a, 0xe4, 0xf6, 0xfc, 0x0d, 0x0a, 0xff]);
    const ref = await sink.deliver(documentFor(join(dir.path, 'spool'), 'AAMk+/id=', bytes));
    expect(ref.ref).toMatch(/^src1\/2026\/03\/20260304-050607-[0-9a-f]{16}$/);
    const docDir = join(dir.path, 'root', ref.ref);
    expect(readFileSync(join(docDir, 'message.eml')).equals(bytes)).toBe(true);
    const metadata = JSON.parse(readFileSync(join(docDir, 'metadata.json'), 'utf8'));
    expect(metadata.files).toEqual([
      expect.objectContaining({
        name: 'message.eml',
        size: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      }),
    ]);
    expect(metadata.subject).toBe('Rechnung');
    expect(await sink.find(documentFor(join(dir.path, 'spool'), 'AAMk+/id=', bytes).key)).toEqual(ref);
  });

  it('delivering the same key twice, even concurrently, leaves one document', async () => {
    const doc = documentFor(join(dir.path, 'spool'), 'same', Buffer.from('x'));
    const refs = await Promise.all([sink.deliver(doc), sink.deliver(doc), sink.deliver(doc)]);
    expect(new Set(refs.map((r) => r.ref)).size).toBe(1);
    expect(readdirSync(join(dir.path, 'root', 'src1', '2026', '03'))).toHaveLength(1);
    expect(readdirSync(join(dir.path, 'root', '.staging'))).toHaveLength(0);
  });

  it('refuses file names that are paths, permanently', async () => {
    const doc = documentFor(join(dir.path, 'spool'), 'evil', Buffer.from('x'));
    for (const name of ['../escape.eml', 'a/b.eml', '..', 'c\\d.eml']) {
      await expect(sink.deliver({ ...doc, files: [{ ...doc.files[0]!, name }] })).rejects.toMatchObject({
        code: 'DMS_REJECTED',
      });
    }
    expect(existsSync(join(dir.path, 'escape.eml'))).toBe(false);
    expect(existsSync(join(dir.path, 'root', 'src1'))).toBe(false);
  });

  it("keeps an attachment called metadata.json beside the document's own metadata", async () => {
    const doc = documentFor(join(dir.path, 'spool'), 'named-metadata', Buffer.from('{"not":"ours"}'));
    const ref = await sink.deliver({ ...doc, files: [{ ...doc.files[0]!, name: 'METADATA.json' }] });
    const folder = join(dir.path, 'root', ref.ref);
    expect(readFileSync(join(folder, 'metadata (attachment).json'), 'utf8')).toBe('{"not":"ours"}');
    expect(JSON.parse(readFileSync(join(folder, 'metadata.json'), 'utf8')).files[0].name).toBe(
      'metadata (attachment).json',
    );
  });

  it('does not report a staged (half-written) document as delivered, and sweeps stale staging', async () => {
    const doc = documentFor(join(dir.path, 'spool'), 'crashed-mid-delivery', Buffer.from('partial'));
    // What a crash between writing and publishing leaves: the files, but only in staging.
    const staging = join(dir.path, 'root', '.staging', 'crashed');
    mkdirSync(staging, { recursive: true });
    writeFileSync(join(staging, 'message.eml'), 'partial');
    writeFileSync(join(staging, 'metadata.json'), '{}');
    expect(await sink.find(doc.key)).toBeNull();

    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    utimesSync(staging, old, old);
    expect(await sink.sweepStaging()).toBe(1);
    expect(existsSync(staging)).toBe(false);
    expect((await sink.deliver(doc)).ref).toMatch(/^src1\/2026\/03\//);
  });

  it('refuses to publish a file that changed since it was spooled', async () => {
    const doc = documentFor(join(dir.path, 'spool'), 'tampered', Buffer.from('original bytes'));
    writeFileSync(doc.files[0]!.path, 'other bytes!!!');
    await expect(sink.deliver(doc)).rejects.toMatchObject({ code: 'SINK_WRITE_FAILED' });
    expect(await sink.find(doc.key)).toBeNull();
  });

  it('makes the month folder again when it was removed after an earlier delivery', async () => {
    const first = await sink.deliver(documentFor(join(dir.path, 'spool'), 'first', Buffer.from('one')));
    // An operator tidies up: the month folder the sink made (and remembers) is gone.
    rmSync(join(dir.path, 'root', first.ref, '..'), { recursive: true });
    const second = await sink.deliver(documentFor(join(dir.path, 'spool'), 'second', Buffer.from('two')));
    expect(readFileSync(join(dir.path, 'root', second.ref, 'message.eml'), 'utf8')).toBe('two');
    expect(
      existsSync(join(dir.path, 'root', '.staging')) ? readdirSync(join(dir.path, 'root', '.staging')) : [],
    ).toEqual([]);
  });

  it('delivers again after the whole root was removed and made again (a backend outage)', async () => {
    const spool = join(dir.path, 'spool');
    await sink.deliver(documentFor(spool, 'before', Buffer.from('one')));
    // The staging folder the sink made (and remembers) goes with the root.
    rmSync(join(dir.path, 'root'), { recursive: true });
    mkdirSync(join(dir.path, 'root'));
    const after = await sink.deliver(documentFor(spool, 'after', Buffer.from('two')));
    expect(readFileSync(join(dir.path, 'root', after.ref, 'message.eml'), 'utf8')).toBe('two');
    expect(readdirSync(join(dir.path, 'root', '.staging'))).toEqual([]);
  });

  it('a second delivery of a delivered key returns the document and leaves no staging behind', async () => {
    const spool = join(dir.path, 'spool');
    const ref = await sink.deliver(documentFor(spool, 'again', Buffer.from('first bytes')));
    const again = await sink.deliver(documentFor(spool, 'again', Buffer.from('other bytes')));
    expect(again).toEqual(ref);
    expect(readFileSync(join(dir.path, 'root', ref.ref, 'message.eml'), 'utf8')).toBe('first bytes');
    expect(readdirSync(join(dir.path, 'root', '.staging'))).toEqual([]);
  });
});
