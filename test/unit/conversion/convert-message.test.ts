import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { convertMessage } from '../../../src/conversion/convert-message';
import { isRetryable, PostroomError } from '../../../src/errors/postroom-error';
import { generateMails } from '../../helpers/mail-generator';
import { allFiles, msgWriterAvailable, optionsFor, sandbox, sha256 } from '../../helpers/conversion';

const mails = generateMails(77);
const byTemplate = (template: string) => mails.find((m) => m.template === template) as (typeof mails)[number];

async function convert(raw: Buffer, options = optionsFor('eml', 'separate', 'keep')) {
  const box = sandbox(raw);
  try {
    const result = await convertMessage(box.input, box.workDir, options);
    const spoolUnchanged = sha256(readFileSync(box.input.path)) === box.input.sha256;
    const contents = new Map(allFiles(result).map((f) => [f.path, readFileSync(f.path)]));
    return { result, spoolUnchanged, contents, box };
  } finally {
    box.cleanup();
  }
}

describe('convertMessage: nested mail', () => {
  const nested = byTemplate('nested');
  const whole = new Set(
    [nested.files[1], nested.files[1]?.nested?.[1]].map((f) => sha256(f?.data ?? Buffer.alloc(0))),
  );

  it.each([
    [0, ['att-1 attachment', 'att-2 nested-message whole']],
    [
      1,
      ['att-1 attachment', 'att-2 nested-message cut', 'att-2.1 attachment', 'att-2.2 nested-message whole'],
    ],
    [
      2,
      [
        'att-1 attachment',
        'att-2 nested-message cut',
        'att-2.1 attachment',
        'att-2.2 nested-message cut',
        'att-2.2.1 attachment',
      ],
    ],
  ])('unpacks nested messages down to maxNestingDepth %i, recording `within`', async (depth, expected) => {
    const { result } = await convert(nested.raw, optionsFor('eml', 'documents', 'keep', depth));
    const label = (part: string, f: (typeof result.documents)[number]['files'][number]) =>
      `${part} ${f.role}${f.role === 'nested-message' ? (whole.has(f.sha256) ? ' whole' : ' cut') : ''}`;
    expect(result.documents.slice(1).map((d) => label(d.part, d.files[0] as never))).toEqual(expected);
    const within = Object.fromEntries(result.documents.slice(1).map((d) => [d.part, d.files[0]?.within]));
    expect(within['att-2']).toBeUndefined();
    if (depth >= 1) expect(within['att-2.1']).toEqual(['Projektunterlagen.eml']);
    const level2 = nested.files[1]?.nested?.[1]?.outName;
    if (depth >= 2) expect(within['att-2.2.1']).toEqual(['Projektunterlagen.eml', level2]);
  });
});

describe('convertMessage: nested mail as .msg', () => {
  const inner = (subject: string) =>
    `From: a@example.com\r\nSubject: ${subject}\r\nContent-Type: text/plain\r\n\r\nhello\r\n`;
  const part = (type: string, disposition: string, body: string) =>
    `--B\r\nContent-Type: ${type}\r\nContent-Disposition: ${disposition}\r\n\r\n${body}\r\n`;
  const raw = Buffer.from(
    'From: x@example.com\r\nSubject: Top\r\nContent-Type: multipart/mixed; boundary="B"\r\n\r\n' +
      '--B\r\nContent-Type: text/plain\r\n\r\nbody\r\n' +
      part('message/rfc822', 'attachment; filename="Fwd.EML"', inner('one')) +
      part('message/rfc822', 'attachment; filename="notes.txt"', inner('two')) +
      part('message/rfc822', 'attachment; filename="x.msg"', inner('three')) +
      part('message/rfc822', 'attachment; filename="Top.msg"', inner('four')) +
      part('message/global', 'attachment', inner('Fünf')) +
      '--B--\r\n',
  );

  it('names unpacked nested messages .msg (no double .msg, unique beside the message file)', async () => {
    const { result } = await convert(raw, optionsFor('msg', 'separate', 'keep'));
    const rows = allFiles(result).map((f) => [f.name, f.role, f.contentType, f.declaredContentType]);
    expect(rows).toEqual([
      ['Top.msg', 'message', 'application/vnd.ms-outlook', undefined],
      ['Fwd.msg', 'nested-message', 'application/vnd.ms-outlook', 'message/rfc822'],
      ['notes.txt.msg', 'nested-message', 'application/vnd.ms-outlook', 'message/rfc822'],
      ['x.msg', 'nested-message', 'application/vnd.ms-outlook', 'message/rfc822'],
      ['Top (2).msg', 'nested-message', 'application/vnd.ms-outlook', 'message/rfc822'],
      ['Fünf.msg', 'nested-message', 'application/vnd.ms-outlook', 'message/global'],
    ]);
    expect(result.facts.attachmentNames).toEqual(rows.slice(1).map((r) => r[0]));
  });

  it('keeps nested mail below maxNestingDepth as the RFC 822 file it arrived as', async () => {
    const { result } = await convert(raw, optionsFor('msg', 'separate', 'keep', 0));
    // Names as for any part whose type is taken from its declaration: the sender's "x.msg" stays
    // although the file is RFC 822 (the type says so).
    expect(allFiles(result).map((f) => [f.name, f.contentType, f.declaredContentType])).toEqual([
      ['Top.msg', 'application/vnd.ms-outlook', undefined],
      ['Fwd.EML', 'message/rfc822', undefined],
      ['notes.txt', 'message/rfc822', undefined],
      ['x.msg', 'message/rfc822', undefined],
      ['Top (2).msg', 'message/rfc822', undefined],
      ['Fünf.eml', 'message/rfc822', 'message/global'],
    ]);
  });

  it('records message/global as declared for an unpacked nested .eml too', async () => {
    const { result } = await convert(raw, optionsFor('eml', 'separate', 'keep'));
    expect(allFiles(result).map((f) => f.declaredContentType)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      'message/global',
    ]);
  });
});

describe('convertMessage: message files', () => {
  it('cuts a message whose body is itself the attachment down to its headers and an empty text part', async () => {
    const mail = byTemplate('single-part');
    const { result, contents, spoolUnchanged } = await convert(mail.raw);
    expect(spoolUnchanged).toBe(true);
    const message = result.documents[0]?.files[0];
    const cut = await simpleParser(contents.get(message?.path as string) as Buffer);
    expect(cut.subject).toBe('Scan');
    expect(cut.attachments).toEqual([]);
    expect((cut.text ?? '').trim()).toBe('');
    expect(cut.headers.get('content-type')).toMatchObject({ value: 'text/plain' });
  });

  it('keeps the message as received when nothing is separated', async () => {
    const mail = byTemplate('charset-subject');
    const box = sandbox(mail.raw);
    try {
      const result = await convertMessage(
        box.input,
        box.workDir,
        optionsFor('eml', 'documents', 'skip-images'),
      );
      expect(result.documents).toHaveLength(1);
      expect(result.documents[0]?.files[0]?.path).toBe(box.input.path);
    } finally {
      box.cleanup();
    }
  });

  it('never skips a PDF a client marked inline, even when the body references it', async () => {
    const mail = byTemplate('inline-images');
    const { result } = await convert(mail.raw, optionsFor('eml', 'separate', 'skip-images'));
    expect(result.skipped.map((s) => [s.name, s.contentType])).toEqual([['logo.png', 'image/png']]);
    expect(result.skipped[0]?.reason).toMatch(/inline image referenced by the HTML body/);
    expect(allFiles(result).map((f) => f.name)).toEqual(
      expect.arrayContaining(['Vertrag.pdf', 'photo.jpg', 'not-in-body.gif']),
    );
  });
});

describe('convertMessage: facts', () => {
  const raw = Buffer.from(
    [
      'Received: from mx.example.com by mx2.example.com; Mon, 30 Nov 2026 10:00:05 +0000',
      'From: =?ISO-8859-1?Q?Ren=E9e_Dubois?= <renee@example.com>',
      'To: "M\xfcller, J\xfcrgen" <jm@example.de>, b@example.com',
      'Cc: c@example.com',
      'Bcc: d@example.com',
      'Subject: =?Shift_JIS?B?kL+LgY+R?= and',
      ' folded',
      'Date: Mon, 30 Nov 2026 11:00:00 +0100',
      'Message-ID: <facts@example.com>',
      'Content-Type: text/html; charset=utf-8',
      '',
      `<html><head><style>p{}</style></head><body><p>Hello &amp; welcome</p>${'x'.repeat(70_000)}</body></html>`,
      '',
    ].join('\r\n'),
    'latin1',
  );

  it('reads subject, addresses, date, id, headers and a capped body text', async () => {
    const { result } = await convert(raw, optionsFor('eml', 'embedded', 'keep'));
    const f = result.facts;
    expect(f.subject).toBe('請求書 and folded');
    expect(f.from).toEqual({ name: 'Renée Dubois', address: 'renee@example.com' });
    expect(f.to).toEqual([
      { name: 'Müller, Jürgen', address: 'jm@example.de' },
      { address: 'b@example.com' },
    ]);
    expect(f.cc).toEqual([{ address: 'c@example.com' }]);
    expect(f.bcc).toEqual([{ address: 'd@example.com' }]);
    expect(f.date).toBe('2026-11-30T10:00:00.000Z');
    expect(f.messageId).toBe('<facts@example.com>');
    expect(f.headers.map(([name]) => name)).toEqual([
      'Received',
      'From',
      'To',
      'Cc',
      'Bcc',
      'Subject',
      'Date',
      'Message-ID',
      'Content-Type',
    ]);
    expect(f.headers[5]).toEqual(['Subject', '請求書 and folded']);
    expect(f.bodyText?.startsWith('Hello & welcome')).toBe(true);
    expect(f.bodyText?.length).toBe(64 * 1024);
    expect(f.hasAttachments).toBe(false);
    expect(result.flags.malformed).toEqual([]);
  });

  it('reports missing and duplicate headers without failing', async () => {
    const { result } = await convert(
      Buffer.from('Message-ID: <a@x>\nMessage-ID: <b@x>\n\nbody\n'),
      optionsFor('eml', 'separate', 'keep'),
    );
    expect(result.flags.malformed).toEqual(['no Date header', '2 Message-ID headers (the first is used)']);
    expect(result.facts.messageId).toBe('<a@x>');
    const empty = await convert(Buffer.alloc(0), optionsFor('eml', 'separate', 'keep'));
    expect(empty.result.documents[0]?.files[0]?.role).toBe('message');
    expect(empty.result.flags.malformed).toEqual(['no Date header', 'no Message-ID header']);
  });
});

describe('convertMessage: errors', () => {
  it('throws I/O errors as they are (a retry may help)', async () => {
    const box = sandbox(Buffer.from('x'));
    try {
      const missing = { ...box.input, path: join(box.root, 'gone.eml') };
      await expect(
        convertMessage(missing, box.workDir, optionsFor('eml', 'embedded', 'keep')),
      ).rejects.toMatchObject({
        code: 'ENOENT',
      });
    } finally {
      box.cleanup();
    }
  });

  it('CONVERSION_FAILED is permanent', () => {
    expect(isRetryable(new PostroomError('CONVERSION_FAILED', 'x'))).toBe(false);
  });

  it('fails a .msg conversion permanently while the writer cannot write', async () => {
    if (await msgWriterAvailable()) return;
    const box = sandbox(byTemplate('attachments').raw);
    try {
      await expect(
        convertMessage(box.input, box.workDir, optionsFor('msg', 'embedded', 'keep')),
      ).rejects.toMatchObject({
        code: 'CONVERSION_FAILED',
      });
    } finally {
      box.cleanup();
    }
  });
});
