import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ParsedMail } from 'mailparser';
import type { MessageModel } from '../../../../src/conversion/msg/message-model';
import { writeMsgFile } from '../../../../src/conversion/msg/write-msg';
import { ASCII_WORDS, EXPECTED_FEATURES, features, ModelFactory, SHIFT_JIS_TEXT } from './msg-fixtures';
import {
  addressView,
  describeIfMsgconvert,
  msgconvertBatch,
  parseConverted,
  parsedAddresses,
  undoDoubleEncoding,
} from './msgconvert';
import { digest } from './msgreader-view';

/**
 * Debian's msgconvert as a second, independent reader of the writer's files (msgconvert.ts: how it
 * is run, what it drops, its Unicode bugs): it turns the .msg back into MIME, which mailparser
 * parses and the test compares with the model. The fixtures respect its bugs: top-level headers
 * above U+00FF make it encode 8-bit bodies twice (undone before comparing), and non-ASCII header
 * text of an embedded message, or Latin-1-only header text of the top-level message, stays ASCII
 * here (msgreader checks those in full).
 */

let dir: string;
let counter = 0;

interface Converted {
  mail: ParsedMail;
  /** msgconvert printed wide characters: 8-bit body parts are encoded twice. */
  doubleEncoded: boolean;
}

async function convert(model: MessageModel): Promise<Converted> {
  const path = join(dir, `c${counter++}.msg`);
  await writeMsgFile(model, path);
  const [output] = msgconvertBatch([readFileSync(path)]);
  if (!output) throw new Error('no output');
  return { mail: await parseConverted(output.eml), doubleEncoded: output.doubleEncoded };
}

async function expectMatches(converted: Converted, model: MessageModel): Promise<void> {
  const { mail, doubleEncoded } = converted;
  expect(mail.subject ?? '').toBe(model.subject ?? '');
  const sender = model.sender ?? model.from;
  expect(parsedAddresses(mail.from)).toEqual(sender ? [addressView(sender)] : []);
  const of = (kind: string) => model.recipients.filter((r) => r.kind === kind && r.address).map(addressView);
  expect(parsedAddresses(mail.to)).toEqual(of('to'));
  expect(parsedAddresses(mail.cc)).toEqual(of('cc'));
  expect(mail.bcc).toBeUndefined(); // dropped by msgconvert
  const date = model.sent ?? model.received;
  if (date) expect(mail.date?.toISOString()).toBe(date.toISOString());
  if (model.messageId) expect(mail.messageId).toBe(model.messageId);
  if (model.textBody) {
    expect(undoDoubleEncoding(mail.text, doubleEncoded)).toBe(model.textBody.replace(/\r\n/g, '\n'));
  }
  if (model.htmlBody) {
    expect(undoDoubleEncoding(mail.html || undefined, doubleEncoded)).toBe(model.htmlBody);
  }
  const testHeader = /^X-Test: (.*)$/m.exec(model.internetHeaders ?? '')?.[1];
  if (testHeader) expect(mail.headers.get('x-test')).toBe(testHeader.trim());
  expect(mail.headers.has('importance')).toBe(false); // dropped by msgconvert
  expect(mail.headers.has('keywords')).toBe(false); // dropped by msgconvert

  expect(mail.attachments.map((a) => a.filename)).toEqual(model.attachments.map((a) => a.fileName));
  for (const [i, attachment] of model.attachments.entries()) {
    const got = mail.attachments[i];
    if (!got) throw new Error(`attachment ${i} missing`);
    if (attachment.kind === 'file') {
      // The declared type, not mailparser's guess from the file name (it replaces octet-stream).
      const declared = (got.headers.get('content-type') as { value?: string } | undefined)?.value;
      expect([declared, digest(got.content)]).toEqual([attachment.contentType, digest(attachment.data)]);
      if (attachment.contentId) expect(got.cid).toBe(attachment.contentId.replace(/^<(.*)>$/, '$1'));
    } else {
      expect(got.contentType).toBe('message/rfc822');
      const inner = await parseConverted(got.content);
      await expectMatches({ mail: inner, doubleEncoded }, attachment.message);
    }
  }
}

describeIfMsgconvert('writeMsgFile read back with msgconvert', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'postroom-msgconvert-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const factory = new ModelFactory(4242, { headerWords: ASCII_WORDS });

  it('converts envelope, bodies, headers and attachments, 5 MB and 0 bytes included', async () => {
    const inline = { ...factory.file(1, 1500, true), contentId: 'logo.1@example.test' };
    const model: MessageModel = {
      messageClass: 'IPM.Note',
      subject: 'RE: Quarterly figures',
      from: { name: 'Ana Lopez', address: 'ana@example.test' },
      recipients: [
        { kind: 'to', name: 'Bob Smith', address: 'bob@example.test' },
        { kind: 'to', address: 'to2@example.test' },
        { kind: 'cc', name: 'Carol', address: 'carol@example.test' },
        { kind: 'bcc', name: 'Dan', address: 'dan@example.test' },
      ],
      sent: new Date('2024-05-01T10:00:00Z'),
      received: new Date('2024-05-01T10:00:09Z'),
      textBody: `Hello,\r\nfigures attached. ü 😀 ${SHIFT_JIS_TEXT}\r\n`,
      htmlBody: `<html><body><p>Hello ü 😀 ${SHIFT_JIS_TEXT}</p><img src="cid:logo.1@example.test"></body></html>`,
      internetHeaders: 'X-Test: 17\r\nSubject: RE: Quarterly figures\r\n',
      messageId: '<figures-1@example.test>',
      importance: 'high',
      categories: ['Finance'],
      attachments: [
        inline,
        { ...factory.file(2, 5 * 1024 * 1024), fileName: 'big.bin' },
        { ...factory.file(3, 0), fileName: 'empty.txt' },
        { ...factory.file(4, 4096), fileName: `${SHIFT_JIS_TEXT} 😀.pdf` },
      ],
    };
    const converted = await convert(model);
    expect(converted.doubleEncoded).toBe(false);
    await expectMatches(converted, model);
  });

  it('converts Japanese and emoji in the top-level headers (bodies undone from double encoding)', async () => {
    const model: MessageModel = {
      messageClass: 'IPM.Note',
      subject: `Fwd: ${SHIFT_JIS_TEXT} 😀`,
      from: { name: `${SHIFT_JIS_TEXT}`, address: 'jp@example.test' },
      recipients: [{ kind: 'to', name: '山田 太郎', address: 'yamada@example.test' }],
      sent: new Date('2023-12-24T23:59:59Z'),
      textBody: `本文 ${SHIFT_JIS_TEXT} 😀 ü`,
      htmlBody: `<p>本文 ${SHIFT_JIS_TEXT} 😀 ü</p>`,
      attachments: [
        { ...factory.file(1, 3000), fileName: `${SHIFT_JIS_TEXT}.txt` },
        {
          kind: 'message',
          fileName: 'forwarded.msg',
          message: {
            messageClass: 'IPM.Note',
            subject: 'inner',
            from: { name: 'Inner', address: 'inner@example.test' },
            recipients: [{ kind: 'to', address: 'x@example.test' }],
            sent: new Date('2023-12-01T08:00:00Z'),
            textBody: `inner ${SHIFT_JIS_TEXT} 😀`,
            attachments: [{ ...factory.file(2, 700), fileName: 'inner.bin' }],
          },
        },
      ],
    };
    const converted = await convert(model);
    expect(converted.doubleEncoded).toBe(true);
    await expectMatches(converted, model);
  });

  it('converts embedded messages two levels deep with their attachments', async () => {
    const level2: MessageModel = {
      messageClass: 'IPM.Note',
      subject: 'level 2',
      from: { address: 'l2@example.test' },
      recipients: [{ kind: 'to', name: 'L2', address: 'l2to@example.test' }],
      sent: new Date('2020-01-02T03:04:05Z'),
      textBody: 'deepest ü',
      attachments: [{ ...factory.file(1, 5000), fileName: 'deep.pdf' }],
    };
    const level1: MessageModel = {
      messageClass: 'IPM.Note',
      subject: 'AW: level 1',
      from: { name: 'L1', address: 'l1@example.test' },
      recipients: [{ kind: 'cc', name: 'C', address: 'c@example.test' }],
      sent: new Date('2021-01-02T03:04:05Z'),
      htmlBody: '<b>middle</b>',
      attachments: [
        { ...factory.file(2, 300), fileName: 'middle.txt' },
        { kind: 'message', fileName: 'level 2.msg', message: level2 },
      ],
    };
    const model: MessageModel = {
      messageClass: 'IPM.Note',
      subject: 'top',
      from: { name: 'Top', address: 'top@example.test' },
      recipients: [{ kind: 'to', address: 'x@example.test' }],
      sent: new Date('2022-01-02T03:04:05Z'),
      textBody: 'top body',
      attachments: [
        { kind: 'message', fileName: 'level 1.msg', message: level1 },
        { ...factory.file(3, 10), fileName: 'top.txt' },
      ],
    };
    await expectMatches(await convert(model), model);
  });

  it('converts a message with only the required fields', async () => {
    const converted = await convert({ messageClass: 'IPM.Note', recipients: [], attachments: [] });
    expect(converted.mail.attachments).toEqual([]);
  });

  const seeded = Array.from({ length: 8 }, (_, i) =>
    new ModelFactory(3000 + i, { headerWords: ASCII_WORDS }).message(2),
  );

  it('seeds a varied set of random messages', () => {
    const seen = new Set<string>();
    for (const model of seeded) features(model, 0, seen);
    expect([...seen].sort()).toEqual(EXPECTED_FEATURES);
  });

  it.each(seeded.map((model, i) => [i, model] as const))(
    'converts seeded random message %i',
    async (_, model) => {
      await expectMatches(await convert(model), model);
    },
  );
});
