import { createHash } from 'node:crypto';
import iconv from 'iconv-lite';
import { parseAddressList } from '../../../src/conversion/mime/address-list';
import { decodeText } from '../../../src/conversion/mime/charsets';
import { decodeEncodedWords } from '../../../src/conversion/mime/encoded-words';
import { headerValue, parseHeaderBlock } from '../../../src/conversion/mime/header-fields';
import { parseMailDate } from '../../../src/conversion/mime/mail-date';
import { MimeScanner } from '../../../src/conversion/mime/mime-scanner';
import type { MimeNode } from '../../../src/conversion/mime/mime-node';
import { createTransferDecoder } from '../../../src/conversion/mime/transfer-decoding';
import { generateMails } from '../../helpers/mail-generator';

describe('charsets and encoded words', () => {
  it('decodes the charsets mail uses, never failing', () => {
    expect(decodeText(iconv.encode('Grüße', 'iso-8859-1'), 'ISO-8859-1').text).toBe('Grüße');
    expect(decodeText(iconv.encode('“50 €”', 'windows-1252'), 'windows-1252').text).toBe('“50 €”');
    // iso-8859-1 labels are read as windows-1252, as mail clients do.
    expect(decodeText(iconv.encode('“x”', 'windows-1252'), 'iso-8859-1').text).toBe('“x”');
    expect(decodeText(iconv.encode('請求書', 'shift_jis'), 'Shift_JIS').text).toBe('請求書');
    expect(decodeText(Buffer.from('1b2442246b1b2842', 'hex'), 'iso-2022-jp').text).toBe('る');
    expect(decodeText(Buffer.from('héllo', 'utf8'), 'no-such-charset')).toEqual({
      text: 'héllo',
      known: false,
    });
    expect(decodeText(Buffer.from([0x66, 0xe9]), 'bogus').text).toBe('fé');
    expect(decodeText(Buffer.from('ü', 'utf8'), 'us-ascii').text).toBe('ü');
  });

  it('decodes RFC 2047 with whitespace rules', () => {
    expect(decodeEncodedWords('=?utf-8?q?a?= =?utf-8?q?b?=')).toBe('ab');
    expect(decodeEncodedWords('=?utf-8?q?a?= x =?utf-8?q?b?=')).toBe('a x b');
    expect(decodeEncodedWords('Re: =?ISO-8859-1?Q?Gr=FC=DFe?=')).toBe('Re: Grüße');
    expect(decodeEncodedWords('=?utf-8*en?b?w7w=?=')).toBe('ü');
    expect(decodeEncodedWords('=?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?= =?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=')).toBe(
      'テストテスト',
    );
    expect(decodeEncodedWords('not =?encoded')).toBe('not =?encoded');
  });
});

describe('headers', () => {
  it('unfolds, keeps order and names, and decodes raw UTF-8 (RFC 6532) and raw 8-bit text', () => {
    const block = Buffer.concat([
      Buffer.from('Subject: one\r\n two\r\nX-Empty:\r\nFrom: Jörg <j@x>\r\n', 'utf8'),
      Buffer.from('X-Latin: ', 'latin1'),
      iconv.encode('Grüße', 'windows-1252'),
      Buffer.from('\r\nContent-Type: text/plain; charset=windows-1252\r\n'),
    ]);
    const { fields, problems } = parseHeaderBlock(block);
    expect(fields.map((f) => f.name)).toEqual(['Subject', 'X-Empty', 'From', 'X-Latin', 'Content-Type']);
    expect(headerValue(fields, 'subject')).toBe('one two');
    expect(headerValue(fields, 'from')).toBe('Jörg <j@x>');
    expect(headerValue(fields, 'x-latin')).toBe('Grüße');
    expect(problems).toEqual([]);
  });

  it('joins a broken fold to the field before it and says so', () => {
    const { fields, problems } = parseHeaderBlock(
      Buffer.from('Subject: Beleg\r\nfür den Monat\r\nTo: a@b\r\n'),
    );
    expect(headerValue(fields, 'subject')).toBe('Beleg für den Monat');
    expect(headerValue(fields, 'to')).toBe('a@b');
    expect(problems).toEqual(['broken header folding']);
  });

  it('parses address lists with quotes, comments, groups and encoded names', () => {
    expect(
      parseAddressList(
        '"Müller, Jürgen" <jm@x.de>, =?utf-8?B?546L5bCP5piO?= <w@x.cn>, plain@x.org (Plain Person), Team: a@x, b@x;, undisclosed-recipients:;',
      ),
    ).toEqual([
      { name: 'Müller, Jürgen', address: 'jm@x.de' },
      { name: '王小明', address: 'w@x.cn' },
      { name: 'Plain Person', address: 'plain@x.org' },
      { address: 'a@x' },
      { address: 'b@x' },
    ]);
    expect(parseAddressList('"=?iso-8859-1?q?Ren=E9e?=" <r@x>')).toEqual([{ name: 'Renée', address: 'r@x' }]);
    expect(parseAddressList('')).toEqual([]);
  });

  it('parses RFC 5322 dates, obsolete zones and two-digit years, and rejects nonsense', () => {
    expect(parseMailDate('Mon, 30 Nov 2026 10:15:00 +0100')).toBe('2026-11-30T09:15:00.000Z');
    expect(parseMailDate('30 Nov 26 10:15 EST')).toBe('2026-11-30T15:15:00.000Z');
    expect(parseMailDate('Fri, 21 Nov 1997 09:55:06 -0600 (CST)')).toBe('1997-11-21T15:55:06.000Z');
    expect(parseMailDate('<HR>')).toBeUndefined();
    expect(parseMailDate('Mon, 30 Jun 3609 15:33:50 +0600')).toBeUndefined();
    expect(parseMailDate(undefined)).toBeUndefined();
  });
});

describe('transfer decoders', () => {
  const decodeAll = (encoding: string, raw: Buffer, step: number) => {
    const decoder = createTransferDecoder(encoding);
    const out: Buffer[] = [];
    for (let i = 0; i < raw.length; i += step) out.push(decoder.write(raw.subarray(i, i + step)));
    out.push(decoder.end());
    return { data: Buffer.concat(out), problems: decoder.problems };
  };

  it('decodes base64 in any chunking, skipping and reporting bad characters', () => {
    const data = Buffer.from('The quick brown fox jumps over the lazy dog. Grüße!', 'utf8');
    const b64 = Buffer.from(data.toString('base64').replace(/(.{10})/g, '$1\r\n'));
    for (const step of [1, 3, 7, 64]) expect(decodeAll('base64', b64, step)).toEqual({ data, problems: [] });
    const bad = decodeAll(
      'BASE64',
      Buffer.from(`${data.toString('base64').slice(0, 8)}!*${data.toString('base64').slice(8)}`),
      5,
    );
    expect(bad.data.equals(data)).toBe(true);
    expect(bad.problems).toEqual(['bad base64 (2 characters outside the alphabet)']);
    const concatenated = decodeAll('base64', Buffer.from('QQ==Qg=='), 3);
    expect(concatenated.data.toString()).toBe('AB');
  });

  it('decodes quoted-printable: soft breaks, trailing whitespace, bad escapes kept', () => {
    const qp = Buffer.from('Gr=C3=BC=C3=9Fe  \r\nlong=\r\nline=3D\r\nbad =ZZ end=');
    for (const step of [1, 4, 100]) {
      const out = decodeAll('quoted-printable', qp, step);
      expect(out.data.toString('utf8')).toBe('Grüße\r\nlongline=\r\nbad =ZZ end');
      expect(out.problems).toEqual(['bad quoted-printable escapes (1)']);
    }
  });

  it('passes 7bit/8bit/binary through and reports unknown encodings', () => {
    expect(decodeAll('8bit', Buffer.from('x'), 1)).toEqual({ data: Buffer.from('x'), problems: [] });
    expect(decodeAll('x-uuencode', Buffer.from('x'), 1).problems[0]).toMatch(
      /unknown Content-Transfer-Encoding/,
    );
  });
});

describe('MimeScanner', () => {
  function scan(raw: Buffer, step: number) {
    const bodies = new Map<string, Buffer[]>();
    const scanner = new MimeScanner({
      onNode(node) {
        if (node.contentType.startsWith('multipart/')) return undefined;
        const parts: Buffer[] = [];
        bodies.set(node.path, parts);
        return { write: (b) => parts.push(Buffer.from(b)), end: () => undefined };
      },
    });
    for (let i = 0; i < raw.length; i += step) scanner.push(raw.subarray(i, i + step));
    scanner.end();
    const digest = createHash('sha256');
    const walk = (node: MimeNode) => {
      digest.update(
        `${node.path}|${node.contentType}|${node.start}|${node.bodyStart}|${node.end}|${node.removeFrom}|`,
      );
      digest.update(Buffer.concat(bodies.get(node.path) ?? []));
      node.children.forEach(walk);
    };
    walk(scanner.root);
    return { root: scanner.root, problems: scanner.problems, digest: digest.digest('hex'), bodies };
  }

  it('gives the same tree, offsets and bodies however the input is chunked', () => {
    for (const mail of generateMails(3, 22)) {
      const whole = scan(mail.raw, mail.raw.length);
      for (const step of [1, 2, 13, 4096])
        expect([mail.id, scan(mail.raw, step).digest]).toEqual([mail.id, whole.digest]);
    }
  });

  it('records offsets that cut a part out exactly', () => {
    const raw = Buffer.from(
      'Content-Type: multipart/mixed; boundary=b\r\n\r\npre\r\n--b\r\nContent-Type: text/plain\r\n\r\nA\r\n--b\r\n' +
        'Content-Type: application/pdf\r\n\r\nPDF\r\n--b--\r\nepilogue\r\n',
    );
    const { root, bodies } = scan(raw, 5);
    const [a, pdf] = root.children as [MimeNode, MimeNode];
    expect(Buffer.concat(bodies.get('1') ?? []).toString()).toBe('A');
    expect(Buffer.concat(bodies.get('2') ?? []).toString()).toBe('PDF');
    const cut = Buffer.concat([raw.subarray(0, pdf.removeFrom), raw.subarray(pdf.end)]).toString();
    expect(cut).toBe(
      'Content-Type: multipart/mixed; boundary=b\r\n\r\npre\r\n--b\r\nContent-Type: text/plain\r\n\r\nA\r\n--b--\r\nepilogue\r\n',
    );
    expect(raw.subarray(a.bodyStart, a.end).toString()).toBe('A');
  });

  it('survives a missing closing boundary, similar boundaries and a part without headers', () => {
    const raw = Buffer.from(
      'Content-Type: multipart/mixed; boundary="ab"\n\n--ab\nContent-Type: multipart/alternative; boundary="ab-1"\n\n' +
        '--ab-1\n\ninner text\n--ab\nno header block here\n',
    );
    const { root, problems, bodies } = scan(raw, 3);
    expect(root.children).toHaveLength(2);
    expect(Buffer.concat(bodies.get('1.1') ?? []).toString()).toBe('inner text');
    expect(Buffer.concat(bodies.get('2') ?? []).toString()).toBe('no header block here\n');
    expect(problems).toEqual([
      'missing closing boundary in part 1',
      'part 2 has no header block',
      'missing closing boundary in message body',
    ]);
  });

  it('skips an mbox From_ line and treats a multipart without boundary as one part', () => {
    const { root, problems } = scan(
      Buffer.from('From x@y Mon Jan 1 00:00:00 2024\nContent-Type: multipart/mixed\n\nbody\n'),
      4,
    );
    expect(root.contentType).toBe('multipart/mixed');
    expect(root.children).toHaveLength(0);
    expect(problems).toEqual(['multipart without boundary in message body']);
  });
});
