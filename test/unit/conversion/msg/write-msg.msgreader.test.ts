import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { MessageModel, MsgRecipient } from '../../../../src/conversion/msg/message-model';
import { writeMsgFile } from '../../../../src/conversion/msg/write-msg';
import { EXPECTED_FEATURES, features, ModelFactory, SHIFT_JIS_TEXT } from './msg-fixtures';
import { expectedView, readWithMsgReader } from './msgreader-view';

/**
 * Round trip through an independent parser: every model is written with writeMsgFile and read back
 * with @kenjiuno/msgreader; what it finds must be what the model says.
 */

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'postroom-msg-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
async function roundTrip(model: MessageModel): Promise<Buffer> {
  const out = join(dir, `m${counter++}.msg`);
  const result = await writeMsgFile(model, out);
  const file = readFileSync(out);
  expect(result.size).toBe(file.length);
  expect(result.sha256).toBe(createHash('sha256').update(file).digest('hex'));
  expect(readWithMsgReader(file)).toEqual(expectedView(model));
  return file;
}

const factory = new ModelFactory(20241);

describe('writeMsgFile read back with msgreader', () => {
  it('writes the basic envelope, bodies and properties', async () => {
    await roundTrip({
      messageClass: 'IPM.Note',
      subject: 'RE: Quarterly figures',
      from: { name: 'Ana López', address: 'ana@example.test' },
      recipients: [
        { kind: 'to', name: 'Bob', address: 'bob@example.test' },
        { kind: 'cc', address: 'carol@example.test' },
        { kind: 'bcc', name: 'Dan', address: 'dan@example.test' },
      ],
      sent: new Date('2024-05-01T10:00:00Z'),
      received: new Date('2024-05-01T10:00:07Z'),
      textBody: 'Hello,\r\nthe figures.\r\n',
      htmlBody: '<html><body><p>Hello,</p><p>the figures.</p></body></html>',
      internetHeaders: 'Received: from mx.example.test\r\nSubject: RE: Quarterly figures\r\n',
      messageId: '<figures-1@example.test>',
      importance: 'high',
      categories: ['Finance', 'Q3'],
      attachments: [],
    });
  });

  it('keeps unicode: Shift_JIS-origin Japanese, emoji, RTL and combining text', async () => {
    const text = `${SHIFT_JIS_TEXT} 😀👩‍👩‍👧 שלום مرحبا e\u0301 \\ ~`;
    await roundTrip({
      messageClass: 'IPM.Note',
      subject: `Fwd: ${text}`,
      from: { name: SHIFT_JIS_TEXT, address: 'jp@example.test' },
      recipients: [{ kind: 'to', name: `${text} 様`, address: 'to@example.test' }],
      textBody: text.repeat(3),
      htmlBody: `<p>${text}</p>`,
      categories: [SHIFT_JIS_TEXT, '😀', 'Ωμέγα'],
      importance: 'low',
      attachments: [
        {
          kind: 'file',
          fileName: `${SHIFT_JIS_TEXT}.txt`,
          contentType: 'text/plain',
          inline: false,
          data: Buffer.from(text, 'utf8'),
        },
      ],
    });
  });

  it('writes long bodies (1 MB of text, 2 MB of HTML)', async () => {
    await roundTrip({
      messageClass: 'IPM.Note',
      subject: 'long',
      recipients: [],
      textBody: factory.words(120_000).slice(0, 1_000_000),
      htmlBody: `<div>${'<p>row ü 😀</p>'.repeat(120_000)}</div>`,
      attachments: [],
    });
  });

  it('writes many recipients of each kind, with and without display names', async () => {
    const recipients: MsgRecipient[] = [];
    for (const kind of ['to', 'cc', 'bcc'] as const) {
      for (let i = 0; i < 60; i++) recipients.push(factory.recipient(kind, recipients.length));
    }
    const file = await roundTrip({ messageClass: 'IPM.Note', subject: 'many', recipients, attachments: [] });
    expect(readWithMsgReader(file).recipients).toHaveLength(180);
  });

  it('writes attachments of every size: 0 bytes, around the 4096-byte mini-stream cut-off, 5 MB', async () => {
    const sizes = [0, 1, 63, 64, 4095, 4096, 4097, 65_536, 5 * 1024 * 1024];
    const file = await roundTrip({
      messageClass: 'IPM.Note',
      subject: 'sizes',
      recipients: [],
      textBody: 'see attached',
      attachments: sizes.map((size, i) => factory.file(i, size)),
    });
    expect(file.length).toBeGreaterThan(5 * 1024 * 1024);
  });

  it('writes inline images with content ids and hides only those the HTML shows', async () => {
    const shown = factory.file(1, 2000, true);
    const notShown = factory.file(2, 100, true);
    const view = readWithMsgReader(
      await roundTrip({
        messageClass: 'IPM.Note',
        subject: 'inline',
        recipients: [],
        htmlBody: `<p>logo: <img src="cid:${shown.contentId}"></p>`,
        attachments: [shown, { ...notShown, contentId: `<${notShown.contentId}>` }, factory.file(3, 10)],
      }),
    );
    expect(view.attachments.map((a) => (a.kind === 'file' ? [a.contentId, a.hidden] : []))).toEqual([
      [shown.contentId, true],
      [notShown.contentId, false],
      [undefined, false],
    ]);
  });

  it('writes embedded messages two levels deep, each with recipients, attachments and categories', async () => {
    const level2: MessageModel = {
      messageClass: 'IPM.Note',
      subject: 'level 2 😀',
      from: { address: 'l2@example.test' },
      recipients: [{ kind: 'to', name: 'L2 To', address: 'l2to@example.test' }],
      sent: new Date('2020-01-02T03:04:05Z'),
      textBody: 'deepest',
      categories: ['Deep'],
      importance: 'low',
      attachments: [factory.file(1, 5000), factory.file(2, 0)],
    };
    const level1: MessageModel = {
      messageClass: 'IPM.Note',
      subject: 'AW: level 1',
      from: { name: 'L1', address: 'l1@example.test' },
      recipients: [
        { kind: 'to', address: 'a@example.test' },
        { kind: 'cc', name: 'C', address: 'c@example.test' },
      ],
      htmlBody: '<b>middle</b>',
      categories: ['Middle', 'Two'],
      attachments: [factory.file(3, 300), { kind: 'message', fileName: 'level 2.msg', message: level2 }],
    };
    await roundTrip({
      messageClass: 'IPM.Note',
      subject: 'top',
      from: { name: 'Top', address: 'top@example.test' },
      recipients: [{ kind: 'to', address: 'x@example.test' }],
      textBody: 'top body',
      categories: ['Top'],
      attachments: [
        { kind: 'message', fileName: 'level 1.msg', message: level1 },
        factory.file(4, 70_000),
        { kind: 'message', fileName: 'level 1 again.msg', message: level1 },
      ],
    });
  });

  it('writes a message with only the required fields', async () => {
    await roundTrip({ messageClass: 'IPM.Note', recipients: [], attachments: [] });
  });

  it('writes a separate Sender as sender and From as "sent representing"', async () => {
    const view = readWithMsgReader(
      await roundTrip({
        messageClass: 'IPM.Note',
        subject: 'on behalf',
        from: { name: 'Boss', address: 'boss@example.test' },
        sender: { name: 'Assistant', address: 'assistant@example.test' },
        recipients: [],
        attachments: [],
      }),
    );
    expect([view.senderName, view.senderSmtp, view.fromName, view.fromSmtp]).toEqual([
      'Assistant',
      'assistant@example.test',
      'Boss',
      'boss@example.test',
    ]);
  });

  it('keeps other message classes', async () => {
    for (const messageClass of ['IPM.Note.SMIME.MultipartSigned', 'IPM.Schedule.Meeting.Request']) {
      await roundTrip({ messageClass, subject: messageClass, recipients: [], attachments: [] });
    }
  });

  const seeded = Array.from({ length: 12 }, (_, i) => new ModelFactory(1000 + i).message(2));

  it('seeds a varied set of random messages', () => {
    const seen = new Set<string>();
    for (const model of seeded) features(model, 0, seen);
    expect([...seen].sort()).toEqual(EXPECTED_FEATURES);
  });

  it.each(seeded.map((model, i) => [i, model] as const))(
    'round-trips seeded random message %i',
    async (_, model) => {
      await roundTrip(model);
    },
  );
});
