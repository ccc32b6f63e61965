import { decodeBytes } from './charsets';
import { decodeEncodedWords } from './encoded-words';

/**
 * Structured MIME header values: `value; name=token; name="quoted"` (RFC 2045) with RFC 2231
 * extended parameters (name*=charset'lang'%XX, continuations name*0*, name*1, …). Parsing is
 * lenient: unquoted values with spaces, stray semicolons and unterminated quotes are read the way
 * mail clients read them, because the alternative is losing an attachment's name.
 */
export interface StructuredValue {
  /** The main value, lower-case (e.g. 'application/pdf', 'attachment'). */
  value: string;
  /** Parameters by lower-case name, RFC 2231 and RFC 2047 decoded. */
  params: Map<string, string>;
}

function splitParams(input: string): string[] {
  const pieces: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < input.length; i++) {
    const c = input[i] as string;
    if (quoted) {
      if (c === '\\' && i + 1 < input.length) {
        current += c + input[i + 1];
        i++;
        continue;
      }
      if (c === '"') quoted = false;
      current += c;
    } else if (c === '"') {
      quoted = true;
      current += c;
    } else if (c === ';') {
      pieces.push(current);
      current = '';
    } else current += c;
  }
  pieces.push(current);
  return pieces;
}

function unquote(raw: string): string {
  const trimmed = raw.trim();
  if (!trimmed.startsWith('"')) return trimmed;
  let out = '';
  for (let i = 1; i < trimmed.length; i++) {
    const c = trimmed[i] as string;
    if (c === '\\' && i + 1 < trimmed.length) {
      out += trimmed[++i];
      continue;
    }
    if (c === '"') break;
    out += c;
  }
  return out;
}

function percentDecode(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '%' && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      // Characters outside %XX are taken as they are (some encoders leave UTF-8 unescaped).
      for (const b of Buffer.from(text[i] as string, 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes);
}

interface Segment {
  index: number;
  encoded: boolean;
  text: string;
}

/** Joins RFC 2231 segments of one parameter into text. */
function joinExtended(segments: Segment[]): string {
  segments.sort((a, b) => a.index - b.index);
  let charset = '';
  const bytes: Buffer[] = [];
  segments.forEach((segment, i) => {
    let text = segment.text;
    if (segment.encoded && i === 0) {
      const m = /^([^']*)'[^']*'(.*)$/s.exec(text);
      if (m) {
        charset = m[1] ?? '';
        text = m[2] ?? '';
      }
    }
    bytes.push(segment.encoded ? percentDecode(text) : Buffer.from(text, 'utf8'));
  });
  return decodeBytes(Buffer.concat(bytes), charset || undefined);
}

export function parseStructured(input: string | undefined): StructuredValue {
  const pieces = splitParams(input ?? '');
  const value = (pieces.shift() ?? '').trim().replace(/^"|"$/g, '').toLowerCase();
  const plain = new Map<string, string>();
  const extended = new Map<string, Segment[]>();
  for (const piece of pieces) {
    const eq = piece.indexOf('=');
    if (eq < 0) continue;
    const key = piece.slice(0, eq).trim().toLowerCase();
    if (!key) continue;
    const text = unquote(piece.slice(eq + 1));
    const m = /^([^*]+)\*(?:(\d+)(\*)?|)$/.exec(key);
    if (m && key.includes('*')) {
      const base = m[1] as string;
      const index = m[2] === undefined ? 0 : Number(m[2]);
      // name*=… and name*0*=… are percent-encoded; name*1=… is a literal continuation.
      const encoded = m[2] === undefined ? true : m[3] === '*';
      const list = extended.get(base) ?? [];
      list.push({ index, encoded, text });
      extended.set(base, list);
    } else if (!plain.has(key)) {
      plain.set(key, text);
    }
  }
  const params = new Map<string, string>();
  for (const [key, text] of plain) params.set(key, decodeEncodedWords(text));
  // An RFC 2231 value wins over a plain one of the same name: it is the exact one.
  for (const [key, segments] of extended) params.set(key, decodeEncodedWords(joinExtended(segments)));
  return { value, params };
}

/** A media type as 'type/subtype', defaulting what is missing or broken. */
export function normaliseMediaType(value: string, fallback: string): { type: string; valid: boolean } {
  const m = /^([a-z0-9!#$&^_.+-]+)\/([a-z0-9!#$&^_.+-]+)$/.exec(value.trim().toLowerCase());
  if (m) return { type: `${m[1]}/${m[2]}`, valid: true };
  if (value.trim().toLowerCase() === 'text') return { type: 'text/plain', valid: false };
  return { type: fallback, valid: value.trim() === '' };
}
