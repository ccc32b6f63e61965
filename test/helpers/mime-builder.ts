import iconv from 'iconv-lite';

/**
 * Building blocks for test messages: encoded words (RFC 2047 B and Q), RFC 2231 parameters with
 * continuations, base64 and quoted-printable bodies, and MIME entities with either line ending.
 * Written from the RFCs for the tests; conversion has its own decoders.
 */

export type Charset = 'utf-8' | 'iso-8859-1' | 'windows-1252' | 'shift_jis';

export function encodeText(text: string, charset: Charset): Buffer {
  return charset === 'utf-8' ? Buffer.from(text, 'utf8') : iconv.encode(text, charset);
}

function qWord(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) {
    if (b === 0x20) out += '_';
    else if (b > 0x20 && b < 0x7f && !'=?_"(),.:;<>@[\\]'.includes(String.fromCharCode(b)))
      out += String.fromCharCode(b);
    else out += `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * `text` as encoded words, split every `charsPerWord` characters (so multi-byte text is spread
 * over several words, as long subjects are), joined by folding whitespace.
 */
export function encodedWords(text: string, charset: Charset, encoding: 'B' | 'Q', charsPerWord = 12): string {
  const chars = [...text];
  const words: string[] = [];
  for (let i = 0; i < chars.length; i += charsPerWord) {
    const bytes = encodeText(chars.slice(i, i + charsPerWord).join(''), charset);
    const payload = encoding === 'B' ? bytes.toString('base64') : qWord(bytes);
    words.push(`=?${charset}?${encoding}?${payload}?=`);
  }
  return words.join(' ');
}

function percent(bytes: Buffer): string[] {
  return [...bytes].map((b) =>
    /[A-Za-z0-9!#$&+.^_`|~-]/.test(String.fromCharCode(b))
      ? String.fromCharCode(b)
      : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

/** `param*=charset''…`, or with `pieces` > 1 continuations `param*0*=…; param*1*=…`. */
export function rfc2231(param: string, text: string, charset: Charset, pieces = 1, eol = '\r\n'): string {
  const tokens = percent(encodeText(text, charset));
  if (pieces <= 1) return `${param}*=${charset}''${tokens.join('')}`;
  const size = Math.ceil(tokens.length / pieces);
  const segments: string[] = [];
  for (let i = 0; i * size < tokens.length; i++) {
    const chunk = tokens.slice(i * size, (i + 1) * size).join('');
    segments.push(`${param}*${i}*=${i === 0 ? `${charset}''` : ''}${chunk}`);
  }
  return segments.join(`;${eol} `);
}

export function base64Body(data: Buffer, eol: string): Buffer {
  const text = data.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += 76) lines.push(text.slice(i, i + 76));
  return Buffer.from(lines.join(eol), 'latin1');
}

export function quotedPrintable(data: Buffer, eol: string): Buffer {
  let out = '';
  let line = '';
  const push = (token: string) => {
    if (line.length + token.length > 75) {
      out += `${line}=${eol}`;
      line = '';
    }
    line += token;
  };
  for (let i = 0; i < data.length; i++) {
    const b = data[i] as number;
    if (b === 0x0a) {
      out += line + eol;
      line = '';
    } else if (b === 0x0d && data[i + 1] === 0x0a) continue;
    else if (
      (b >= 0x21 && b <= 0x7e && b !== 0x3d) ||
      (b === 0x20 && data[i + 1] !== 0x0a && i + 1 < data.length)
    )
      push(String.fromCharCode(b));
    else push(`=${b.toString(16).toUpperCase().padStart(2, '0')}`);
  }
  return Buffer.from(out + line, 'latin1');
}

export interface Entity {
  headers: Array<string | Buffer>;
  body: Buffer;
}

export function entity(headers: Array<string | Buffer>, body: Buffer | string): Entity {
  return { headers, body: Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1') };
}

export function serialize(e: Entity, eol: string): Buffer {
  const lines = e.headers.map((h) =>
    Buffer.isBuffer(h) ? h : Buffer.from(h.replace(/\r?\n/g, eol), 'latin1'),
  );
  const parts: Buffer[] = [];
  for (const line of lines) parts.push(line, Buffer.from(eol));
  parts.push(Buffer.from(eol), e.body);
  return Buffer.concat(parts);
}

export interface MultipartOptions {
  preamble?: string;
  /** Leave out the closing delimiter (a malformed message). */
  noClose?: boolean;
}

export function multipartBody(
  boundary: string,
  children: Entity[],
  eol: string,
  options: MultipartOptions = {},
): Buffer {
  const parts: Buffer[] = [];
  if (options.preamble) parts.push(Buffer.from(options.preamble + eol, 'latin1'));
  for (const child of children) {
    parts.push(Buffer.from(`--${boundary}${eol}`, 'latin1'), serialize(child, eol), Buffer.from(eol));
  }
  if (!options.noClose) parts.push(Buffer.from(`--${boundary}--${eol}`, 'latin1'));
  return Buffer.concat(parts);
}
