import type { ContentCache } from './message-content';
import { FULL_PARSE_LIMIT } from './message-content';
import type { MessageRecord } from './mailbox-store';
import { parseHeaderFields } from './mime-headers';

/** Properties of microsoft.graph.message the simulator can return (and therefore $select). */
export const MESSAGE_PROPERTIES = [
  'id',
  'createdDateTime',
  'lastModifiedDateTime',
  'changeKey',
  'categories',
  'receivedDateTime',
  'sentDateTime',
  'hasAttachments',
  'internetMessageId',
  'subject',
  'bodyPreview',
  'importance',
  'parentFolderId',
  'conversationId',
  'isDeliveryReceiptRequested',
  'isReadReceiptRequested',
  'isRead',
  'isDraft',
  'webLink',
  'inferenceClassification',
  'body',
  'uniqueBody',
  'sender',
  'from',
  'toRecipients',
  'ccRecipients',
  'bccRecipients',
  'replyTo',
  'flag',
  'internetMessageHeaders',
] as const;

/** What Graph returns without $select: everything except the properties that must be asked for. */
const DEFAULT_PROPERTIES = MESSAGE_PROPERTIES.filter(
  (p) => p !== 'uniqueBody' && p !== 'internetMessageHeaders',
);

export interface MessageJsonOptions {
  immutableIds: boolean;
  select?: string[];
  /** From `Prefer: outlook.body-content-type`; Graph defaults to HTML. */
  bodyType: 'html' | 'text';
  /** Delta pages tag every entry with its type. */
  withType?: boolean;
}

export const messageIdFor = (message: MessageRecord, immutable: boolean): string =>
  immutable ? message.immutableId : message.id;

async function bodyOf(
  message: MessageRecord,
  cache: ContentCache,
  bodyType: 'html' | 'text',
): Promise<{ contentType: string; content: string }> {
  if (message.raw.length > FULL_PARSE_LIMIT) return { contentType: 'text', content: '' };
  try {
    const parsed = await cache.content(message.immutableId, message.raw);
    if (bodyType === 'text' || parsed.html === undefined) {
      return bodyType === 'text'
        ? { contentType: 'text', content: parsed.text }
        : { contentType: 'html', content: `<html><body><pre>${escapeHtml(parsed.text)}</pre></body></html>` };
    }
    return { contentType: 'html', content: parsed.html };
  } catch {
    return { contentType: 'text', content: '' };
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

export async function messageJson(
  message: MessageRecord,
  cache: ContentCache,
  options: MessageJsonOptions,
): Promise<Record<string, unknown>> {
  const wanted = new Set<string>(options.select ?? DEFAULT_PROPERTIES);
  const id = messageIdFor(message, options.immutableIds);
  const meta = message.meta;
  const needsSummary = wanted.has('bodyPreview') || wanted.has('hasAttachments');
  const summary = needsSummary
    ? await cache.summary(message.immutableId, message.raw, meta.contentType)
    : { bodyPreview: '', hasAttachments: false };
  const body =
    wanted.has('body') || wanted.has('uniqueBody')
      ? await bodyOf(message, cache, options.bodyType)
      : undefined;

  const all: Record<string, () => unknown> = {
    id: () => id,
    createdDateTime: () => message.createdDateTime,
    lastModifiedDateTime: () => message.lastModifiedDateTime,
    changeKey: () => message.changeKey,
    categories: () => [...message.categories],
    receivedDateTime: () => message.receivedDateTime,
    sentDateTime: () => meta.sentDateTime ?? message.receivedDateTime,
    hasAttachments: () => summary.hasAttachments,
    internetMessageId: () => meta.internetMessageId ?? null,
    subject: () => meta.subject ?? null,
    bodyPreview: () => summary.bodyPreview,
    importance: () => meta.importance,
    parentFolderId: () => message.folder.id,
    conversationId: () => meta.conversationId,
    isDeliveryReceiptRequested: () => meta.isDeliveryReceiptRequested,
    isReadReceiptRequested: () => meta.isReadReceiptRequested,
    isRead: () => message.isRead,
    isDraft: () => false,
    webLink: () =>
      `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(id)}&exvsurl=1&viewmodel=ReadMessageItem`,
    inferenceClassification: () => 'focused',
    body: () => body,
    uniqueBody: () => body,
    sender: () => meta.sender ?? null,
    from: () => meta.from ?? null,
    toRecipients: () => meta.toRecipients,
    ccRecipients: () => meta.ccRecipients,
    bccRecipients: () => meta.bccRecipients,
    replyTo: () => meta.replyTo,
    flag: () => ({ flagStatus: 'notFlagged' }),
    internetMessageHeaders: () =>
      parseHeaderFields(message.raw).map((f) => ({ name: f.rawName, value: f.value })),
  };

  const out: Record<string, unknown> = {};
  if (options.withType) out['@odata.type'] = '#microsoft.graph.message';
  out['@odata.etag'] = `W/"${message.changeKey}"`;
  out.id = id;
  for (const name of MESSAGE_PROPERTIES) {
    if (name !== 'id' && wanted.has(name)) out[name] = all[name]?.();
  }
  return out;
}
