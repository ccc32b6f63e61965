import { simpleParser } from 'mailparser';
import { generateSampleMessages, SAMPLE_VARIANTS } from '../../../src/simulators/graph';
import { sha256 } from './graph-helpers';

const variantOf = (raw: Buffer): string =>
  /X-Postroom-Sample: (\S+)\r\n/.exec(raw.toString('latin1'))?.[1] ?? '';

describe('generateSampleMessages', () => {
  const messages = generateSampleMessages({ count: 33, seed: 1234 });
  const byVariant = (name: string): Buffer => messages.find((m) => variantOf(m) === name) as Buffer;

  it('is deterministic for a seed and differs between seeds', () => {
    const again = generateSampleMessages({ count: 33, seed: 1234 });
    expect(again.map(sha256)).toEqual(messages.map(sha256));
    const other = generateSampleMessages({ count: 33, seed: 1235 });
    expect(other.map(sha256)).not.toEqual(messages.map(sha256));
  });

  it('cycles through every variant with unique Message-IDs and the basic headers', () => {
    expect(new Set(messages.map(variantOf))).toEqual(new Set(SAMPLE_VARIANTS));
    expect(SAMPLE_VARIANTS).toEqual(
      expect.arrayContaining([
        'plain-utf8',
        'html-inline-image',
        'pdf-octet-stream',
        'latin1-8bit',
        'windows-1252-8bit',
        'shift-jis-8bit',
        'utf8-b-subject',
        'rfc2231-filename',
        'forwarded-rfc822',
        'calendar-invite',
        'multipart-alternative',
      ]),
    );
    const ids = messages.map((m) => /\r\nMessage-ID: (<[^>]+>)\r\n/.exec(m.toString('latin1'))?.[1]);
    expect(new Set(ids).size).toBe(messages.length);
    for (const m of messages) {
      const head = m.toString('latin1');
      expect(head).toMatch(/^From: .+\r\n/);
      expect(head).toMatch(/\r\nTo: /);
      expect(head).toMatch(/\r\nDate: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}\r\n/);
    }
    expect(messages.some((m) => m.toString('latin1').includes('\r\nCc: '))).toBe(true);
  });

  it('keeps raw 8-bit bytes in legacy charsets', () => {
    const latin1 = byVariant('latin1-8bit');
    expect(latin1.includes(Buffer.from([0xe4, 0xf6, 0xfc]))).toBe(true);
    expect(latin1.toString('latin1')).toContain('Content-Transfer-Encoding: 8bit');
    expect(latin1.toString('latin1')).toMatch(/Subject: =\?ISO-8859-1\?Q\?/);
    expect(byVariant('windows-1252-8bit').includes(Buffer.from([0x80]))).toBe(true);
    // "こんにちは" in Shift_JIS.
    expect(byVariant('shift-jis-8bit').includes(Buffer.from([0x82, 0xb1, 0x82, 0xf1]))).toBe(true);
    // Not valid UTF-8, which is the point.
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(latin1)).toThrow();
  });

  it('produces messages a MIME parser reads as intended', async () => {
    const latin1 = await simpleParser(byVariant('latin1-8bit'));
    expect(latin1.subject).toMatch(/^Grüße aus München/);
    expect(latin1.text).toContain('äöü');

    const cp1252 = await simpleParser(byVariant('windows-1252-8bit'));
    expect(cp1252.text).toContain('€');

    const sjis = await simpleParser(byVariant('shift-jis-8bit'));
    expect(sjis.text).toContain('こんにちは');
    expect(sjis.subject).toContain('請求書');

    expect((await simpleParser(byVariant('utf8-b-subject'))).subject).toMatch(
      /^Überweisung für .+ ✓ – 請求書$/,
    );

    const inline = await simpleParser(byVariant('html-inline-image'), { skipImageLinks: true });
    const cid = inline.attachments[0]?.cid;
    expect(inline.html).toContain(`cid:${cid}`);
    expect(inline.attachments[0]?.content.subarray(1, 4).toString()).toBe('PNG');

    const pdf = await simpleParser(byVariant('pdf-octet-stream'));
    expect(byVariant('pdf-octet-stream').toString('latin1')).toContain(
      'Content-Type: application/octet-stream',
    );
    expect(pdf.attachments[0]?.content.subarray(0, 8).toString()).toBe('%PDF-1.4');
    expect(pdf.attachments[0]?.content.toString()).toMatch(/%%EOF\n$/);

    const rfc2231 = await simpleParser(byVariant('rfc2231-filename'));
    expect(rfc2231.attachments[0]?.filename).toMatch(/^Résumé € \d+\.txt$/);

    const fwd = await simpleParser(byVariant('forwarded-rfc822'), { ignoreEmbedded: true });
    expect(fwd.attachments[0]?.contentType).toBe('message/rfc822');

    const invite = byVariant('calendar-invite').toString('latin1');
    expect(invite).toContain('Content-Type: text/calendar; method=REQUEST');
    expect(invite).toContain('BEGIN:VCALENDAR');

    const alt = await simpleParser(byVariant('multipart-alternative'));
    expect(alt.text).toBeTruthy();
    expect(alt.html).toContain('<b>');
  });
});
