import * as CFB from 'cfb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeDirectory } from '../../../../src/conversion/msg/cfb-directory';
import type { MessageModel } from '../../../../src/conversion/msg/message-model';
import { outlookNameCrc32 } from '../../../../src/conversion/msg/name-crc32';
import { NamedPropertyRegistry, PS_PUBLIC_STRINGS } from '../../../../src/conversion/msg/named-properties';
import { buildMsg, writeMsgFile } from '../../../../src/conversion/msg/write-msg';
import { isRetryable, PostroomError } from '../../../../src/errors/postroom-error';
import { checkDirectory } from './cfb-inspector';
import { ModelFactory } from './msg-fixtures';
import { readWithMsgReader } from './msgreader-view';

/** The bytes themselves, against [MS-OXMSG] and [MS-CFB], beyond what a lenient reader tolerates. */

const factory = new ModelFactory(77);

function stream(file: Buffer, path: string): Buffer {
  const container = CFB.read(file, { type: 'buffer' });
  const entry = CFB.find(container, `/${path}`);
  if (!entry) throw new Error(`no stream ${path}`);
  // cfb leaves an empty stream's content undefined.
  return Buffer.from((entry.content as Uint8Array | undefined) ?? []);
}

interface PropEntry {
  tag: number;
  flags: number;
  value: Buffer;
}

function propertyEntries(
  file: Buffer,
  storage: string,
  headerSize: number,
): { header: Buffer; entries: PropEntry[] } {
  const data = stream(file, `${storage}__properties_version1.0`);
  expect((data.length - headerSize) % 16).toBe(0);
  const entries: PropEntry[] = [];
  for (let o = headerSize; o < data.length; o += 16) {
    entries.push({
      tag: data.readUInt32LE(o),
      flags: data.readUInt32LE(o + 4),
      value: data.subarray(o + 8, o + 16),
    });
  }
  return { header: data.subarray(0, headerSize), entries };
}

const embedded: MessageModel = {
  messageClass: 'IPM.Note',
  subject: 'inner',
  recipients: [{ kind: 'to', address: 'i@example.test' }],
  categories: ['Inner'],
  attachments: [factory.file(1, 10)],
};
const sample: MessageModel = {
  messageClass: 'IPM.Note',
  subject: 'RE: structure',
  from: { name: 'From', address: 'from@example.test' },
  recipients: [
    { kind: 'to', name: 'A', address: 'a@example.test' },
    { kind: 'cc', address: 'c@example.test' },
    { kind: 'bcc', name: 'nobody' },
    { kind: 'bcc' },
  ],
  sent: new Date('2024-02-29T12:34:56.789Z'),
  textBody: 'text',
  htmlBody: '<p>html</p>',
  categories: ['One', 'Two'],
  attachments: [
    factory.file(0, 5000),
    factory.file(1, 0),
    { kind: 'message', fileName: 'inner.msg', message: embedded },
  ],
};

describe('.msg structure', () => {
  const file = buildMsg(sample);

  it('has a directory of red-black trees in [MS-CFB] order, without cfb marker stream', () => {
    const paths = checkDirectory(file);
    expect([...paths.keys()].some((p) => p.includes('Sh33tJ5'))).toBe(false);
    for (const [path, entry] of paths) {
      if (entry.type === 2 && entry.size === 0) expect([path, entry.start]).toEqual([path, 0xfffffffe]);
    }
    expect([...paths.keys()].filter((p) => !p.includes('/')).sort()).toEqual(
      expect.arrayContaining([
        '__nameid_version1.0',
        '__properties_version1.0',
        '__recip_version1.0_#00000000',
        '__recip_version1.0_#00000002',
        '__attach_version1.0_#00000002',
      ]),
    );
    // The recipient with neither name nor address gets no storage.
    expect(paths.has('__recip_version1.0_#00000003')).toBe(false);
  });

  it('keeps sibling trees valid for any number of children', () => {
    for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 100, 300]) {
      const container = CFB.utils.cfb_new();
      for (let i = 0; i < n; i++) {
        CFB.utils.cfb_add(container, `s${'x'.repeat(i % 5)}${i}/v`, Buffer.from([i & 0xff]), {
          unsafe: true,
        });
      }
      CFB.utils.cfb_gc(container);
      const out = CFB.write(container, { type: 'buffer' }) as Buffer;
      // cfb's own directory is a right-leaning list of black nodes: no red-black tree.
      if (n >= 2) expect(() => checkDirectory(out)).toThrow(/black heights differ/);
      normalizeDirectory(out);
      expect(checkDirectory(out).size).toBe(2 * n);
    }
  });

  it('writes the property stream headers: 32 bytes top-level, 24 embedded, 8 for recipients and attachments', () => {
    const top = propertyEntries(file, '', 32);
    // reserved(8), next recipient id, next attachment id, recipient count, attachment count, reserved(8)
    const dwords = (b: Buffer) => Array.from({ length: b.length / 4 }, (_, i) => b.readUInt32LE(4 * i));
    expect(dwords(top.header)).toEqual([0, 0, 3, 3, 3, 3, 0, 0]);
    const inner = propertyEntries(file, '__attach_version1.0_#00000002/__substg1.0_3701000D/', 24);
    expect(dwords(inner.header)).toEqual([0, 0, 1, 1, 1, 1]);
    expect(propertyEntries(file, '__recip_version1.0_#00000000/', 8).header).toEqual(Buffer.alloc(8));
    expect(propertyEntries(file, '__attach_version1.0_#00000000/', 8).header).toEqual(Buffer.alloc(8));
  });

  it('sizes variable-length entries by their streams: strings count a terminating NUL the stream does not hold', () => {
    for (const storage of ['', '__recip_version1.0_#00000001/', '__attach_version1.0_#00000000/']) {
      const { entries } = propertyEntries(file, storage, storage === '' ? 32 : 8);
      for (const e of entries) {
        expect(e.flags).toBe(6);
        const type = e.tag & 0xffff;
        const name = `${storage}__substg1.0_${e.tag.toString(16).toUpperCase().padStart(8, '0')}`;
        if (type === 0x001f) expect(e.value.readUInt32LE(0)).toBe(stream(file, name).length + 2);
        if (type === 0x0102 || type === 0x101f)
          expect(e.value.readUInt32LE(0)).toBe(stream(file, name).length);
      }
    }
    const subject = stream(file, '__substg1.0_0037001F');
    expect(subject.toString('utf16le')).toBe('RE: structure');
    const attachEntries = propertyEntries(file, '__attach_version1.0_#00000002/', 8).entries;
    const dataObject = attachEntries.find((e) => e.tag === 0x3701000d);
    expect(dataObject?.value.readUInt32LE(0)).toBe(0xffffffff);
    expect(attachEntries.find((e) => e.tag === 0x37050003)?.value.readUInt32LE(0)).toBe(5);
  });

  it('stores times as FILETIME with millisecond precision', () => {
    const { entries } = propertyEntries(file, '', 32);
    const submit = entries.find((e) => e.tag === 0x00390040);
    const ms = Number(submit?.value.readBigUInt64LE(0) ?? 0n) / 10_000 - 11_644_473_600_000;
    expect(new Date(ms).toISOString()).toBe('2024-02-29T12:34:56.789Z');
  });

  it('maps Keywords in PS_PUBLIC_STRINGS through __nameid_version1.0, hash stream included', () => {
    expect(stream(file, '__nameid_version1.0/__substg1.0_00020102')).toHaveLength(0);
    const entryStream = stream(file, '__nameid_version1.0/__substg1.0_00030102');
    // string offset 0; property index 0, GUID index 2 (PS_PUBLIC_STRINGS), kind 1 (string)
    expect([entryStream.readUInt32LE(0), entryStream.readUInt32LE(4)]).toEqual([0, (0 << 16) | (2 << 1) | 1]);
    const strings = stream(file, '__nameid_version1.0/__substg1.0_00040102');
    expect(strings.readUInt32LE(0)).toBe(16);
    expect(strings.subarray(4, 20).toString('utf16le')).toBe('Keywords');
    const crc = outlookNameCrc32(Buffer.from('Keywords', 'utf16le'));
    const streamId = 0x1000 + (((crc ^ ((2 << 1) | 1)) >>> 0) % 0x1f);
    const hash = stream(file, `__nameid_version1.0/__substg1.0_${streamId.toString(16).toUpperCase()}0102`);
    expect([hash.readUInt32LE(0), hash.readUInt32LE(4)]).toEqual([crc, 5]);
    // Embedded messages share the top-level mapping: the inner message uses the same id 0x8000.
    const inner = '__attach_version1.0_#00000002/__substg1.0_3701000D/';
    expect(stream(file, `${inner}__substg1.0_8000101F-00000000`).toString('utf16le')).toBe('Inner\0');
  });

  it("computes name checksums as Outlook does (vectors from Outlook-written files' mapping streams)", () => {
    expect(outlookNameCrc32(Buffer.from('content-type', 'utf16le'))).toBe(0x0450b859);
    expect(outlookNameCrc32(Buffer.from('ClientInfo', 'utf16le'))).toBe(0x4be2cc34);
    expect(outlookNameCrc32(Buffer.from('DetectedLanguage', 'utf16le'))).toBe(0xdc1064a3);
    const registry = new NamedPropertyRegistry();
    expect(registry.idFor('{00062008-0000-0000-C000-000000000046}', 'a')).toBe(0x8000); // GUID index 3
    expect(registry.idFor('00020386-0000-0000-c000-000000000046', 'content-type')).toBe(0x8001); // index 4
    expect(registry.idFor(PS_PUBLIC_STRINGS, 'Keywords')).toBe(0x8002);
    expect(registry.idFor(PS_PUBLIC_STRINGS, 'Keywords')).toBe(0x8002);
    const streams = new Map(registry.serialize().map((s) => [s.name, s.content]));
    // Outlook filed "content-type" with GUID index 4 in mapping stream 0x1009.
    expect(streams.get('__substg1.0_10090102')?.readUInt32LE(0)).toBe(0x0450b859);
    expect(streams.get('__substg1.0_00020102')?.toString('hex')).toBe(
      '0820060000000000c000000000000046' + '8603020000000000c000000000000046',
    );
  });

  it('writes the same bytes for the same model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'postroom-msg-'));
    try {
      const a = await writeMsgFile(sample, join(dir, 'a.msg'));
      const b = await writeMsgFile(sample, join(dir, 'b.msg'));
      expect(a).toEqual(b);
      expect(buildMsg(sample).equals(file)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves out what cannot be written: invalid dates, NUL characters become U+FFFD', () => {
    const view = readWithMsgReader(
      buildMsg({
        messageClass: 'IPM.Note',
        subject: 'a\u0000b',
        sent: new Date('garbage'),
        received: new Date(Date.UTC(1500, 0, 1)),
        recipients: [],
        attachments: [],
      }),
    );
    expect([view.subject, view.sent, view.received]).toEqual(['a\ufffdb', undefined, undefined]);
    const farFuture = new Date(8.64e15); // year 275760: beyond FILETIME
    const late = readWithMsgReader(
      buildMsg({ messageClass: 'IPM.Note', sent: farFuture, recipients: [], attachments: [] }),
    );
    expect(late.sent).toBeUndefined();
  });
});

describe('writeMsgFile errors', () => {
  async function failure(model: MessageModel, out = join(tmpdir(), 'never-written.msg')): Promise<unknown> {
    return writeMsgFile(model, out).then(
      () => undefined,
      (err: unknown) => err,
    );
  }

  it('rejects a message that embeds itself with MSG_WRITE_FAILED (permanent)', async () => {
    const loop: MessageModel = { messageClass: 'IPM.Note', recipients: [], attachments: [] };
    loop.attachments.push({ kind: 'message', fileName: 'loop.msg', message: loop });
    const err = await failure(loop);
    expect(err).toBeInstanceOf(PostroomError);
    expect((err as PostroomError).code).toBe('MSG_WRITE_FAILED');
    expect(isRetryable(err)).toBe(false);
  });

  it('rejects more than 2048 attachments and an empty message class', async () => {
    const many = Array.from({ length: 2049 }, (_, i) => factory.file(i, 0));
    expect(await failure({ messageClass: 'IPM.Note', recipients: [], attachments: many })).toMatchObject({
      code: 'MSG_WRITE_FAILED',
    });
    expect(await failure({ messageClass: '', recipients: [], attachments: [] })).toMatchObject({
      code: 'MSG_WRITE_FAILED',
    });
  });

  it('passes a file system failure on as the system error', async () => {
    const err = await failure(sample, join(tmpdir(), 'no-such-dir-postroom', 'x.msg'));
    expect(err).not.toBeInstanceOf(PostroomError);
    expect((err as NodeJS.ErrnoException).code).toBe('ENOENT');
  });
});
