import type { MessageFacts } from './conversion-types';
import { decodeText } from './mime/charsets';
import { parseAddressList } from './mime/address-list';
import { displayValue, headerValue, headerValues } from './mime/header-fields';
import { parseMailDate } from './mime/mail-date';
import { htmlToText } from './html-text';
import type { BodyText, ParsedMessage } from './parse-message';

/** What the MIME says about a message, for metadata, rules and filters (see MessageFacts). */

export const BODY_TEXT_CAP = 64 * 1024;

/** A body part's text in its declared charset. */
export function bodyString(body: BodyText): string {
  return decodeText(body.sink.bytes(), body.node.typeParams.get('charset')).text;
}

/** The plain-text body, else the first HTML body as text, capped at 64 KiB of characters. */
export function bodyTextOf(parsed: ParsedMessage): string | undefined {
  const plain = parsed.bodies.find((b) => b.kind === 'body-text');
  const html = parsed.bodies.find((b) => b.kind === 'body-html');
  let text: string | undefined;
  if (plain) text = bodyString(plain);
  else if (html) text = htmlToText(bodyString(html));
  if (text === undefined) return undefined;
  return text.length > BODY_TEXT_CAP ? text.slice(0, BODY_TEXT_CAP) : text;
}

/** Header-level oddities (not structural: they do not make the file doubtful). */
export function headerNotes(parsed: ParsedMessage): string[] {
  const fields = parsed.root.headers;
  const notes: string[] = [];
  const dates = headerValues(fields, 'date');
  if (dates.length === 0) notes.push('no Date header');
  else if (!parseMailDate(dates[0])) notes.push(`unreadable Date header "${dates[0]}"`);
  const ids = headerValues(fields, 'message-id');
  if (ids.length === 0) notes.push('no Message-ID header');
  if (ids.length > 1) notes.push(`${ids.length} Message-ID headers (the first is used)`);
  return notes;
}

export function buildFacts(parsed: ParsedMessage, attachmentNames: string[]): MessageFacts {
  const fields = parsed.root.headers;
  const subject = headerValue(fields, 'subject');
  const from = parseAddressList(headerValue(fields, 'from'))[0];
  const list = (name: string) => headerValues(fields, name).flatMap((v) => parseAddressList(v));
  const facts: MessageFacts = {
    to: list('to'),
    cc: list('cc'),
    bcc: list('bcc'),
    headers: fields.map((f) => [f.name, displayValue(f.value)]),
    attachmentNames,
    hasAttachments: attachmentNames.length > 0,
  };
  if (subject !== undefined) facts.subject = displayValue(subject);
  if (from) facts.from = from;
  const date = parseMailDate(headerValue(fields, 'date'));
  if (date) facts.date = date;
  const messageId = headerValue(fields, 'message-id')?.trim();
  if (messageId) facts.messageId = messageId;
  const bodyText = bodyTextOf(parsed);
  if (bodyText !== undefined) facts.bodyText = bodyText;
  return facts;
}
