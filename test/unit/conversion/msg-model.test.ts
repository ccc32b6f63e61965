import { categoriesOf, importanceOf, messageClassOf } from '../../../src/conversion/build-msg-model';
import { messageModelOf } from '../../../src/conversion/level-model';
import { parseHeaderBlock } from '../../../src/conversion/mime/header-fields';
import type { MessageModel, MsgAttachment } from '../../../src/conversion/msg/message-model';
import { generateMails, type ExpectedFile } from '../../helpers/mail-generator';
import { optionsFor, sandbox, sha256 } from '../../helpers/conversion';

/** The .msg model is built and checked here without the writer (msg/write-msg.ts). */

const mails = generateMails(31);
const byTemplate = (template: string) => mails.find((m) => m.template === template) as (typeof mails)[number];

async function modelOf(
  raw: Buffer,
  attachments: 'embedded' | 'separate' = 'embedded',
  depth = 3,
  inline: 'keep' | 'skip-images' = 'keep',
): Promise<MessageModel> {
  const box = sandbox(raw);
  try {
    return await messageModelOf(box.input.path, box.workDir, optionsFor('msg', attachments, inline, depth));
  } finally {
    box.cleanup();
  }
}

/** Attachments of a model as comparable rows; embedded messages recursively. */
function rows(attachments: MsgAttachment[]): unknown[] {
  return attachments.map((a) =>
    a.kind === 'file'
      ? [a.fileName, a.contentType, sha256(a.data)]
      : [a.fileName, rows(a.message.attachments)],
  );
}

function expectedRows(files: ExpectedFile[]): unknown[] {
  return files.map((f) =>
    f.role === 'nested-message' && f.nested
      ? [f.outName.replace(/\.eml$/, '.msg'), expectedRows(f.nested)]
      : [f.outName, f.contentType, sha256(f.data)],
  );
}

describe('.msg model', () => {
  it.each(mails.filter((m) => !m.hostile && !m.smime).map((m) => [m.id, m] as const))(
    '%s: every attachment, with its bytes, embedded messages as messages',
    async (_id, mail) => {
      const model = await modelOf(mail.raw);
      expect(model.subject).toBe(mail.subject);
      expect(model.from?.name).toBe(mail.fromName);
      // In the order the message has them.
      expect(rows(model.attachments)).toEqual(expectedRows(mail.files));
      expect(model.messageClass).toBe(mail.calendar ? 'IPM.Schedule.Meeting.Request' : 'IPM.Note');
    },
  );

  it.each(mails.filter((m) => !m.hostile).map((m) => [m.id, m] as const))(
    '%s: skip-images changes nothing in an embedded .msg',
    async (_id, mail) => {
      expect(await modelOf(mail.raw, 'embedded', 3, 'skip-images')).toEqual(await modelOf(mail.raw));
    },
  );

  it('keeps a skipped inline image in its place among the attachments', async () => {
    const png = byTemplate('inline-images').files[0]?.data as Buffer;
    const raw = Buffer.from(
      [
        'From: a@example.com',
        'Subject: order',
        'Content-Type: multipart/related; boundary="R"',
        '',
        '--R',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<p>logo: <img src="cid:logo@x"></p>',
        '--R',
        'Content-Type: application/pdf',
        'Content-Disposition: attachment; filename="first.pdf"',
        '',
        '%PDF-1.4 first',
        '--R',
        'Content-Type: image/png',
        'Content-ID: <logo@x>',
        'Content-Disposition: inline; filename="logo.png"',
        'Content-Transfer-Encoding: base64',
        '',
        png.toString('base64'),
        '--R--',
        '',
      ].join('\r\n'),
    );
    for (const inline of ['keep', 'skip-images'] as const) {
      const model = await modelOf(raw, 'embedded', 3, inline);
      expect(model.attachments.map((a) => a.fileName)).toEqual(['first.pdf', 'logo.png']);
    }
  });

  it('keeps only what the body shows when attachments are separate files', async () => {
    const model = await modelOf(byTemplate('inline-images').raw, 'separate');
    expect(model.attachments.map((a) => a.kind === 'file' && [a.fileName, a.inline, a.contentId])).toEqual([
      ['logo.png', true, expect.stringMatching(/^small-/)],
      ['photo.jpg', true, 'large@x'],
    ]);
    expect(model.htmlBody).toContain('<img src="CID:large@x">');
    expect(model.textBody).toBe('Hallo');
  });

  it('stops embedding messages below maxNestingDepth: deeper ones stay .eml files', async () => {
    const model = await modelOf(byTemplate('nested').raw, 'embedded', 1);
    const level1 = model.attachments.find((a) => a.kind === 'message');
    expect(
      level1?.kind === 'message' &&
        level1.message.attachments.map((a) => [a.kind, a.fileName.split('.').pop()]),
    ).toEqual([
      ['file', expect.any(String)],
      ['file', 'eml'],
    ]);
  });

  it('signed mail is IPM.Note.SMIME.MultipartSigned with its signed entity as smime.p7m', async () => {
    const model = await modelOf(byTemplate('signed').raw);
    expect(model.messageClass).toBe('IPM.Note.SMIME.MultipartSigned');
    expect(model.attachments.map((a) => a.fileName)).toEqual(['smime.p7m']);
  });

  it('takes recipients, sender, dates, headers, importance and categories from the headers', async () => {
    const raw = Buffer.from(
      [
        'Received: from a by b; Mon, 30 Nov 2026 10:00:05 +0000',
        'From: Boss <boss@example.com>',
        'Sender: Assistant <assistant@example.com>',
        'To: a@example.com, "B" <b@example.com>',
        'Cc: c@example.com',
        'Bcc: d@example.com',
        'Subject: Priorities',
        'Date: Mon, 30 Nov 2026 09:59:00 +0000',
        'Message-ID: <prio@example.com>',
        'X-Priority: 1 (Highest)',
        'Keywords: Finanzen, =?utf-8?q?B=C3=BCro?=',
        'Keywords: Finanzen',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Urgent.',
        '',
      ].join('\r\n'),
    );
    const model = await modelOf(raw);
    expect(model).toMatchObject({
      messageClass: 'IPM.Note',
      subject: 'Priorities',
      from: { name: 'Boss', address: 'boss@example.com' },
      sender: { name: 'Assistant', address: 'assistant@example.com' },
      messageId: '<prio@example.com>',
      importance: 'high',
      categories: ['Finanzen', 'Büro'],
      textBody: 'Urgent.\r\n',
    });
    expect(model.recipients).toEqual([
      { address: 'a@example.com', kind: 'to' },
      { name: 'B', address: 'b@example.com', kind: 'to' },
      { address: 'c@example.com', kind: 'cc' },
      { address: 'd@example.com', kind: 'bcc' },
    ]);
    expect(model.sent?.toISOString()).toBe('2026-11-30T09:59:00.000Z');
    expect(model.received?.toISOString()).toBe('2026-11-30T10:00:05.000Z');
    expect(model.internetHeaders?.startsWith('Received: from a by b;')).toBe(true);
    expect(model.internetHeaders).toContain('Keywords: Finanzen\r\n');
  });
});

describe('.msg model helpers', () => {
  const headers = (text: string) => parseHeaderBlock(Buffer.from(text)).fields;

  it('reads importance from Importance, X-Priority, X-MSMail-Priority and Priority', () => {
    expect(importanceOf(headers('Importance: Low\n'))).toBe('low');
    expect(importanceOf(headers('X-Priority: 2\n'))).toBe('high');
    expect(importanceOf(headers('X-Priority: 5 (Lowest)\n'))).toBe('low');
    expect(importanceOf(headers('X-Priority: 3\n'))).toBe('normal');
    expect(importanceOf(headers('X-MSMail-Priority: High\n'))).toBe('high');
    expect(importanceOf(headers('Priority: non-urgent\n'))).toBe('low');
    expect(importanceOf(headers('Subject: x\n'))).toBeUndefined();
  });

  it('reads categories from Keywords', () => {
    expect(categoriesOf(headers('Keywords: a, b ,, c\nKeywords: b\n'))).toEqual(['a', 'b', 'c']);
  });

  it('names the message class', () => {
    expect(messageClassOf({})).toBe('IPM.Note');
    expect(messageClassOf({ smime: 'encrypted' })).toBe('IPM.Note.SMIME');
    expect(messageClassOf({ smime: 'signed', calendarMethod: 'REQUEST' })).toBe(
      'IPM.Note.SMIME.MultipartSigned',
    );
    expect(messageClassOf({ calendarMethod: 'REQUEST' })).toBe('IPM.Schedule.Meeting.Request');
    expect(messageClassOf({ calendarMethod: 'CANCEL' })).toBe('IPM.Schedule.Meeting.Canceled');
    expect(messageClassOf({ calendarMethod: 'REPLY' })).toBe('IPM.Note');
  });
});
