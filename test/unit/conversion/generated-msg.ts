import { readFileSync } from 'node:fs';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { convertMessage } from '../../../src/conversion/convert-message';
import type { ConversionResult, ConvertedFile } from '../../../src/conversion/conversion-types';
import { isRetryable, PostroomError } from '../../../src/errors/postroom-error';
import { allFiles, optionsFor, sandbox } from '../../helpers/conversion';
import { expectedOutput, type ExpectedFile, type GeneratedMail } from '../../helpers/mail-generator';
import { digest } from './msg/msgreader-view';

/**
 * The .msg read-back tests of the generated corpus (generated-msg.*.test.ts): every generated
 * message through every msg option combination, every .msg that conversion wrote (the message
 * document and each nested .msg file), and what each must hold, worked out from the source alone:
 * the envelope and bodies as mailparser decodes the RFC 822 source, the attachments as the
 * generator made them. Both readers (msgreader, msgconvert) are compared against the same view.
 */

export const MSG_COMBOS = [
  ['embedded', 'keep'],
  ['embedded', 'skip-images'],
  ['separate', 'keep'],
  ['separate', 'skip-images'],
  ['documents', 'keep'],
  ['documents', 'skip-images'],
] as const;
export type MsgCombo = (typeof MSG_COMBOS)[number];
export const comboName = ([attachments, inline]: MsgCombo) => `${attachments}/${inline}`;

export interface Addr {
  name: string;
  address: string;
}

export type AttachmentView =
  { kind: 'file'; name: string; bytes: string } | { kind: 'message'; name: string; message: ContentView };

/** What a reader must find in a .msg: one shape for the source, msgreader and msgconvert. */
export interface ContentView {
  subject: string | undefined;
  from: Addr | undefined;
  to: Addr[];
  cc: Addr[];
  /** ISO, seconds precision. */
  date: string | undefined;
  text: string | undefined;
  html: string | undefined;
  messageId: string | undefined;
  attachments: AttachmentView[];
}

/** One .msg file that conversion wrote, and the source level it was made from. */
export interface WrittenMsg {
  label: string;
  mail: GeneratedMail;
  combo: MsgCombo;
  file: ConvertedFile;
  data: Buffer;
  /** The source level it was made from, as the generator recorded it (throws where it did not). */
  source: () => SourceLevel;
}

export interface SourceLevel {
  /** The RFC 822 source of this message (the spool file, or a nested message's bytes). */
  raw: Buffer;
  files: ExpectedFile[];
  /** Every attachment stays in the .msg (embedded); otherwise only the inline images. */
  embedAll: boolean;
  signed: boolean;
  /** Hostile names: the safe names conversion reported, in the order of `files`. */
  names?: string[];
  /**
   * The subject as the generator meant it, where it says (the message itself). It wins over
   * mailparser, which drops the continuation of a broken folded Subject that conversion keeps.
   */
  subject?: string;
}

export type Outcome =
  | { kind: 'msg'; result: ConversionResult; written: WrittenMsg[] }
  | { kind: 'error'; code: string; message: string; retryable: boolean };

/** Runs one conversion and keeps the bytes of every .msg it wrote (the work directory is removed). */
export async function convertToMsg(mail: GeneratedMail, combo: MsgCombo): Promise<Outcome> {
  const [attachments, inline] = combo;
  const box = sandbox(mail.raw, 'genmsg');
  try {
    const result = await convertMessage(box.input, box.workDir, optionsFor('msg', attachments, inline));
    const written = allFiles(result)
      .filter((f) => f.contentType === 'application/vnd.ms-outlook')
      .map((file): WrittenMsg => {
        const top = file.role === 'message';
        const source = (): SourceLevel =>
          top
            ? {
                raw: mail.raw,
                files: mail.files,
                embedAll: attachments === 'embedded',
                signed: !!mail.smime,
                subject: mail.subject,
                // Hostile names: the rules are checked elsewhere; here the names conversion gave.
                ...(mail.hostile ? { names: result.facts.attachmentNames } : {}),
              }
            : nestedSource(mail, [...(file.within ?? []), file.name]);
        const label = `${mail.id} ${comboName(combo)} ${top ? '(message)' : file.name}`;
        return { label, mail, combo, file, data: readFileSync(file.path), source };
      });
    return { kind: 'msg', result, written };
  } catch (err) {
    if (err instanceof PostroomError)
      return { kind: 'error', code: err.code, message: err.message, retryable: isRetryable(err) };
    throw err;
  } finally {
    box.cleanup();
  }
}

/** The generator's record of a nested message, found by the chain of .msg names leading to it. */
function nestedSource(mail: GeneratedMail, chain: string[]): SourceLevel {
  let files = mail.files;
  let found: ExpectedFile | undefined;
  for (const name of chain) {
    found = files.find((f) => f.role === 'nested-message' && expectedOutput(f, 'msg', true).name === name);
    if (!found) throw new Error(`${mail.id}: no nested message ${chain.join(' > ')}`);
    files = found.nested ?? [];
  }
  // A separated nested .msg keeps only what its body shows, like the message's own .msg.
  return { raw: (found as ExpectedFile).data, files, embedAll: false, signed: false };
}

/** mailparser without derived bodies or rewritten links: the parts as they are. */
export function parseMime(raw: Buffer): Promise<ParsedMail> {
  return simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
}

export function addresses(field: AddressObject | AddressObject[] | undefined): Addr[] {
  const list = field === undefined ? [] : Array.isArray(field) ? field.flatMap((f) => f.value) : field.value;
  return list.map((a) => ({ name: a.name, address: a.address ?? '' }));
}

/** What the .msg made from `level` must hold, from the source alone. */
export async function expectedContent(level: SourceLevel): Promise<ContentView> {
  const parsed = await parseMime(level.raw);
  const from = addresses(parsed.from)[0];
  return {
    subject: level.subject ?? parsed.subject,
    from,
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    date: parsed.headers.has('date') ? parsed.date?.toISOString() : undefined,
    // mailparser ends text lines with LF; the readers' text is compared the same way (lf below).
    text: parsed.text,
    html: parsed.html || undefined,
    messageId: parsed.messageId,
    attachments: await expectedAttachments(level),
  };
}

async function expectedAttachments(level: SourceLevel): Promise<AttachmentView[]> {
  // Signed mail: Outlook's convention, the whole signed message as "smime.p7m" (MS-OXOSMIME).
  if (level.signed) return [{ kind: 'file', name: 'smime.p7m', bytes: digest(level.raw) }];
  const out: AttachmentView[] = [];
  for (const [i, file] of level.files.entries()) {
    if (!level.embedAll && !file.inlineImage) continue;
    const name = level.names?.[i] ?? expectedOutput(file, 'msg', true).name;
    if (file.role === 'nested-message') {
      const nested = { raw: file.data, files: file.nested ?? [], embedAll: true, signed: false };
      out.push({ kind: 'message', name, message: await expectedContent(nested) });
    } else out.push({ kind: 'file', name, bytes: digest(file.data) });
  }
  return out;
}

/** A display name that only repeats the address is no name (both .msg readers fill it in). */
export function addr(name: string | undefined, address: string | undefined): Addr {
  const trimmed = name?.trim() ?? '';
  return { name: trimmed === address ? '' : trimmed, address: address ?? '' };
}

/** Text with LF line ends, as mailparser gives it (a .msg body keeps the CRLF of the MIME). */
export function lf(text: string | undefined): string | undefined {
  return text?.replace(/\r\n/g, '\n');
}
