import { crc32 } from 'node:zlib';
import type { SeededRandom } from '../../src/simulators/seeded-random';

/**
 * Small files with the real signatures of the formats conversion must recognise: enough structure
 * for content sniffing (magic numbers, ZIP entries, compound-file directory, TNEF attributes),
 * filled with seeded bytes so each test run is identical.
 */

export function randomBytes(random: SeededRandom, size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = random.int(256);
  return out;
}

function fill(random: SeededRandom, head: Buffer, size: number, tail = Buffer.alloc(0)): Buffer {
  const middle = Math.max(0, size - head.length - tail.length);
  return Buffer.concat([head, randomBytes(random, middle), tail]);
}

export function pdfFile(random: SeededRandom, size = 2_000): Buffer {
  const head = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n', 'latin1');
  return fill(random, head, size, Buffer.from('\n%%EOF\n'));
}

export function pngFile(random: SeededRandom, size = 1_500): Buffer {
  const head = Buffer.from('89504e470d0a1a0a0000000d4948445200000010000000100806000000', 'hex');
  return fill(random, head, size);
}

export function jpegFile(random: SeededRandom, size = 3_000): Buffer {
  return fill(
    random,
    Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'),
    size,
    Buffer.from('ffd9', 'hex'),
  );
}

export function gifFile(random: SeededRandom, size = 800): Buffer {
  return fill(random, Buffer.from('GIF89a', 'latin1'), size);
}

/** A stored (uncompressed) ZIP archive. */
export function zipFile(entries: Array<[name: string, data: Buffer]>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const CONTENT_TYPES = Buffer.from(
  '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
);

export function docxFile(random: SeededRandom): Buffer {
  return zipFile([
    ['[Content_Types].xml', CONTENT_TYPES],
    ['_rels/.rels', Buffer.from('<Relationships/>')],
    ['word/document.xml', Buffer.concat([Buffer.from('<w:document>'), randomBytes(random, 200)])],
  ]);
}

export function xlsxFile(random: SeededRandom): Buffer {
  return zipFile([
    ['[Content_Types].xml', CONTENT_TYPES],
    ['xl/workbook.xml', Buffer.concat([Buffer.from('<workbook>'), randomBytes(random, 200)])],
  ]);
}

/** A compound file (MS-CFB v3) whose directory holds the root and one stream named `stream`. */
export function oleFile(stream: string): Buffer {
  const sector = 512;
  const header = Buffer.alloc(sector, 0);
  Buffer.from('d0cf11e0a1b11ae1', 'hex').copy(header, 0);
  header.writeUInt16LE(0x3e, 0x18);
  header.writeUInt16LE(3, 0x1a);
  header.writeUInt16LE(0xfffe, 0x1c);
  header.writeUInt16LE(9, 0x1e);
  header.writeUInt16LE(6, 0x20);
  header.writeUInt32LE(1, 0x2c); // one FAT sector
  header.writeUInt32LE(1, 0x30); // directory starts at sector 1
  header.writeUInt32LE(4096, 0x38);
  header.writeUInt32LE(0xfffffffe, 0x3c);
  header.writeUInt32LE(0xfffffffe, 0x44);
  for (let i = 0; i < 109; i++) header.writeUInt32LE(i === 0 ? 0 : 0xffffffff, 0x4c + i * 4);
  const fat = Buffer.alloc(sector, 0xff);
  fat.writeUInt32LE(0xfffffffd, 0);
  fat.writeUInt32LE(0xfffffffe, 4);
  const dir = Buffer.alloc(sector, 0);
  const entry = (index: number, name: string, type: number) => {
    const at = index * 128;
    const nameBytes = Buffer.from(`${name}\0`, 'utf16le');
    nameBytes.copy(dir, at);
    dir.writeUInt16LE(nameBytes.length, at + 64);
    dir.writeUInt8(type, at + 66);
  };
  entry(0, 'Root Entry', 5);
  entry(1, stream, 2);
  return Buffer.concat([header, fat, dir]);
}

export function icsFile(method: string, uid: string): Buffer {
  return Buffer.from(
    [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//postroom tests//EN',
      `METHOD:${method}`,
      'BEGIN:VEVENT',
      `UID:${uid}`,
      'DTSTART:20261201T090000Z',
      'DTEND:20261201T100000Z',
      'SUMMARY:Quarterly review',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n'),
  );
}

/** A TNEF stream (MS-OXTNEF) carrying the given files as attachments by value. */
export function tnefFile(files: Array<{ name: string; data: Buffer }>): Buffer {
  const parts: Buffer[] = [];
  const head = Buffer.alloc(6);
  head.writeUInt32LE(0x223e9f78, 0);
  head.writeUInt16LE(0x0001, 4);
  parts.push(head);
  const attribute = (level: number, id: number, type: number, data: Buffer) => {
    const h = Buffer.alloc(9);
    h.writeUInt8(level, 0);
    h.writeUInt32LE(((type << 16) | id) >>> 0, 1);
    h.writeUInt32LE(data.length, 5);
    let sum = 0;
    for (const b of data) sum = (sum + b) & 0xffff;
    const c = Buffer.alloc(2);
    c.writeUInt16LE(sum, 0);
    parts.push(h, data, c);
  };
  const version = Buffer.alloc(4);
  version.writeUInt32LE(0x00010000, 0);
  attribute(1, 0x9006, 0x0008, version);
  attribute(1, 0x8008, 0x0007, Buffer.from('IPM.Microsoft Mail.Note\0', 'latin1'));
  for (const file of files) {
    attribute(2, 0x9002, 0x0006, Buffer.alloc(14));
    attribute(2, 0x8010, 0x0001, Buffer.from(`${file.name.slice(0, 8)}\0`, 'latin1'));
    attribute(2, 0x800f, 0x0006, file.data);
    // attAttachment: one property, PR_ATTACH_LONG_FILENAME as PT_UNICODE.
    const name = Buffer.from(`${file.name}\0`, 'utf16le');
    const padded = Buffer.alloc((name.length + 3) & ~3);
    name.copy(padded);
    const props = Buffer.alloc(16);
    props.writeUInt32LE(1, 0);
    props.writeUInt16LE(0x001f, 4);
    props.writeUInt16LE(0x3707, 6);
    props.writeUInt32LE(1, 8);
    props.writeUInt32LE(name.length, 12);
    attribute(2, 0x9005, 0x0006, Buffer.concat([props, padded]));
  }
  return Buffer.concat(parts);
}
