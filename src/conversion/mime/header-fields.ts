import { decodeBytes, isAscii, isValidUtf8, normaliseCharset } from './charsets';
import { decodeEncodedWords } from './encoded-words';

/**
 * A header block split into fields. Values are unfolded (RFC 5322 section 2.2.3) but not
 * RFC 2047-decoded: structured headers (Content-Type, address lists) must be tokenised first.
 */
export interface HeaderField {
  /** The name as written (case kept), e.g. "Content-Type". */
  name: string;
  /** The unfolded value, leading and trailing whitespace removed. */
  value: string;
}

export interface ParsedHeaders {
  fields: HeaderField[];
  problems: string[];
}

const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;

function isWsp(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x09;
}

/** Header bytes as text: ASCII as is, then UTF-8 (RFC 6532), then the message's own charset. */
function fieldText(bytes: Buffer, fallbackCharset: string | undefined): string {
  if (isAscii(bytes)) return bytes.toString('latin1');
  if (isValidUtf8(bytes)) return bytes.toString('utf8');
  // Not UTF-8 after all: the body's charset is the best guess, unless that is UTF-8 too.
  const hint = normaliseCharset(fallbackCharset);
  return decodeBytes(bytes, hint && hint !== 'utf-8' ? hint : 'windows-1252');
}

function splitLines(block: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let pos = 0;
  while (pos < block.length) {
    const nl = block.indexOf(0x0a, pos);
    const end = nl < 0 ? block.length : nl;
    const contentEnd = end > pos && block[end - 1] === 0x0d ? end - 1 : end;
    lines.push(block.subarray(pos, contentEnd));
    pos = end + 1;
  }
  return lines;
}

/** The charset= parameter of a Content-Type field, read from raw bytes before anything is decoded. */
function contentTypeCharset(lines: Buffer[]): string | undefined {
  const text = lines.map((l) => l.toString('latin1')).join('\n');
  const m = /^content-type:[^\n]*(?:\n[ \t][^\n]*)*/im.exec(text);
  const charset = m ? /charset\s*=\s*"?([^";\s]+)/i.exec(m[0]) : null;
  return charset?.[1];
}

/**
 * Splits a header block (without the blank line that ends it). Never throws: a line that is
 * neither a field nor a continuation is a broken fold and is joined to the field before it.
 */
export function parseHeaderBlock(block: Buffer): ParsedHeaders {
  const lines = splitLines(block);
  const fallbackCharset = contentTypeCharset(lines);
  const problems: string[] = [];
  const raw: Array<{ name: string; parts: Buffer[] }> = [];
  for (const line of lines) {
    if (line.length === 0) continue;
    const current = raw[raw.length - 1];
    if (isWsp(line[0])) {
      if (current) current.parts.push(line);
      else problems.push('header block starts with a continuation line');
      continue;
    }
    const colon = line.indexOf(0x3a);
    const name = colon > 0 ? line.subarray(0, colon).toString('latin1').trimEnd() : '';
    if (name && FIELD_NAME.test(name)) {
      raw.push({ name, parts: [line.subarray(colon + 1)] });
    } else if (current) {
      if (!problems.includes('broken header folding')) problems.push('broken header folding');
      current.parts.push(Buffer.concat([Buffer.from(' '), line]));
    } else {
      problems.push('header line without a field name');
    }
  }
  const fields = raw.map(({ name, parts }) => ({
    name,
    value: fieldText(Buffer.concat(parts), fallbackCharset).trim(),
  }));
  return { fields, problems };
}

/** First field named `name` (case-insensitive). */
export function headerValue(fields: readonly HeaderField[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return fields.find((f) => f.name.toLowerCase() === lower)?.value;
}

export function headerValues(fields: readonly HeaderField[], name: string): string[] {
  const lower = name.toLowerCase();
  return fields.filter((f) => f.name.toLowerCase() === lower).map((f) => f.value);
}

/** A field value as a person reads it: RFC 2047 words decoded, runs of whitespace kept. */
export function displayValue(value: string): string {
  return decodeEncodedWords(value);
}

/** The header block as text (for the .msg transport headers): UTF-8 where valid, else Latin-1. */
export function headerBlockText(block: Buffer): string {
  return isValidUtf8(block) ? block.toString('utf8') : block.toString('latin1');
}
