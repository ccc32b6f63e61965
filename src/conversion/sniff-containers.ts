import type { ByteSource } from './byte-source';
import { OLE_STORAGE_TYPE } from './media-types';

/**
 * What kind of document a ZIP or an OLE compound file is, from its internal paths: Office Open XML
 * and OpenDocument are ZIP archives told apart by the paths inside, Word/Excel/PowerPoint 97 and
 * Outlook .msg are compound files told apart by their stream names (MS-CFB directory).
 */

const OOXML: Array<[prefix: string, type: string]> = [
  ['word/', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  ['xl/', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  ['ppt/', 'application/vnd.openxmlformats-officedocument.presentationml.presentation'],
  ['visio/', 'application/vnd.ms-visio.drawing'],
];

const MAX_CENTRAL_DIRECTORY = 4 * 1024 * 1024;

/** Entry names from the central directory (at the end of the archive). */
async function centralDirectoryNames(source: ByteSource): Promise<string[] | undefined> {
  const tailLength = Math.min(source.size, 65_557);
  const tail = await source.read(source.size - tailLength, tailLength);
  const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0 || eocd + 22 > tail.length) return undefined;
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  if (cdSize === 0xffffffff || cdOffset === 0xffffffff || cdSize > MAX_CENTRAL_DIRECTORY) return undefined;
  const cd = await source.read(cdOffset, cdSize);
  if (cd.length < cdSize) return undefined;
  const names: string[] = [];
  for (let p = 0; p + 46 <= cd.length && cd.readUInt32LE(p) === 0x02014b50;) {
    const nameLength = cd.readUInt16LE(p + 28);
    const extra = cd.readUInt16LE(p + 30);
    const comment = cd.readUInt16LE(p + 32);
    names.push(cd.subarray(p + 46, p + 46 + nameLength).toString('utf8'));
    p += 46 + nameLength + extra + comment;
  }
  return names;
}

/** Entry names from the local headers at the start (when the central directory is out of reach). */
function localHeaderNames(head: Buffer): { names: string[]; firstData?: Buffer } {
  const names: string[] = [];
  let firstData: Buffer | undefined;
  for (let p = 0; p + 30 <= head.length && head.readUInt32LE(p) === 0x04034b50;) {
    const flags = head.readUInt16LE(p + 6);
    const compressed = head.readUInt32LE(p + 18);
    const nameLength = head.readUInt16LE(p + 26);
    const extra = head.readUInt16LE(p + 28);
    names.push(head.subarray(p + 30, p + 30 + nameLength).toString('utf8'));
    const dataStart = p + 30 + nameLength + extra;
    if (names.length === 1) firstData = head.subarray(dataStart, dataStart + Math.min(compressed, 100));
    // With a data descriptor (flag bit 3) the size is not known here: stop.
    if (flags & 0x08) break;
    p = dataStart + compressed;
  }
  return { names, firstData };
}

export async function sniffZip(source: ByteSource, head: Buffer): Promise<string> {
  const local = localHeaderNames(head);
  // OpenDocument and EPUB start with an uncompressed "mimetype" entry naming the type.
  if (local.names[0] === 'mimetype' && local.firstData) {
    const declared = local.firstData.toString('latin1').trim();
    if (/^application\/(vnd\.oasis\.opendocument\.[a-z.-]+|epub\+zip)$/.test(declared)) return declared;
  }
  const names = (await centralDirectoryNames(source)) ?? local.names;
  if (names.includes('[Content_Types].xml')) {
    for (const [prefix, type] of OOXML) if (names.some((n) => n.startsWith(prefix))) return type;
  }
  return 'application/zip';
}

const OLE_NAMES: Array<[test: (name: string) => boolean, type: string]> = [
  [(n) => n === 'WordDocument', 'application/msword'],
  [(n) => n === 'Workbook' || n === 'Book', 'application/vnd.ms-excel'],
  [(n) => n === 'PowerPoint Document', 'application/vnd.ms-powerpoint'],
  [(n) => n.startsWith('__substg1.0_') || n === '__properties_version1.0', 'application/vnd.ms-outlook'],
  [(n) => n === 'VisioDocument', 'application/vnd.visio'],
];

const ENDOFCHAIN = 0xfffffffe;
const MAX_DIRECTORY_SECTORS = 64;

/** Names of the directory entries of a compound file (MS-CFB 2.6), as far as they can be read. */
async function oleDirectoryNames(source: ByteSource, header: Buffer): Promise<string[]> {
  const sectorShift = header.readUInt16LE(0x1e);
  if (sectorShift !== 9 && sectorShift !== 12) return [];
  const sectorSize = 1 << sectorShift;
  const sectorOffset = (id: number) => (id + 1) * sectorSize;
  const difat: number[] = [];
  for (let i = 0; i < 109; i++) difat.push(header.readUInt32LE(0x4c + i * 4));
  const perFatSector = sectorSize / 4;
  const nextSector = async (id: number): Promise<number> => {
    const fatSector = difat[Math.floor(id / perFatSector)];
    if (fatSector === undefined || fatSector >= 0xfffffffa) return ENDOFCHAIN;
    const entry = await source.read(sectorOffset(fatSector) + (id % perFatSector) * 4, 4);
    return entry.length === 4 ? entry.readUInt32LE(0) : ENDOFCHAIN;
  };
  const names: string[] = [];
  let sector = header.readUInt32LE(0x30);
  for (let i = 0; i < MAX_DIRECTORY_SECTORS && sector < 0xfffffffa; i++) {
    const data = await source.read(sectorOffset(sector), sectorSize);
    if (data.length < sectorSize) break;
    for (let p = 0; p + 128 <= data.length; p += 128) {
      const nameLength = Math.min(data.readUInt16LE(p + 64), 64);
      if (nameLength >= 2) names.push(data.subarray(p, p + nameLength - 2).toString('utf16le'));
    }
    if (names.some((n) => OLE_NAMES.some(([test]) => test(n)))) break;
    sector = await nextSector(sector);
  }
  return names;
}

export async function sniffOle(source: ByteSource, head: Buffer): Promise<string> {
  if (head.length < 512) return OLE_STORAGE_TYPE;
  const names = await oleDirectoryNames(source, head);
  for (const [test, type] of OLE_NAMES) if (names.some(test)) return type;
  return OLE_STORAGE_TYPE;
}
