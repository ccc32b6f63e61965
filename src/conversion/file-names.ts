import { extensionsFor } from './media-types';
import { extensionOf } from './sniff-type';

/**
 * Safe file names for what conversion writes. A name comes from the sender, so it may be a path
 * ("../../etc/passwd", "C:\\Users\\x\\report.pdf"), a Windows device ("CON.txt"), carry control or
 * bidi-override characters, be 300 bytes long or empty. Every name leaving this module is a single
 * path segment that is valid on Windows, macOS and Linux and at most 255 UTF-8 bytes, keeping its
 * extension. (RFC 2047 / RFC 2231 decoding happens when the header parameter is parsed:
 * mime/header-params.ts and mime/encoded-words.ts.)
 */

export const MAX_NAME_BYTES = 255;

/** C0/C1 controls, DEL, bidi embeddings/overrides/isolates, BOM: invisible, and used for spoofing. */
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
const WINDOWS_FORBIDDEN = /[<>:"|?*]/g;
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;
/** An extension longer than this is not treated as one (it is kept as part of the stem). */
const MAX_EXTENSION_BYTES = 32;

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Cuts `text` to at most `maxBytes` UTF-8 bytes without splitting a character (or a surrogate pair). */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (utf8Length(text) <= maxBytes) return text;
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    const size = utf8Length(ch);
    if (bytes + size > maxBytes) break;
    out += ch;
    bytes += size;
  }
  return out;
}

function trimEnds(text: string): string {
  // Windows drops trailing dots and spaces, so "report.pdf." and "report.pdf" would collide.
  return text.replace(/^[\s]+/, '').replace(/[\s.]+$/, '');
}

function splitExtension(name: string): { stem: string; ext: string } {
  const ext = extensionOf(name);
  if (!ext || utf8Length(ext) + 1 > MAX_EXTENSION_BYTES) return { stem: name, ext: '' };
  return { stem: name.slice(0, name.length - ext.length - 1), ext: name.slice(name.length - ext.length - 1) };
}

/** Caps a name at `maxBytes`, shortening the stem so the extension survives. */
export function capName(name: string, maxBytes = MAX_NAME_BYTES): string {
  if (utf8Length(name) <= maxBytes) return name;
  const { stem, ext } = splitExtension(name);
  const room = maxBytes - utf8Length(ext);
  const shortStem = trimEnds(truncateUtf8(stem, Math.max(room, 1)));
  return (shortStem || '_') + ext;
}

/**
 * The safe form of a sender-supplied name, or '' when nothing usable is left (the caller then
 * uses a fallback name). Only the last path segment is kept: a client that sent
 * "C:\\Users\\bob\\report.pdf" meant "report.pdf".
 */
export function sanitizeFileName(raw: string | undefined): string {
  if (!raw) return '';
  let name = raw.normalize('NFC').replace(INVISIBLE, '');
  const segments = name.split(/[/\\]+/).filter((s) => trimEnds(s) !== '' && !/^\.+$/.test(trimEnds(s)));
  name = segments[segments.length - 1] ?? '';
  name = name.replace(WINDOWS_FORBIDDEN, '_');
  // Lone surrogates cannot be written as UTF-8.
  name = name.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '');
  name = trimEnds(name);
  if (/^\.*$/.test(name)) return '';
  const base = name.split('.')[0]?.trimEnd() ?? '';
  if (RESERVED.test(base)) name = `_${name}`;
  return trimEnds(capName(name));
}

/** The extension (with its dot) that an unnamed part of this type gets: '.pdf', '.eml', '.bin'. */
export function fallbackExtension(contentType: string): string {
  const ext = extensionsFor(contentType)[0];
  return ext ? `.${ext}` : '.bin';
}

/** "attachment-3.pdf" for the third part without a usable name. */
export function fallbackName(index: number, contentType: string, stem = 'attachment'): string {
  return `${stem}-${index}${fallbackExtension(contentType)}`;
}

/**
 * A name for a message file, from its subject: "Re: Invoice 42?" → "Re_ Invoice 42_.eml". A slash
 * in a subject ("S/MIME", "12/2026") is text, not a path: it becomes '_' too.
 */
export function messageFileName(subject: string | undefined, extension: '.eml' | '.msg'): string {
  const flat = (subject ?? '').replace(/\s+/g, ' ').replace(/[/\\]/g, '_').trim();
  const stem = sanitizeFileName(truncateUtf8(flat, 120));
  return stem ? capName(`${stem}${extension}`) : `message${extension}`;
}

/**
 * Hands out names unique within one document, case-insensitively (the target may be a Windows or
 * macOS file system): the second "report.pdf" becomes "report (2).pdf".
 */
export class NameRegistry {
  private readonly taken = new Set<string>();

  private key(name: string): string {
    return name.normalize('NFC').toLowerCase();
  }

  has(name: string): boolean {
    return this.taken.has(this.key(name));
  }

  claim(name: string): string {
    let candidate = capName(name);
    if (this.has(candidate)) {
      const { stem, ext } = splitExtension(candidate);
      for (let n = 2; ; n++) {
        const suffix = ` (${n})`;
        const room = MAX_NAME_BYTES - utf8Length(suffix) - utf8Length(ext);
        candidate = `${trimEnds(truncateUtf8(stem, room)) || '_'}${suffix}${ext}`;
        if (!this.has(candidate)) break;
      }
    }
    this.taken.add(this.key(candidate));
    return candidate;
  }
}
