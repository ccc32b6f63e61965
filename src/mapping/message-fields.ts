import type { MailAddress } from '../sources/mail-source';
import type { MappedValue, MessageInfo } from './mapped-metadata';

/*
 * The fields a title template or a property mapping can read from a message, and their types:
 * lists (to, cc, categories, attachmentNames, headers:) are string lists, hasAttachments is a
 * boolean, times are ISO strings, everything else is a string. A field the message lacks reads as
 * null (lists as []), so the backend decides whether that clears the property or leaves it alone.
 */

export const MESSAGE_FIELDS = [
  'sender.address',
  'sender.name',
  'to',
  'cc',
  'subject',
  'sent',
  'received',
  'messageId',
  'conversationId',
  'categories',
  'importance',
  'hasAttachments',
  'attachmentNames',
  'mailbox',
  'folder',
] as const;

export type PlainField = (typeof MESSAGE_FIELDS)[number];
/** `header:Name` reads the first value of a header; `headers:Name` reads all of them as a list. */
export type MessageField = PlainField | `header:${string}` | `headers:${string}`;

const PLAIN = new Set<string>(MESSAGE_FIELDS);
/** RFC 5322 field names: printable US-ASCII except the colon. */
const HEADER_NAME = /^[\x21-\x39\x3b-\x7e]+$/;

/** What is wrong with a field name, for the configuration error; undefined when it is known. */
export function fieldProblem(name: string): string | undefined {
  if (PLAIN.has(name)) return undefined;
  const header = /^headers?:(.*)$/.exec(name);
  if (header) {
    return HEADER_NAME.test(header[1] ?? '')
      ? undefined
      : `"${name}" needs a header name after the colon, such as header:X-Customer-Id`;
  }
  return `"${name}" is not a field; use one of ${MESSAGE_FIELDS.join(', ')}, header:<Name> or headers:<Name>`;
}

function addressOf(a: MailAddress): string | undefined {
  return a.address ?? a.name;
}

function addresses(list: readonly MailAddress[]): string[] {
  return list.map(addressOf).filter((a): a is string => a !== undefined && a !== '');
}

function headerValues(info: MessageInfo, name: string): string[] {
  const wanted = name.toLowerCase();
  return info.headers.filter(([n]) => n.toLowerCase() === wanted).map(([, v]) => v);
}

/** The value of a field (the name must have passed `fieldProblem`). */
export function readField(info: MessageInfo, field: MessageField): MappedValue {
  if (field.startsWith('header:')) return headerValues(info, field.slice('header:'.length))[0] ?? null;
  if (field.startsWith('headers:')) return headerValues(info, field.slice('headers:'.length));
  switch (field as PlainField) {
    case 'sender.address':
      return info.from?.address ?? null;
    case 'sender.name':
      return info.from?.name ?? null;
    case 'to':
      return addresses(info.to);
    case 'cc':
      return addresses(info.cc);
    case 'subject':
      return info.subject ?? null;
    case 'sent':
      return info.sent ?? null;
    case 'received':
      return info.received;
    case 'messageId':
      return info.internetMessageId ?? null;
    case 'conversationId':
      return info.conversationId ?? null;
    case 'categories':
      return [...info.categories];
    case 'importance':
      return info.importance ?? null;
    case 'hasAttachments':
      return info.hasAttachments;
    case 'attachmentNames':
      return [...info.attachmentNames];
    case 'mailbox':
      return info.mailbox;
    case 'folder':
      return info.folder;
  }
  // Unreachable after validation; a message still gets a document rather than an exception.
  return null;
}

/** A value as text for titles: lists joined with ", ", missing values empty. */
export function fieldText(value: MappedValue): string {
  if (value === null) return '';
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}
