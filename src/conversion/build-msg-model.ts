import type { MessageModel, MsgAddress, MsgAttachment, MsgRecipient } from './msg/message-model';
import { parseAddressList } from './mime/address-list';
import { displayValue, headerValue, headerValues, type HeaderField } from './mime/header-fields';
import { parseMailDate } from './mime/mail-date';

/**
 * The Outlook message model (MessageModel, written by msg/write-msg.ts) of a parsed message.
 * Pure: the caller has already read bodies and attachment bytes, so this is testable without the
 * writer and without files.
 */
export interface MsgModelSource {
  headers: HeaderField[];
  /** The header block as received (PR_TRANSPORT_MESSAGE_HEADERS). */
  headerBlock?: string;
  textBody?: string;
  htmlBody?: string;
  smime?: 'signed' | 'encrypted';
  /** METHOD of the text/calendar part that is the message itself, if there is one. */
  calendarMethod?: string;
  attachments: MsgAttachment[];
}

/** Message class (PR_MESSAGE_CLASS) per MS-OXOSMIME and MS-OXOCAL. */
export function messageClassOf(source: Pick<MsgModelSource, 'smime' | 'calendarMethod'>): string {
  if (source.smime === 'signed') return 'IPM.Note.SMIME.MultipartSigned';
  if (source.smime === 'encrypted') return 'IPM.Note.SMIME';
  if (source.calendarMethod === 'REQUEST') return 'IPM.Schedule.Meeting.Request';
  if (source.calendarMethod === 'CANCEL') return 'IPM.Schedule.Meeting.Canceled';
  return 'IPM.Note';
}

/** Importance from Importance, then X-Priority / X-MSMail-Priority / Priority. */
export function importanceOf(headers: HeaderField[]): MessageModel['importance'] {
  const importance = headerValue(headers, 'importance')?.trim().toLowerCase();
  if (importance === 'high' || importance === 'low' || importance === 'normal') return importance;
  const priority = headerValue(headers, 'x-priority')?.trim();
  const level = priority ? Number(/^\d/.exec(priority)?.[0]) : NaN;
  if (level === 1 || level === 2) return 'high';
  if (level === 4 || level === 5) return 'low';
  if (level === 3) return 'normal';
  const ms = headerValue(headers, 'x-msmail-priority')?.trim().toLowerCase();
  if (ms === 'high' || ms === 'low' || ms === 'normal') return ms;
  const plain = headerValue(headers, 'priority')?.trim().toLowerCase();
  if (plain === 'urgent') return 'high';
  if (plain === 'non-urgent') return 'low';
  return undefined;
}

/** Categories from Keywords headers (comma-separated, RFC 2047-decoded, duplicates dropped). */
export function categoriesOf(headers: HeaderField[]): string[] {
  const all = headerValues(headers, 'keywords').flatMap((v) => displayValue(v).split(','));
  return [...new Set(all.map((k) => k.trim()).filter(Boolean))];
}

/** When the message reached the last server: the date after the ';' of the topmost Received. */
function receivedDate(headers: HeaderField[]): Date | undefined {
  const received = headerValue(headers, 'received');
  const at = received?.lastIndexOf(';') ?? -1;
  const iso = received && at >= 0 ? parseMailDate(received.slice(at + 1)) : undefined;
  return iso ? new Date(iso) : undefined;
}

function sameAddress(a: MsgAddress | undefined, b: MsgAddress | undefined): boolean {
  return (a?.address ?? '').toLowerCase() === (b?.address ?? '').toLowerCase();
}

export function buildMessageModel(source: MsgModelSource): MessageModel {
  const { headers } = source;
  const recipients: MsgRecipient[] = [];
  for (const kind of ['to', 'cc', 'bcc'] as const) {
    for (const value of headerValues(headers, kind))
      for (const address of parseAddressList(value)) recipients.push({ ...address, kind });
  }
  const model: MessageModel = {
    messageClass: messageClassOf(source),
    recipients,
    attachments: source.attachments,
  };
  const subject = headerValue(headers, 'subject');
  if (subject !== undefined) model.subject = displayValue(subject);
  const from = parseAddressList(headerValue(headers, 'from'))[0];
  if (from) model.from = from;
  const sender = parseAddressList(headerValue(headers, 'sender'))[0];
  if (sender && !sameAddress(sender, from)) model.sender = sender;
  const sent = parseMailDate(headerValue(headers, 'date'));
  if (sent) model.sent = new Date(sent);
  const received = receivedDate(headers);
  if (received) model.received = received;
  if (source.textBody !== undefined) model.textBody = source.textBody;
  if (source.htmlBody !== undefined) model.htmlBody = source.htmlBody;
  if (source.headerBlock) model.internetHeaders = source.headerBlock;
  const messageId = headerValue(headers, 'message-id')?.trim();
  if (messageId) model.messageId = messageId;
  const importance = importanceOf(headers);
  if (importance) model.importance = importance;
  const categories = categoriesOf(headers);
  if (categories.length > 0) model.categories = categories;
  return model;
}
