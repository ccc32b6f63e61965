import type { AttachmentMode, ConversionResult } from '../../../src/conversion/conversion-types';
import { SeededRandom } from '../../../src/simulators/seeded-random';
import { allFiles } from '../../helpers/conversion';
import { generateMails, type GeneratedMail } from '../../helpers/mail-generator';
import { comboName, convertToMsg, MSG_COMBOS, type MsgCombo } from './generated-msg';
import { readWithMsgReader, type MessageView } from './msg/msgreader-view';

/**
 * Malformed and hostile mail with format msg: conversion gives a .msg, or fails with a permanent
 * PostroomError that says why. Which one is asserted per message and attachments mode. The writer
 * refuses what the format cannot hold (MSG_WRITE_FAILED, passed on by convertMessage as it is):
 * more than 2048 recipients or attachments in one message, embedded or nested ones included.
 * None of these messages makes conversion fail otherwise (CONVERSION_FAILED): bad MIME is read as
 * well as it goes and reported in flags.malformed.
 */

type Expected = 'msg' | 'MSG_WRITE_FAILED' | 'CONVERSION_FAILED';

interface HostileCase {
  id: string;
  raw: Buffer;
  outcome: Record<AttachmentMode, Expected>;
  /** More checks on a conversion that gave a .msg: its result and the message .msg read back. */
  check?: (result: ConversionResult, view: MessageView, combo: MsgCombo) => void;
}

const always = (outcome: Expected): Record<AttachmentMode, Expected> => ({
  embedded: outcome,
  separate: outcome,
  documents: outcome,
});

const random = new SeededRandom(4711);

function head(subject: string, extra: string[] = []): string {
  return [
    'From: Sender <sender@example.com>',
    'To: to@example.org',
    `Subject: ${subject}`,
    'Date: Mon, 2 Nov 2026 10:00:00 +0000',
    `Message-ID: <${random.hex(12)}@example.com>`,
    'MIME-Version: 1.0',
    ...extra,
  ].join('\r\n');
}

function mixed(subject: string, parts: string[], extra: string[] = []): string {
  const boundary = `b-${random.hex(8)}`;
  return (
    `${head(subject, [...extra, `Content-Type: multipart/mixed; boundary="${boundary}"`])}\r\n\r\n` +
    ['Content-Type: text/plain\r\n\r\nSee attached.', ...parts]
      .map((p) => `--${boundary}\r\n${p}\r\n`)
      .join('') +
    `--${boundary}--\r\n`
  );
}

const file = (name: string, data: string) =>
  `Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="${name}"\r\n\r\n${data}`;
const forwarded = (message: string) => `Content-Type: message/rfc822\r\n\r\n${message}`;
const addresses = (n: number) => Array.from({ length: n }, (_, i) => `r${i}@example.com`).join(', ');

/** Mail forwarded `depth` times: each level a message/rfc822 part of the one above. */
function forwardedChain(depth: number): string {
  let message = `${head('level 0')}\r\nContent-Type: text/plain\r\n\r\nthe original\r\n`;
  for (let i = 1; i <= depth; i++) message = mixed(`level ${i}`, [forwarded(message)]);
  return message;
}

/** The nesting of embedded messages in a view: [kind of each attachment, recursively]. */
function nesting(view: MessageView): unknown[] {
  return view.attachments.map((a) => (a.kind === 'message' ? nesting(a.message) : a.fileName));
}

const CASES: HostileCase[] = [
  {
    id: 'attachments-2049',
    raw: Buffer.from(
      mixed(
        'many files',
        Array.from({ length: 2049 }, (_, i) => file(`f${i}.bin`, `#${i}`)),
      ),
    ),
    // Embedded, a .msg would need 2049 attachment storages; separated, the files are files.
    outcome: { embedded: 'MSG_WRITE_FAILED', separate: 'msg', documents: 'msg' },
    check: (result, view) => {
      expect(allFiles(result).filter((f) => f.role === 'attachment')).toHaveLength(2049);
      expect(view.attachments).toEqual([]);
    },
  },
  {
    id: 'recipients-2049',
    raw: Buffer.from(`${head('many recipients', [`Cc: ${addresses(2049)}`])}\r\n\r\nHello all.\r\n`),
    outcome: always('MSG_WRITE_FAILED'),
  },
  {
    id: 'nested-recipients-2049',
    raw: Buffer.from(
      mixed('forwarded to many', [
        forwarded(`${head('inner', [`To: ${addresses(2049)}`])}\r\nContent-Type: text/plain\r\n\r\nx\r\n`),
      ]),
    ),
    // The nested message cannot be an embedded message nor a .msg file of its own.
    outcome: always('MSG_WRITE_FAILED'),
  },
  {
    id: 'nul-characters',
    raw: Buffer.from(
      'From: Null\u0000Name <nul@example.com>\r\nSubject: before\u0000after\r\n' +
        'Content-Type: text/plain; charset=utf-8\r\n\r\nbody\u0000text\r\n',
    ),
    outcome: always('msg'),
    // MAPI strings end at NUL: a U+0000 becomes U+FFFD rather than cutting the text short.
    check: (_result, view) => {
      expect([view.subject, view.senderName, view.textBody]).toEqual([
        'before\ufffdafter',
        'Null\ufffdName',
        'body\ufffdtext\r\n',
      ]);
    },
  },
  {
    id: 'empty-file',
    raw: Buffer.alloc(0),
    outcome: always('msg'),
    check: (result, view) => {
      expect(result.documents[0]?.files[0]?.name).toBe('message.msg');
      expect(result.flags.malformed.length).toBeGreaterThan(0);
      expect([view.subject, view.senderSmtp, view.recipients, view.attachments]).toEqual([
        undefined,
        undefined,
        [],
        [],
      ]);
    },
  },
  {
    id: 'random-bytes',
    raw: Buffer.from(Array.from({ length: 8192 }, () => random.int(256))),
    outcome: always('msg'),
    check: (result) => expect(result.flags.malformed.length).toBeGreaterThan(0),
  },
  {
    id: 'multipart-100-deep',
    raw: Buffer.from(
      head('deep') +
        Array.from(
          { length: 100 },
          (_, i) => `\r\nContent-Type: multipart/mixed; boundary="d${i}"\r\n\r\n--d${i}`,
        ).join('') +
        '\r\nContent-Type: text/plain\r\n\r\ndeepest\r\n',
    ),
    outcome: always('msg'),
    check: (result, view) => {
      expect(result.flags.malformed.length).toBeGreaterThan(0);
      expect(view.subject).toBe('deep');
    },
  },
  {
    id: 'date-before-1601',
    raw: Buffer.from(
      'From: old@example.com\r\nSubject: old\r\nDate: Mon, 1 Jan 1500 00:00:00 +0000\r\n\r\nx\r\n',
    ),
    outcome: always('msg'),
    // FILETIME starts in 1601: the date is left out of the .msg (the header still has it).
    check: (_result, view) => {
      expect([view.sent, view.received]).toEqual([undefined, undefined]);
      expect(view.headers).toContain('Date: Mon, 1 Jan 1500');
    },
  },
  {
    id: 'garbage-as-forwarded-mail',
    raw: Buffer.from(mixed('garbage', [forwarded('\u0001\u0002\u0003 not a message\r\n\r\n\u0000')])),
    outcome: always('msg'),
    check: (result, view, [attachments]) => {
      const nested = allFiles(result).filter((f) => f.role === 'nested-message');
      if (attachments === 'embedded') expect(view.attachments.map((a) => a.kind)).toEqual(['message']);
      else
        expect(nested.map((f) => [f.name, f.contentType])).toEqual([
          ['attachment-1.msg', 'application/vnd.ms-outlook'],
        ]);
    },
  },
  {
    id: 'forwarded-7-deep',
    raw: Buffer.from(forwardedChain(7)),
    outcome: always('msg'),
    // Unpacked down to maxNestingDepth (3): deeper mail stays the RFC 822 file it arrived as.
    check: (result, view, [attachments]) => {
      if (attachments === 'embedded') expect(nesting(view)).toEqual([[[['level 3.eml']]]]);
      else
        expect(allFiles(result).map((f) => [f.name, f.contentType])).toEqual([
          ['level 7.msg', 'application/vnd.ms-outlook'],
          ['level 6.msg', 'application/vnd.ms-outlook'],
          ['level 5.msg', 'application/vnd.ms-outlook'],
          ['level 4.msg', 'application/vnd.ms-outlook'],
          ['level 3.eml', 'message/rfc822'],
        ]);
    },
  },
  {
    id: 'header-block-2MiB',
    raw: Buffer.from(`${head('big header', [`X-Big: ${'y'.repeat(2 * 1024 * 1024)}`])}\r\n\r\nx\r\n`),
    outcome: always('msg'),
    check: (result) => expect(result.flags.malformed.length).toBeGreaterThan(0),
  },
  {
    id: 'bare-cr-line-ends',
    raw: Buffer.from('From: cr@example.com\rSubject: cr only\r\rbody\r'),
    outcome: always('msg'),
  },
  {
    id: 'undecodable-winmail-dat',
    raw: Buffer.from(
      mixed('tnef', [
        'Content-Type: application/ms-tnef; name="winmail.dat"\r\nContent-Transfer-Encoding: base64\r\n\r\neJ8+IgAAAQ==',
      ]),
    ),
    outcome: always('msg'),
    check: (result) => {
      expect(result.flags.tnef).toBe(true);
      expect(allFiles(result).some((f) => f.role === 'raw-part' || f.role === 'message')).toBe(true);
    },
  },
];

function asMail(c: HostileCase): GeneratedMail {
  return {
    id: c.id,
    template: 'hostile',
    raw: c.raw,
    eol: '\r\n',
    files: [],
    malformed: true,
    structural: true,
    hostile: true,
  };
}

describe.each(MSG_COMBOS.map((combo) => [comboName(combo), combo] as const))(
  'hostile mail as .msg (%s)',
  (_name, combo) => {
    it.each(CASES.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
      const outcome = await convertToMsg(asMail(c), combo);
      const wanted = c.outcome[combo[0]];
      if (outcome.kind === 'error') {
        expect({ outcome: outcome.code, retryable: outcome.retryable }).toEqual({
          outcome: wanted,
          retryable: false,
        });
        expect(outcome.message).toMatch(/cannot write the message as \.msg: \d+ (recipients|attachments)/);
        return;
      }
      expect(outcome.kind).toBe(wanted);
      const message = outcome.written[0];
      expect(message?.file.role).toBe('message');
      c.check?.(outcome.result, readWithMsgReader(message?.data as Buffer), combo);
    });

    // The generated corpus's own malformed and hostile messages all give a .msg.
    const odd = generateMails(20261130).filter((m) => m.malformed || m.hostile);
    it.each(odd.map((m) => [m.id, m] as const))('%s', async (_id, mail) => {
      const outcome = await convertToMsg(mail, combo);
      expect(outcome.kind).toBe('msg');
      if (outcome.kind !== 'msg') return;
      expect(outcome.result.flags.malformed.length > 0).toBe(mail.malformed);
      expect(readWithMsgReader(outcome.written[0]?.data as Buffer).subject).toBe(mail.subject);
    });
  },
);
