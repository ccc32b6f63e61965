import { TextDecoder } from 'node:util';

/*
 * Header-only MIME reading. The simulator needs subject, addresses and dates for every stored
 * message, including 150 MB ones, so this never looks past the blank line that ends the header.
 */

export interface HeaderField {
  /** Lower-cased field name. */
  name: string;
  /** Field name as written. */
  rawName: string;
  /** Unfolded raw value (encoded words still encoded). */
  value: string;
}

/** Bytes of the header block (without the separating blank line). */
export function headerBlock(raw: Buffer): Buffer {
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] !== 0x0a) continue;
    if (raw[i + 1] === 0x0a) return raw.subarray(0, i);
    if (raw[i + 1] === 0x0d && raw[i + 2] === 0x0a) return raw.subarray(0, i);
  }
  return raw;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('windows-1252');

/** RFC 6532 allows raw UTF-8 in headers; anything else 8-bit is most likely Latin-1. */
function decodeHeaderBytes(block: Buffer): string {
  try {
    return strictUtf8.decode(block);
  } catch {
    return latin1.decode(block);
  }
}

export function parseHeaderFields(raw: Buffer): HeaderField[] {
  const text = decodeHeaderBytes(headerBlock(raw));
  const fields: HeaderField[] = [];
  for (const line of text.split(/\r?\n/)) {
    const last = fields[fields.length - 1];
    if (/^[ \t]/.test(line) && last) {
      last.value += line;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const rawName = line.slice(0, colon).trim();
    fields.push({ name: rawName.toLowerCase(), rawName, value: line.slice(colon + 1).trim() });
  }
  return fields;
}

export function firstHeader(fields: HeaderField[], name: string): string | undefined {
  return fields.find((f) => f.name === name)?.value;
}

export function allHeaders(fields: HeaderField[], name: string): string[] {
  return fields.filter((f) => f.name === name).map((f) => f.value);
}

function decoderFor(charset: string): TextDecoder {
  const label = charset.split('*')[0]?.trim().toLowerCase() ?? '';
  try {
    return new TextDecoder(label === 'us-ascii' || label === '' ? 'utf-8' : label);
  } catch {
    return latin1;
  }
}

function encodedWordBytes(encoding: string, text: string): Buffer {
  if (encoding.toUpperCase() === 'B') return Buffer.from(text, 'base64');
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '_') bytes.push(0x20);
    else if (ch === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(ch.charCodeAt(0) & 0xff);
  }
  return Buffer.from(bytes);
}

const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

/**
 * RFC 2047 decoding. Adjacent words in one charset are joined as bytes before decoding, because
 * encoders split multi-byte characters across words.
 */
export function decodeEncodedWords(value: string): string {
  const out: string[] = [];
  let pending: { charset: string; bytes: Buffer[] } | undefined;
  let cursor = 0;
  const flush = (): void => {
    if (pending) out.push(decoderFor(pending.charset).decode(Buffer.concat(pending.bytes)));
    pending = undefined;
  };
  for (const match of value.matchAll(ENCODED_WORD)) {
    const [whole, charset = '', encoding = 'Q', text = ''] = match;
    const start = match.index ?? 0;
    const between = value.slice(cursor, start);
    // Whitespace between two encoded words is not part of the text.
    if (!(pending && /^\s*$/.test(between))) {
      flush();
      out.push(between);
    }
    const bytes = encodedWordBytes(encoding, text);
    if (pending && pending.charset.toLowerCase() === charset.toLowerCase()) pending.bytes.push(bytes);
    else {
      flush();
      pending = { charset, bytes: [bytes] };
    }
    cursor = start + whole.length;
  }
  flush();
  out.push(value.slice(cursor));
  return out.join('');
}

export interface StructuredValue {
  value: string;
  params: Record<string, string>;
}

/** Content-Type / Content-Disposition with RFC 2231 continuations and charset'lang'%XX values. */
export function parseStructuredHeader(header: string | undefined): StructuredValue {
  if (!header) return { value: '', params: {} };
  const parts = header.match(/(?:[^;"]+|"(?:[^"\\]|\\.)*")+/g) ?? [];
  const value = (parts.shift() ?? '').trim().toLowerCase();
  const pieces = new Map<string, { index: number; extended: boolean; text: string }[]>();
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    let text = part.slice(eq + 1).trim();
    if (text.startsWith('"')) text = text.slice(1, -1).replace(/\\(.)/g, '$1');
    const m = /^([^*]+)(?:\*(\d+))?(\*)?$/.exec(key);
    if (!m) continue;
    const [, name = key, index, star] = m;
    const list = pieces.get(name) ?? [];
    list.push({ index: index ? Number(index) : 0, extended: star === '*', text });
    pieces.set(name, list);
  }
  const params: Record<string, string> = {};
  for (const [name, list] of pieces) {
    list.sort((a, b) => a.index - b.index);
    if (!list.some((p) => p.extended)) {
      params[name] = decodeEncodedWords(list.map((p) => p.text).join(''));
      continue;
    }
    let charset = 'utf-8';
    const bytes: Buffer[] = [];
    list.forEach((p, i) => {
      let text = p.text;
      if (i === 0 && p.extended) {
        const m2 = /^([^']*)'[^']*'(.*)$/.exec(text);
        if (m2) {
          charset = m2[1] || charset;
          text = m2[2] ?? '';
        }
      }
      bytes.push(p.extended ? percentDecode(text) : Buffer.from(text, 'latin1'));
    });
    params[name] = decoderFor(charset).decode(Buffer.concat(bytes));
  }
  return { value, params };
}

function percentDecode(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(text.charCodeAt(i) & 0xff);
  }
  return Buffer.from(bytes);
}
