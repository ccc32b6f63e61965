import { generateMails } from '../../helpers/mail-generator';
import {
  addr,
  comboName,
  convertToMsg,
  expectedContent,
  lf,
  MSG_COMBOS,
  parseMime,
  type ContentView,
  type WrittenMsg,
} from './generated-msg';
import { readWithMsgReader, type MessageView } from './msg/msgreader-view';

/**
 * Every .msg that conversion writes for the generated corpus, in every msg option combination,
 * read back with @kenjiuno/msgreader: subject, sender, recipients, date, bodies, Message-ID and
 * every attachment (name and bytes; embedded messages recursively) must be what the source says
 * (generated-msg.ts works that out from the RFC 822 source and the generator's own record).
 */

const mails = generateMails(20261130);
/** .msg files read back per combination: message documents, nested .msg files, embedded messages. */
const tally: Record<string, { messages: number; nestedFiles: number; embedded: number }> = {};
afterAll(() => console.info(`.msg files read back with msgreader: ${JSON.stringify(tally)}`));

function embeddedCount(view: ContentView): number {
  return view.attachments.reduce((n, a) => n + (a.kind === 'message' ? 1 + embeddedCount(a.message) : 0), 0);
}

function fromMsgReader(view: MessageView): ContentView {
  const recipients = (kind: string) =>
    view.recipients.filter((r) => r.kind === kind).map((r) => addr(r.name, r.smtp));
  return {
    subject: view.subject,
    from: view.senderSmtp === undefined ? undefined : addr(view.senderName, view.senderSmtp),
    to: recipients('to'),
    cc: recipients('cc'),
    date: view.sent === undefined ? undefined : new Date(view.sent).toISOString(),
    text: lf(view.textBody),
    html: view.htmlBody,
    messageId: view.messageId,
    attachments: view.attachments.map((a) =>
      a.kind === 'file'
        ? { kind: 'file', name: a.fileName ?? '', bytes: a.bytes }
        : { kind: 'message', name: a.fileName ?? '', message: fromMsgReader(a.message) },
    ),
  };
}

/** What only msgreader shows: the properties msgconvert does not carry over. */
async function checkMapiDetails(msg: WrittenMsg, view: MessageView): Promise<void> {
  const top = msg.file.role === 'message';
  const messageClass =
    top && msg.mail.smime
      ? 'IPM.Note.SMIME.MultipartSigned'
      : top && msg.mail.calendar
        ? 'IPM.Schedule.Meeting.Request'
        : 'IPM.Note';
  expect(view.messageClass).toBe(messageClass);
  // No Sender header in the corpus: the sender is the author ("sent representing").
  expect([view.fromName, view.fromSmtp]).toEqual([view.senderName, view.senderSmtp]);
  expect(view.recipients.every((r) => r.email === r.smtp)).toBe(true);
  // The corpus has neither Bcc nor Received headers: no Bcc recipients, no delivery time
  // (PR_MESSAGE_DELIVERY_TIME comes from the topmost Received header).
  const source = await parseMime(msg.source().raw);
  expect([source.bcc, source.headers.has('received')]).toEqual([undefined, false]);
  expect(view.recipients.filter((r) => r.kind === 'bcc')).toEqual([]);
  expect(view.received).toBeUndefined();
}

describe.each(MSG_COMBOS.map((combo) => [comboName(combo), combo] as const))(
  'generated corpus as .msg (%s) read back with msgreader',
  (name, combo) => {
    it.each(mails.map((m) => [m.id, m] as const))('%s', async (_id, mail) => {
      const outcome = await convertToMsg(mail, combo);
      if (outcome.kind === 'error') throw new Error(`${mail.id}: ${outcome.code} ${outcome.message}`);
      // The message document, plus one .msg per nested message when attachments are separated.
      const nested = outcome.written.filter((w) => w.file.role === 'nested-message');
      expect(outcome.written[0]?.file.role).toBe('message');
      if (combo[0] === 'embedded') expect(nested).toEqual([]);
      const counts = (tally[name] ??= { messages: 0, nestedFiles: 0, embedded: 0 });
      for (const msg of outcome.written) {
        const view = readWithMsgReader(msg.data);
        const content = fromMsgReader(view);
        expect({ label: msg.label, content }).toEqual({
          label: msg.label,
          content: await expectedContent(msg.source()),
        });
        await checkMapiDetails(msg, view);
        if (msg.file.role === 'message') counts.messages++;
        else counts.nestedFiles++;
        counts.embedded += embeddedCount(content);
      }
    });
  },
);
