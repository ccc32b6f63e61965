import type { ByteSource } from './byte-source';
import {
  canonicalType,
  extensionsFor,
  isGenericType,
  OLE_STORAGE_TYPE,
  typeForExtension,
} from './media-types';
import { sniffOle, sniffZip } from './sniff-containers';

/**
 * The type of a part from its bytes. Clients label PDFs application/octet-stream, scanners send
 * "image/jpeg" that is a PDF, Outlook sends docx as application/zip; users lose those documents
 * when a connector trusts the header. The bytes decide where the declared type is generic or
 * contradicts them; otherwise the declared type (which may be more specific) is kept.
 */
export interface Sniffed {
  contentType: string;
  /** Weak evidence (text formats recognised by their first line): only replaces a generic type. */
  weak: boolean;
}

function startsWith(head: Buffer, bytes: number[], at = 0): boolean {
  return bytes.every((b, i) => head[at + i] === b);
}

function ascii(head: Buffer, from: number, to: number): string {
  return head.subarray(from, to).toString('latin1');
}

const STRONG: Array<[test: (head: Buffer, size: number) => boolean, type: string]> = [
  [(h) => ascii(h, 0, 1024).includes('%PDF-'), 'application/pdf'],
  [(h) => startsWith(h, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), 'image/png'],
  [(h) => startsWith(h, [0xff, 0xd8, 0xff]), 'image/jpeg'],
  [(h) => ascii(h, 0, 6) === 'GIF87a' || ascii(h, 0, 6) === 'GIF89a', 'image/gif'],
  [(h) => startsWith(h, [0x49, 0x49, 0x2a, 0x00]) || startsWith(h, [0x4d, 0x4d, 0x00, 0x2a]), 'image/tiff'],
  [(h, size) => ascii(h, 0, 2) === 'BM' && h.length >= 6 && h.readUInt32LE(2) === size, 'image/bmp'],
  [(h) => ascii(h, 0, 4) === 'RIFF' && ascii(h, 8, 12) === 'WEBP', 'image/webp'],
  [(h) => ascii(h, 0, 4) === 'RIFF' && ascii(h, 8, 12) === 'WAVE', 'audio/wav'],
  [(h) => ascii(h, 4, 8) === 'ftyp' && /^(heic|heix|mif1|msf1)$/.test(ascii(h, 8, 12)), 'image/heic'],
  [(h) => ascii(h, 4, 8) === 'ftyp', 'video/mp4'],
  [(h) => ascii(h, 0, 3) === 'ID3', 'audio/mpeg'],
  [(h) => ascii(h, 0, 5) === '{\\rtf', 'application/rtf'],
  [(h) => startsWith(h, [0x1f, 0x8b, 0x08]), 'application/gzip'],
  [(h) => startsWith(h, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]), 'application/x-7z-compressed'],
  [(h) => ascii(h, 0, 6) === 'Rar!\x1a\x07', 'application/vnd.rar'],
  [(h) => startsWith(h, [0x78, 0x9f, 0x3e, 0x22]), 'application/ms-tnef'],
];

const WEAK: Array<[test: RegExp, type: string]> = [
  [/^\s*BEGIN:VCALENDAR\r?\n/i, 'text/calendar'],
  [/^\s*BEGIN:VCARD\r?\n/i, 'text/vcard'],
  [/^\s*<\?xml[\s?]/, 'application/xml'],
  [/^\s*(<!doctype html|<html[\s>])/i, 'text/html'],
  // A header block whose first fields are typical message headers: a forwarded mail sent as a file.
  [
    /^(?:(?:received|return-path|from|to|subject|date|message-id|mime-version|delivered-to|x-[a-z-]+):[^\n]*\r?\n){3}/i,
    'message/rfc822',
  ],
];

export async function sniffType(source: ByteSource): Promise<Sniffed | undefined> {
  if (source.size === 0) return undefined;
  const head = await source.read(0, Math.min(source.size, 64 * 1024));
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06]))
    return { contentType: await sniffZip(source, head), weak: false };
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))
    return { contentType: await sniffOle(source, head), weak: false };
  for (const [test, type] of STRONG) if (test(head, source.size)) return { contentType: type, weak: false };
  const text = ascii(head, 0, 2048);
  for (const [test, type] of WEAK) if (test.test(text)) return { contentType: type, weak: true };
  return undefined;
}

const ZIP_BASED =
  /^application\/(vnd\.openxmlformats-|vnd\.ms-[a-z.]*macroenabled|vnd\.oasis\.|epub\+zip|java-archive|vnd\.android|vnd\.ms-xpsdocument|x-xpinstall)/;
const OLE_BASED =
  /^application\/(msword|vnd\.ms-(excel|powerpoint|outlook|project|publisher|works)|vnd\.visio|x-msi|x-ole-storage)/;

/** Whether a declared type agrees with what the bytes are (possibly more specifically). */
function agrees(declared: string, sniffed: string): boolean {
  if (declared === sniffed) return true;
  if (sniffed === 'application/zip') return ZIP_BASED.test(declared);
  if (sniffed === OLE_STORAGE_TYPE) return OLE_BASED.test(declared);
  // A more specific member of the same family (xlsm declared, xlsx found) is kept.
  if (ZIP_BASED.test(sniffed) && ZIP_BASED.test(declared)) return familyOf(declared) === familyOf(sniffed);
  if (sniffed === 'application/vnd.ms-outlook' && declared === 'application/vnd.ms-outlook') return true;
  return false;
}

function familyOf(type: string): string {
  if (/wordprocessingml|ms-word/.test(type)) return 'word';
  if (/spreadsheetml|ms-excel/.test(type)) return 'excel';
  if (/presentationml|ms-powerpoint/.test(type)) return 'powerpoint';
  return type;
}

export interface TypeDecision {
  contentType: string;
  /** The declared type, when the decision differs from it. */
  declaredContentType?: string;
  /** The decision rests on the bytes (so the name's extension may be corrected). */
  fromBytes: boolean;
}

/** Decides a part's type from its declared type, its bytes and (for generic labels) its name. */
export function decideType(declared: string, sniffed: Sniffed | undefined, name?: string): TypeDecision {
  const canonical = canonicalType(declared);
  const differs = (type: string): TypeDecision => ({
    contentType: type,
    declaredContentType: declared === type ? undefined : declared,
    fromBytes: true,
  });
  if (sniffed && isGenericType(canonical)) return differs(sniffed.contentType);
  if (sniffed && !sniffed.weak && !agrees(canonical, sniffed.contentType)) {
    // application/zip for an Office file: the specific type is better, not a contradiction.
    return differs(sniffed.contentType);
  }
  if (!sniffed && isGenericType(canonical) && name) {
    const byName = typeForExtension(extensionOf(name));
    if (byName) return { contentType: byName, declaredContentType: declared, fromBytes: false };
  }
  // The bytes confirm a specific declared type: the name may still carry a wrong extension.
  const confirmed =
    !!sniffed && !sniffed.weak && sniffed.contentType === canonical && !CONTAINERS.has(canonical);
  return { contentType: canonical || 'application/octet-stream', fromBytes: confirmed };
}

/** Container formats many types share: their extension is not corrected from the bytes. */
const CONTAINERS = new Set(['application/zip', OLE_STORAGE_TYPE]);

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || dot === name.length - 1) return '';
  const ext = name.slice(dot + 1);
  return /^[A-Za-z0-9_-]{1,16}$/.test(ext) ? ext.toLowerCase() : '';
}

/** Extensions that only say "some data": replaced, not kept, when the bytes say what it is. */
const PLACEHOLDER_EXTENSIONS = new Set([
  'bin',
  'dat',
  'tmp',
  'file',
  'att',
  'octet-stream',
  'unknown',
  'data',
]);

/**
 * Gives a name the extension its type calls for: added when missing; when the bytes contradict it,
 * a placeholder extension (.bin, .dat) is replaced and any other is kept with the right one added
 * ("scan.jpg" that is a PDF becomes "scan.jpg.pdf"). A fitting extension is never touched.
 */
export function fixExtension(name: string, decision: TypeDecision): string {
  const fitting = extensionsFor(decision.contentType);
  if (fitting.length === 0) return name;
  const ext = extensionOf(name);
  if (ext && fitting.includes(ext)) return name;
  // A ZIP or compound file of a kind not told apart keeps whatever extension it has (.jar, .msi).
  if (
    CONTAINERS.has(canonicalType(decision.contentType)) &&
    (ext || decision.contentType === OLE_STORAGE_TYPE)
  )
    return name;
  const preferred = fitting[0] as string;
  if (!ext) return `${name}.${preferred}`;
  if (!decision.fromBytes) return name;
  if (PLACEHOLDER_EXTENSIONS.has(ext)) return `${name.slice(0, name.length - ext.length)}${preferred}`;
  return `${name}.${preferred}`;
}
