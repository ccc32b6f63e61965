import { createHash } from 'node:crypto';
import { parseAddressHeader } from 'mailparser';
import { graphDateTime } from './ids';
import {
  allHeaders,
  decodeEncodedWords,
  firstHeader,
  parseHeaderFields,
  parseStructuredHeader,
} from './mime-headers';

export interface Recipient {
  emailAddress: { name: string; address: string };
}

/** What Graph derives from the header block alone; computed once when a message is stored. */
export interface MessageMeta {
  subject?: string;
  internetMessageId?: string;
  from?: Recipient;
  sender?: Recipient;
  toRecipients: Recipient[];
  ccRecipients: Recipient[];
  bccRecipients: Recipient[];
  replyTo: Recipient[];
  sentDateTime?: string;
  importance: 'low' | 'normal' | 'high';
  conversationId: string;
  isReadReceiptRequested: boolean;
  isDeliveryReceiptRequested: boolean;
  /** Top-level Content-Type value, for cheap guesses about very large messages. */
  contentType: string;
}

function recipients(values: string[]): Recipient[] {
  if (values.length === 0) return [];
  const parsed = parseAddressHeader(values, { flatten: true });
  return parsed.value
    .filter((a) => a.address)
    .map((a) => {
      const address = a.address as string;
      // Exchange falls back to the address when a mailbox has no display name.
      return { emailAddress: { name: a.name || address, address } };
    });
}

function importance(fields: ReturnType<typeof parseHeaderFields>): MessageMeta['importance'] {
  const explicit = firstHeader(fields, 'importance')?.toLowerCase();
  if (explicit === 'high' || explicit === 'low') return explicit;
  if (explicit === 'normal') return 'normal';
  const xPriority = Number.parseInt(firstHeader(fields, 'x-priority') ?? '', 10);
  if (xPriority === 1 || xPriority === 2) return 'high';
  if (xPriority === 4 || xPriority === 5) return 'low';
  const priority = firstHeader(fields, 'priority')?.toLowerCase();
  if (priority === 'urgent') return 'high';
  if (priority === 'non-urgent') return 'low';
  return 'normal';
}

/*
 * Exchange groups a conversation by its topic (subject without reply/forward prefixes); hashing
 * the topic gives the same stable id for every message of a thread.
 */
function conversationId(subject: string | undefined): string {
  const topic = (subject ?? '')
    .replace(/^(\s*(re|fw|fwd|aw|wg|sv|vs|tr)\s*(\[\d+\])?\s*:\s*)+/i, '')
    .trim()
    .toLowerCase();
  const digest = createHash('sha256').update(topic).digest('base64url').slice(0, 32);
  return `AAQkAGI2TG93${digest}=`;
}

export function readMessageMeta(raw: Buffer): MessageMeta {
  const fields = parseHeaderFields(raw);
  const rawSubject = firstHeader(fields, 'subject');
  const subject = rawSubject === undefined ? undefined : decodeEncodedWords(rawSubject);
  const from = recipients(allHeaders(fields, 'from'))[0];
  const sender = recipients(allHeaders(fields, 'sender'))[0] ?? from;
  const date = firstHeader(fields, 'date');
  const parsedDate = date ? new Date(date.replace(/\s*\([^)]*\)\s*$/, '')) : undefined;
  return {
    subject,
    internetMessageId: firstHeader(fields, 'message-id')?.trim() || undefined,
    from,
    sender,
    toRecipients: recipients(allHeaders(fields, 'to')),
    ccRecipients: recipients(allHeaders(fields, 'cc')),
    bccRecipients: recipients(allHeaders(fields, 'bcc')),
    replyTo: recipients(allHeaders(fields, 'reply-to')),
    sentDateTime: parsedDate && !Number.isNaN(parsedDate.getTime()) ? graphDateTime(parsedDate) : undefined,
    importance: importance(fields),
    conversationId: conversationId(subject),
    isReadReceiptRequested: firstHeader(fields, 'disposition-notification-to') !== undefined,
    isDeliveryReceiptRequested: firstHeader(fields, 'return-receipt-to') !== undefined,
    contentType: parseStructuredHeader(firstHeader(fields, 'content-type')).value || 'text/plain',
  };
}
