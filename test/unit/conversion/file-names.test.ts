import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  capName,
  fallbackName,
  messageFileName,
  NameRegistry,
  sanitizeFileName,
  truncateUtf8,
} from '../../../src/conversion/file-names';
import { parseStructured } from '../../../src/conversion/mime/header-params';
import { decodeEncodedWords } from '../../../src/conversion/mime/encoded-words';
import { pathInside } from '../../../src/conversion/safe-path';
import { PostroomError } from '../../../src/errors/postroom-error';
import { HOSTILE_NAMES } from '../../helpers/mail-generator';
import { encodedWords, rfc2231 } from '../../helpers/mime-builder';
import { nameProblems } from '../../helpers/name-rules';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

describe('file names: decoding', () => {
  it.each([
    ['utf-8', 'Rechnung März – 2026.pdf'],
    ['iso-8859-1', 'Résumé été.pdf'],
    ['windows-1252', 'Angebot “Premium” – 100€.docx'],
    ['shift_jis', '請求書（最終）.xlsx'],
  ] as const)('decodes RFC 2047 B and Q words in %s, split over several words', (charset, name) => {
    for (const encoding of ['B', 'Q'] as const) {
      expect(decodeEncodedWords(encodedWords(name, charset, encoding, 3))).toBe(name);
      const param = parseStructured(`attachment; filename="${encodedWords(name, charset, encoding, 5)}"`);
      expect(param.params.get('filename')).toBe(name);
    }
  });

  it.each([
    ['utf-8', 'Überweisung 📎 Beleg.pdf'],
    ['iso-8859-1', 'Grüße aus Köln.txt'],
    ['windows-1252', 'Zoë’s “notes”.txt'],
    ['shift_jis', 'テスト画像.png'],
  ] as const)('decodes RFC 2231 in %s, with and without continuations', (charset, name) => {
    expect(parseStructured(`attachment; ${rfc2231('filename', name, charset)}`).params.get('filename')).toBe(
      name,
    );
    for (const pieces of [2, 3, 5]) {
      const value = parseStructured(`attachment; ${rfc2231('filename', name, charset, pieces, ' ')}`);
      expect(value.params.get('filename')).toBe(name);
    }
  });

  it('joins literal and encoded RFC 2231 continuations and prefers them over a plain parameter', () => {
    const value = parseStructured(
      `attachment; filename="fallback.txt"; filename*0*=utf-8'de'Gr%C3%BC; filename*1="sse "; filename*2*=%C3%A4.txt`,
    );
    expect(value.params.get('filename')).toBe('Grüsse ä.txt');
  });

  it('decodes a name split between two encoded words in the middle of a multi-byte character', () => {
    const bytesOf = Buffer.from('日本語.pdf', 'utf8');
    const a = bytesOf.subarray(0, 4).toString('base64');
    const b = bytesOf.subarray(4).toString('base64');
    expect(decodeEncodedWords(`=?UTF-8?B?${a}?= =?UTF-8?B?${b}?=`)).toBe('日本語.pdf');
  });
});

describe('file names: sanitising', () => {
  it('keeps only the last path segment', () => {
    expect(sanitizeFileName('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFileName('C:\\Users\\bob\\report.pdf')).toBe('report.pdf');
    expect(sanitizeFileName('C:\\x')).toBe('x');
    expect(sanitizeFileName('a/../../b.txt')).toBe('b.txt');
    expect(sanitizeFileName('dir/')).toBe('dir');
  });

  it('drops control and bidi characters and normalises to NFC', () => {
    expect(sanitizeFileName('re\u0000port\u0007\u001b.pdf')).toBe('report.pdf');
    expect(sanitizeFileName('invoice\u202efdp.exe')).toBe('invoicefdp.exe');
    expect(sanitizeFileName('Cafe\u0301.txt')).toBe('Café.txt');
    expect(sanitizeFileName('Cafe\u0301.txt')).toBe('Café.txt'.normalize('NFC'));
  });

  it('replaces Windows-forbidden characters', () => {
    expect(sanitizeFileName('<bad>:"name"|?*.txt')).toBe('_bad___name____.txt');
  });

  it('avoids reserved device names, also with extensions', () => {
    expect(sanitizeFileName('CON')).toBe('_CON');
    expect(sanitizeFileName('con.txt')).toBe('_con.txt');
    expect(sanitizeFileName('lpt1.tar.gz')).toBe('_lpt1.tar.gz');
    expect(sanitizeFileName('COM9 .log')).toBe('_COM9 .log');
    expect(sanitizeFileName('console.txt')).toBe('console.txt');
  });

  it('trims trailing dots and spaces, and rejects names that are only dots', () => {
    expect(sanitizeFileName('trailing dots...')).toBe('trailing dots');
    expect(sanitizeFileName('ends with space . ')).toBe('ends with space');
    expect(sanitizeFileName('..')).toBe('');
    expect(sanitizeFileName('...')).toBe('');
    expect(sanitizeFileName('   ')).toBe('');
    expect(sanitizeFileName('/')).toBe('');
  });

  it('caps at 255 UTF-8 bytes, keeping the extension and whole characters', () => {
    const ascii = sanitizeFileName(`${'a'.repeat(296)}.pdf`);
    expect(bytes(ascii)).toBe(255);
    expect(ascii.endsWith('.pdf')).toBe(true);
    const twoByte = sanitizeFileName(`${'ü'.repeat(200)}.pdf`);
    expect(bytes(twoByte)).toBeLessThanOrEqual(255);
    expect(twoByte).toMatch(/^ü+\.pdf$/);
    const emoji = capName(`${'📎'.repeat(100)}.docx`);
    expect(bytes(emoji)).toBeLessThanOrEqual(255);
    expect(emoji).toMatch(/^(📎)+\.docx$/u);
    expect(truncateUtf8('日本語', 7)).toBe('日本');
  });

  it('every hostile name comes out valid', () => {
    for (const raw of HOSTILE_NAMES) {
      const name = sanitizeFileName(raw) || fallbackName(1, 'application/pdf');
      expect({ raw, problems: nameProblems(name) }).toEqual({ raw, problems: [] });
    }
  });

  it('falls back to attachment-N with an extension from the type', () => {
    expect(fallbackName(1, 'application/pdf')).toBe('attachment-1.pdf');
    expect(fallbackName(2, 'message/rfc822')).toBe('attachment-2.eml');
    expect(fallbackName(3, 'application/x-unknown-thing')).toBe('attachment-3.bin');
    expect(fallbackName(1, 'text/calendar', 'invite')).toBe('invite-1.ics');
  });

  it('names messages after their subject', () => {
    expect(messageFileName('Re: Invoice 42?', '.eml')).toBe('Re_ Invoice 42_.eml');
    expect(messageFileName(undefined, '.msg')).toBe('message.msg');
    expect(messageFileName('../../x', '.eml')).toBe('.._.._x.eml');
    expect(messageFileName('Signing with S/MIME, 12/2026', '.eml')).toBe('Signing with S_MIME, 12_2026.eml');
    expect(bytes(messageFileName('ü'.repeat(300), '.eml'))).toBeLessThanOrEqual(255);
  });
});

describe('file names: uniqueness', () => {
  it('numbers duplicates case-insensitively before the extension', () => {
    const registry = new NameRegistry();
    expect(registry.claim('report.pdf')).toBe('report.pdf');
    expect(registry.claim('report.pdf')).toBe('report (2).pdf');
    expect(registry.claim('REPORT.pdf')).toBe('REPORT (3).pdf');
    expect(registry.claim('noext')).toBe('noext');
    expect(registry.claim('noext')).toBe('noext (2)');
  });

  it('keeps a numbered long name within 255 bytes', () => {
    const registry = new NameRegistry();
    const long = capName(`${'x'.repeat(300)}.pdf`);
    registry.claim(long);
    const second = registry.claim(long);
    expect(bytes(second)).toBeLessThanOrEqual(255);
    expect(second.endsWith(' (2).pdf')).toBe(true);
  });
});

describe('pathInside', () => {
  const dir = mkdtempSync(join(tmpdir(), 'postroom-paths-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('builds paths inside the work directory', () => {
    expect(pathInside(dir, 'message', 'report.pdf')).toBe(join(dir, 'message', 'report.pdf'));
  });

  it.each(['..', '.', '', '../x', 'a/b', 'a\\b', '/etc/passwd', 'x\0y'])('refuses %j', (segment) => {
    expect(() => pathInside(dir, segment)).toThrow(PostroomError);
    try {
      pathInside(dir, 'message', segment);
    } catch (err) {
      expect((err as PostroomError).code).toBe('CONVERSION_FAILED');
    }
  });
});
