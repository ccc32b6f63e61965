import { generateMails, type GeneratedMail } from '../../helpers/mail-generator';
import {
  addr,
  addresses,
  comboName,
  convertToMsg,
  expectedContent,
  MSG_COMBOS,
  type AttachmentView,
  type ContentView,
  type WrittenMsg,
} from './generated-msg';
import {
  describeIfMsgconvert,
  latin1Header,
  msgconvertBatch,
  parseConverted,
  signedParts,
  undoDoubleEncoding,
  type MsgconvertOutput,
} from './msg/msgconvert';
import { digest } from './msg/msgreader-view';

/**
 * Every .msg that conversion writes for the generated corpus, in every msg option combination,
 * read back with Debian's msgconvert (msg/msgconvert.ts) and mailparser: subject, sender,
 * recipients, date, bodies, Message-ID and every attachment (name and bytes; embedded messages
 * recursively) must be what the source says (generated-msg.ts).
 *
 * All files of a combination (66 message .msg files, plus 18 nested ones when separated) go
 * through one msgconvert run: 0.6–1.1 s each, 468 files in about 5 s. One run per file costs
 * about 0.21 s of Perl start-up (measured: 138 distinct files one by one in 29 s), which would be
 * some 100 s for the 468 files; so every file is converted, none is sampled. msgconvert takes Subject, From, To, Cc, Date and Message-ID from the
 * transport headers that conversion stores (PR_TRANSPORT_MESSAGE_HEADERS), so its view of those
 * checks that copy of the headers; the MAPI properties themselves are checked with msgreader.
 */

const mails = generateMails(20261130);

/** What msgconvert's MIME says, in the shape of the source view; `top`: the .msg itself. */
async function fromMsgconvert(eml: Buffer, doubleEncoded: boolean, top: boolean): Promise<ContentView> {
  const mail = await parseConverted(top ? latin1Header(eml, doubleEncoded) : eml);
  const attachments: AttachmentView[] = [];
  // msgconvert makes a multipart/mixed whenever the .msg has attachments; a single part is its
  // body, even where a Content-Disposition copied from the transport headers ("attachment;
  // filename=scan0001" of a message that was only an attachment) makes mailparser call it one.
  const type = (mail.headers.get('content-type') as { value?: string } | undefined)?.value ?? 'text/plain';
  let text = mail.text;
  if (!type.startsWith('multipart/') && mail.attachments.length === 1 && text === undefined) {
    text = mail.attachments.pop()?.content.toString('utf8');
  }
  for (const a of mail.attachments) {
    const name = a.filename ?? '';
    if (a.contentType === 'message/rfc822') {
      // Embedded messages: MIME of their own, with the same double encoding as the outer one.
      const message = await fromMsgconvert(a.content, doubleEncoded, false);
      attachments.push({ kind: 'message', name, message });
    } else attachments.push({ kind: 'file', name, bytes: digest(a.content) });
  }
  // mailparser cannot read the multipart/signed part msgconvert makes of "smime.p7m".
  for (const part of signedParts(eml))
    attachments.push({ kind: 'file', name: part.name, bytes: digest(part.data) });
  const from = addresses(mail.from)[0];
  return {
    subject: mail.subject,
    from: from && addr(from.name, from.address),
    to: addresses(mail.to).map((a) => addr(a.name, a.address)),
    cc: addresses(mail.cc).map((a) => addr(a.name, a.address)),
    date: mail.date?.toISOString(),
    text: undoDoubleEncoding(text, doubleEncoded),
    html: undoDoubleEncoding(mail.html || undefined, doubleEncoded),
    messageId: mail.messageId,
    attachments,
  };
}

/**
 * msgconvert's two inventions, taken back only where the source has nothing: a message without
 * a date gets the time it was converted (checked to lie within the msgconvert run), one without a
 * body an empty text part.
 */
function withoutInventions(
  got: ContentView,
  want: ContentView,
  run: { from: number; to: number },
): ContentView {
  const settled = { ...got };
  if (want.date === undefined && got.date !== undefined) {
    const at = Date.parse(got.date);
    // Date headers have whole seconds.
    expect(at >= Math.floor(run.from / 1000) * 1000 && at <= run.to).toBe(true);
    settled.date = undefined;
  }
  if (want.text === undefined && got.text?.trim() === '') settled.text = undefined;
  settled.attachments = got.attachments.map((a, i) => {
    const w = want.attachments[i];
    return a.kind === 'message' && w?.kind === 'message'
      ? { ...a, message: withoutInventions(a.message, w.message, run) }
      : a;
  });
  return settled;
}

interface ReadBack {
  written: WrittenMsg[];
  outputs: MsgconvertOutput[];
  /** When the msgconvert run started and ended (ms since the epoch). */
  run: { from: number; to: number };
}

const timings: Record<string, { files: number; msgconvertMs: number }> = {};
afterAll(() => {
  if (Object.keys(timings).length > 0)
    console.info(`msgconvert, one run per option combination: ${JSON.stringify(timings)}`);
});

describeIfMsgconvert('generated corpus as .msg read back with msgconvert', () => {
  describe.each(MSG_COMBOS.map((combo) => [comboName(combo), combo] as const))('%s', (name, combo) => {
    const readBack = new Map<string, ReadBack>();

    beforeAll(async () => {
      const all: Array<{ mail: GeneratedMail; written: WrittenMsg[] }> = [];
      for (const mail of mails) {
        const outcome = await convertToMsg(mail, combo);
        if (outcome.kind === 'error') throw new Error(`${mail.id}: ${outcome.code} ${outcome.message}`);
        all.push({ mail, written: outcome.written });
      }
      const files = all.flatMap((m) => m.written.map((w) => w.data));
      const run = { from: Date.now(), to: 0 };
      const outputs = msgconvertBatch(files);
      run.to = Date.now();
      timings[name] = { files: files.length, msgconvertMs: run.to - run.from };
      let at = 0;
      for (const { mail, written } of all) {
        readBack.set(mail.id, { written, outputs: outputs.slice(at, at + written.length), run });
        at += written.length;
      }
    }, 120_000);

    it.each(mails.map((m) => [m.id, m] as const))('%s', async (id) => {
      const { written, outputs, run } = readBack.get(id) as ReadBack;
      expect(written.length).toBeGreaterThan(0);
      for (const [i, msg] of written.entries()) {
        const output = outputs[i];
        if (!output) throw new Error(`${msg.label}: no msgconvert output`);
        const want = await expectedContent(msg.source());
        const got = await fromMsgconvert(output.eml, output.doubleEncoded, true);
        expect({ label: msg.label, content: withoutInventions(got, want, run) }).toEqual({
          label: msg.label,
          content: want,
        });
      }
    });
  });
});
