import type { MessageFacts } from '../conversion/conversion-types';
import type { MessageSummary } from '../sources/mail-source';
import type { MessageInfo } from './mapped-metadata';

/** The source fields MessageInfo names (a SourceDefinition fits). */
export interface MessageOrigin {
  id: string;
  mailbox: string;
  folder: string;
}

/**
 * Everything rules, filters and property mappings may read about a message: what the delta page
 * said (Graph's parsed addresses, categories, importance, thread) plus, once the MIME is converted,
 * what only the content has (headers, body text, attachment names as a user sees them).
 *
 * Without `facts` (before the download) headers and attachment names are empty and there is no body:
 * rules on those need the facts (see `filtersNeedContent`). Where both know a field, the summary
 * wins for addresses and times (what Exchange shows the user) and the facts for attachments (Graph's
 * hasAttachments ignores inline parts, the facts reflect the inline policy).
 */
export function messageInfoFrom(
  origin: MessageOrigin,
  summary: MessageSummary,
  facts?: MessageFacts,
): MessageInfo {
  const info: MessageInfo = {
    sourceId: origin.id,
    mailbox: origin.mailbox,
    folder: origin.folder,
    messageId: summary.id,
    to: summary.to.length > 0 || !facts ? [...summary.to] : [...facts.to],
    cc: summary.cc.length > 0 || !facts ? [...summary.cc] : [...facts.cc],
    received: summary.receivedDateTime,
    categories: [...(summary.categories ?? [])],
    hasAttachments: facts?.hasAttachments ?? summary.hasAttachments ?? false,
    attachmentNames: [...(facts?.attachmentNames ?? [])],
    headers: [...(facts?.headers ?? [])],
  };
  const internetMessageId = summary.internetMessageId ?? facts?.messageId;
  if (internetMessageId !== undefined) info.internetMessageId = internetMessageId;
  if (summary.conversationId !== undefined) info.conversationId = summary.conversationId;
  const subject = summary.subject ?? facts?.subject;
  if (subject !== undefined) info.subject = subject;
  const from = summary.from ?? facts?.from;
  if (from !== undefined) info.from = { ...from };
  const sent = summary.sentDateTime ?? facts?.date;
  if (sent !== undefined) info.sent = sent;
  if (summary.importance !== undefined) info.importance = summary.importance;
  if (facts?.bodyText !== undefined) info.bodyText = facts.bodyText;
  return info;
}
