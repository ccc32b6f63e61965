import { decodeBytes, normaliseCharset } from './charsets';

/**
 * RFC 2047 encoded words (=?charset?B|Q?text?=) in header values and, because so many clients put
 * them there, in quoted parameter values such as filename="=?UTF-8?B?...?=".
 *
 * Adjacent encoded words in one charset are joined as bytes before decoding: encoders split long
 * text at byte boundaries, so a UTF-8 or Shift_JIS character may straddle two words.
 */

const ENCODED_WORD = /=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=/g;

function decodeQ(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5f /* _ */) bytes.push(0x20);
    else if (c === 0x3d /* = */ && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(c & 0xff);
  }
  return Buffer.from(bytes);
}

function decodeB(text: string): Buffer {
  return Buffer.from(text.replace(/[^A-Za-z0-9+/]/g, ''), 'base64');
}

interface Word {
  start: number;
  end: number;
  charset: string;
  bytes: Buffer;
}

/** Decodes every encoded word in `value`; text outside encoded words is kept as it is. */
export function decodeEncodedWords(value: string): string {
  if (!value.includes('=?')) return value;
  const words: Word[] = [];
  for (const m of value.matchAll(ENCODED_WORD)) {
    const [whole, charset = '', encoding = '', text = ''] = m;
    const bytes = encoding.toLowerCase() === 'b' ? decodeB(text) : decodeQ(text);
    words.push({ start: m.index, end: m.index + whole.length, charset: normaliseCharset(charset), bytes });
  }
  if (words.length === 0) return value;

  let out = '';
  let cursor = 0;
  let runCharset: string | null = null;
  let runBytes: Buffer[] = [];
  for (const word of words) {
    const between = value.slice(cursor, word.start);
    // Whitespace between two encoded words is not part of the text (RFC 2047 section 6.2).
    const adjacent = runCharset !== null && /^[ \t\r\n]*$/.test(between);
    // Stateful charsets (ISO-2022-JP, UTF-7) return to ASCII at the end of each word: decoding the
    // joined bytes would put two escape sequences back to back, which decoders reject.
    const stateful = /^(iso-2022|utf-7|hz)/.test(word.charset);
    if (!adjacent || runCharset !== word.charset || stateful) {
      if (runCharset !== null) out += decodeBytes(Buffer.concat(runBytes), runCharset);
      if (!adjacent) out += between;
      runCharset = word.charset;
      runBytes = [];
    }
    runBytes.push(word.bytes);
    cursor = word.end;
  }
  if (runCharset !== null) out += decodeBytes(Buffer.concat(runBytes), runCharset);
  return out + value.slice(cursor);
}
