import iconv from 'iconv-lite';

/**
 * Turns bytes in a declared charset into text. Mail declares charsets loosely: labels are misspelt,
 * "us-ascii" text carries 8-bit bytes, "iso-8859-1" text carries Windows smart quotes. Decoding
 * never fails: an unknown label falls back to UTF-8 when the bytes are valid UTF-8, else to
 * windows-1252 (which maps every byte), so a name or subject is always readable.
 */

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Labels whose text is, in practice, windows-1252 (a superset that only differs in C1 controls). */
const WINDOWS_1252_LABELS = new Set([
  'us-ascii',
  'ascii',
  'iso-8859-1',
  'iso8859-1',
  'latin1',
  'l1',
  'cp819',
]);

const ALIASES: Record<string, string> = {
  utf8: 'utf-8',
  'x-sjis': 'shift_jis',
  'shift-jis': 'shift_jis',
  sjis: 'shift_jis',
  'ks_c_5601-1987': 'cp949',
  'iso-8859-8-i': 'iso-8859-8',
  'x-unknown': '',
  unknown: '',
};

export function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

export function isAscii(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b > 0x7f) return false;
  return true;
}

/** The canonical label of a charset as mail writes it ('"UTF-8"', 'utf8*en' → 'utf-8'). */
export function normaliseCharset(label: string | undefined): string {
  if (!label) return '';
  const bare = label
    .trim()
    .replace(/^["']|["']$/g, '')
    .replace(/\*.*$/, '')
    .toLowerCase();
  return ALIASES[bare] ?? bare;
}

function decodeWith(bytes: Uint8Array, charset: string): string | undefined {
  if (charset === 'utf-8') return isValidUtf8(bytes) ? Buffer.from(bytes).toString('utf8') : undefined;
  if (WINDOWS_1252_LABELS.has(charset)) {
    // Mislabelled UTF-8 is common (clients that say us-ascii and send UTF-8): prefer it when valid.
    if (isAscii(bytes) || !isValidUtf8(bytes)) return iconv.decode(Buffer.from(bytes), 'windows-1252');
    return Buffer.from(bytes).toString('utf8');
  }
  if (iconv.encodingExists(charset)) return iconv.decode(Buffer.from(bytes), charset);
  try {
    // Node's ICU decoders cover what iconv-lite lacks (iso-2022-jp, for one).
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Decodes `bytes` in `charset`; `known` tells whether the charset was honoured (false: the guess
 * UTF-8 / windows-1252 was used instead).
 */
export function decodeText(bytes: Uint8Array, charset: string | undefined): { text: string; known: boolean } {
  const label = normaliseCharset(charset);
  if (label) {
    const text = decodeWith(bytes, label);
    if (text !== undefined) return { text, known: true };
    // UTF-8 that is not valid UTF-8 is decoded leniently rather than guessed as another charset.
    if (label === 'utf-8') return { text: Buffer.from(bytes).toString('utf8'), known: true };
  }
  if (isValidUtf8(bytes)) return { text: Buffer.from(bytes).toString('utf8'), known: !label };
  return { text: iconv.decode(Buffer.from(bytes), 'windows-1252'), known: !label };
}

export function decodeBytes(bytes: Uint8Array, charset: string | undefined): string {
  return decodeText(bytes, charset).text;
}
