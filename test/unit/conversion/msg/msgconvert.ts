import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { MsgAddress } from '../../../../src/conversion/msg/message-model';

/**
 * Debian's msgconvert (Email::Outlook::Message 0.921, Perl, OLE::Storage_Lite) as an independent
 * .msg reader for the tests: it turns a .msg back into MIME, which mailparser parses. CI installs it
 * (libemail-outlook-message-perl + libemail-address-perl); without it the tests that use it are
 * skipped, loudly.
 *
 * What it drops by design: Bcc (it reads PidTagDisplayTo and PidTagDisplayCc only), importance,
 * categories, and the "sent representing" author (its From is PidTagSender*). When the .msg has
 * PR_TRANSPORT_MESSAGE_HEADERS, every header found there (Subject, From, To, Cc, Date, Message-ID…)
 * replaces the one it built from the MAPI properties. Its Unicode handling has two bugs:
 * - once a top-level header holds characters above U+00FF, Perl prints the whole output as UTF-8
 *   and 8-bit body parts (text, HTML, and the bodies of embedded messages) come out encoded twice
 *   (`doubleEncoded`, undone by `undoDoubleEncoding` before comparing);
 * - non-ASCII header text of an embedded message, and Latin-1-only header text of the top-level
 *   message, comes out as raw Latin-1 bytes (`latin1Header` turns the top-level block to UTF-8).
 * Two more habits: a message with no date at all gets the time of the conversion as its Date
 * (Email::MIME's default), one with no body an empty text/plain part; and an attachment with the
 * MIME tag multipart/signed (Outlook's "smime.p7m" of a signed message) comes out as a
 * multipart/signed part without a boundary whose 8-bit body is the attachment's bytes, which
 * mailparser cannot read (`signedParts` cuts them out).
 */

function probe(): boolean {
  const run = spawnSync('msgconvert', ['--help'], { stdio: 'ignore' });
  return !run.error;
}

export const msgconvertAvailable = probe();
if (!msgconvertAvailable) {
  console.warn(
    'SKIPPED: msgconvert is not installed, so the .msg checks against msgconvert do not run. Install with ' +
      '`apt-get install -y --no-install-recommends libemail-outlook-message-perl libemail-address-perl`.',
  );
}
export const describeIfMsgconvert = msgconvertAvailable ? describe : describe.skip;

export interface MsgconvertOutput {
  /** The MIME message msgconvert made of the .msg. */
  eml: Buffer;
  /** msgconvert printed this message as UTF-8: its 8-bit body parts are encoded twice. */
  doubleEncoded: boolean;
}

/**
 * Its only expected complaints: wide characters (in header values it sets, and when printing), and
 * the multi-valued property streams of categories, which it cannot read.
 */
const EXPECTED_STDERR = /wide character|Unknown FILE entry __substg1 0_8000101F/i;

/** Whether the top-level header block, read as UTF-8, has a character above U+00FF. */
function printedWide(eml: Buffer): boolean {
  const text = eml.toString('latin1');
  const end = /\r?\n\r?\n/.exec(text)?.index ?? text.length;
  const header = new TextDecoder('utf-8').decode(eml.subarray(0, end));
  return [...header].some((c) => (c.codePointAt(0) as number) > 0xff && c !== '\ufffd');
}

/**
 * Converts many .msg files with one msgconvert run (Perl's start-up costs ~0.2 s per run, the
 * conversion itself a few milliseconds): it writes `<name>.eml` into its working directory for
 * each `<name>.msg` given. Warnings on stderr are not per file, so whether a file was printed as
 * UTF-8 is read from its output: Perl does that exactly when a top-level header has a character
 * above U+00FF, and the count is checked against the "Wide character in print" warnings.
 */
export function msgconvertBatch(files: Buffer[]): MsgconvertOutput[] {
  if (files.length === 0) return [];
  const dir = mkdtempSync(join(tmpdir(), 'postroom-msgconvert-'));
  try {
    const names = files.map((data, i) => {
      writeFileSync(join(dir, `${i}.msg`), data);
      return `${i}.msg`;
    });
    const run = spawnSync('msgconvert', names, { cwd: dir, maxBuffer: 64 * 1024 * 1024 });
    const stderr = run.stderr.toString();
    if (run.status !== 0) {
      // Name the file it choked on: it stops at the first one.
      const failed = names.find((n) => spawnSync('msgconvert', ['--outfile', '-', n], { cwd: dir }).status);
      throw new Error(`msgconvert failed (file ${failed ?? '?'}): ${stderr}`);
    }
    const unexpected = stderr.split('\n').filter((line) => line && !EXPECTED_STDERR.test(line));
    if (unexpected.length > 0) throw new Error(`msgconvert complained:\n${unexpected.join('\n')}`);
    const outputs = files.map((_, i) => {
      const eml = readFileSync(join(dir, `${i}.eml`));
      return { eml, doubleEncoded: printedWide(eml) };
    });
    const wide = (stderr.match(/Wide character in print/g) ?? []).length;
    const flagged = outputs.filter((o) => o.doubleEncoded).length;
    if (wide !== flagged) throw new Error(`${wide} outputs printed as UTF-8, ${flagged} recognised`);
    return outputs;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** HTML as written: no cid: links turned into data: URLs, no bodies derived from one another. */
export function parseConverted(eml: Buffer): Promise<ParsedMail> {
  return simpleParser(eml, { skipImageLinks: true, skipHtmlToText: true, skipTextToHtml: true });
}

export function undoDoubleEncoding(text: string | undefined, doubleEncoded: boolean): string | undefined {
  if (!doubleEncoded || text === undefined) return text;
  expect([...text].every((c) => c.charCodeAt(0) <= 0xff)).toBe(true);
  return Buffer.from(text, 'latin1').toString('utf8');
}

/** msgconvert writes "Name <address>", with the address as name when there is none. */
export function addressView(a: MsgAddress): { address: string | undefined; name: string } {
  const name = a.name?.trim() || '';
  return { address: a.address, name: name === a.address ? '' : name };
}

export function parsedAddresses(field: AddressObject | AddressObject[] | undefined) {
  const list = field === undefined ? [] : Array.isArray(field) ? field.flatMap((f) => f.value) : field.value;
  return list.map((a) => ({ address: a.address, name: a.name === a.address ? '' : a.name }));
}

function headerEnd(eml: Buffer): number {
  return /\r?\n\r?\n/.exec(eml.toString('latin1'))?.index ?? eml.length;
}

/**
 * The output with its top-level header block as UTF-8, where Perl printed it byte per character
 * (not `doubleEncoded`): every byte is then a character up to U+00FF, so Latin-1 text ("Grüße")
 * reaches mailparser, which reads raw 8-bit headers as UTF-8, intact.
 */
export function latin1Header(eml: Buffer, doubleEncoded: boolean): Buffer {
  const end = headerEnd(eml);
  const header = eml.subarray(0, end);
  if (doubleEncoded || header.every((b) => b < 0x80)) return eml;
  return Buffer.concat([Buffer.from(header.toString('latin1'), 'utf8'), eml.subarray(end)]);
}

/** The multipart/signed attachments of a msgconvert output: name and bytes, in order. */
export function signedParts(eml: Buffer): Array<{ name: string; data: Buffer }> {
  const text = eml.toString('latin1');
  const boundary = /^Content-Type: multipart\/mixed; boundary=("?)([^";\r\n]+)\1/im.exec(
    text.slice(0, headerEnd(eml)),
  )?.[2];
  if (!boundary) return [];
  const parts: Array<{ name: string; data: Buffer }> = [];
  const head = /\nContent-Type: multipart\/signed; name=("?)([^";\r\n]+)\1[^]*?\r?\n\r?\n/g;
  for (let m = head.exec(text); m; m = head.exec(text)) {
    const start = m.index + m[0].length;
    const next = text.indexOf(`\n--${boundary}`, start);
    if (next < 0) throw new Error(`multipart/signed part ${m[2]} is not closed`);
    const end = text[next - 1] === '\r' ? next - 1 : next;
    parts.push({ name: m[2] as string, data: eml.subarray(start, end) });
    head.lastIndex = next;
  }
  return parts;
}
