import { badRequest, GraphError, notFoundItem } from './errors';
import { resolveFolderChain } from './folder-routes';
import type { GraphContext, MailboxRequest } from './graph-context';
import { GRAPH_JSON, headerValue, type SimResponse } from './http-io';
import type { MessageRecord } from './mailbox-store';
import type { AttachmentInfo } from './message-content';
import { MESSAGE_PROPERTIES, messageJson, type MessageJsonOptions } from './message-json';
import { parseSelect, parseTop } from './odata-query';

export function jsonOptions(req: MailboxRequest, select?: string[]): MessageJsonOptions {
  const bodyPref = (req.prefs.get('outlook.body-content-type') ?? '').toLowerCase();
  return { immutableIds: req.immutableIds, select, bodyType: bodyPref === 'text' ? 'text' : 'html' };
}

export function messageSelect(req: MailboxRequest): string[] | undefined {
  return parseSelect(req.url.searchParams.get('$select'), MESSAGE_PROPERTIES, 'microsoft.graph.message');
}

/** Finds the message; a folder-scoped path also requires the message to be in that folder. */
function findMessage(ctx: GraphContext, req: MailboxRequest, chain: string[], id: string): MessageRecord {
  const message = ctx.store.findMessage(req.mailbox, id);
  if (chain.length && resolveFolderChain(ctx, req.mailbox, chain) !== message.folder) throw notFoundItem();
  return message;
}

function entityContext(ctx: GraphContext, req: MailboxRequest): string {
  return `${ctx.baseUrl()}/v1.0/$metadata#users('${req.userSegment}')/messages/$entity`;
}

async function messageResponse(
  ctx: GraphContext,
  req: MailboxRequest,
  message: MessageRecord,
  status: number,
  select?: string[],
): Promise<SimResponse> {
  const body = await messageJson(message, ctx.content, jsonOptions(req, select));
  return {
    status,
    headers: { 'Content-Type': GRAPH_JSON },
    json: { '@odata.context': entityContext(ctx, req), ...body },
  };
}

function readJson(req: MailboxRequest): Record<string, unknown> {
  const type = headerValue(req.headers, 'content-type') ?? '';
  if (!type.toLowerCase().includes('application/json')) {
    throw new GraphError(
      415,
      'UnsupportedMediaType',
      'A supported MIME type could not be found that matches the content type of the response. Use application/json.',
    );
  }
  try {
    const value: unknown = JSON.parse(req.body.toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw badRequest(
    'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
  );
}

export async function getMessage(
  ctx: GraphContext,
  req: MailboxRequest,
  chain: string[],
  id: string,
): Promise<SimResponse> {
  const message = findMessage(ctx, req, chain, id);
  return messageResponse(ctx, req, message, 200, messageSelect(req));
}

export async function patchMessage(
  ctx: GraphContext,
  req: MailboxRequest,
  chain: string[],
  id: string,
): Promise<SimResponse> {
  const message = findMessage(ctx, req, chain, id);
  const body = readJson(req);
  const patch: { isRead?: boolean; categories?: string[] } = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === 'isRead' && typeof value === 'boolean') patch.isRead = value;
    else if (key === 'categories' && Array.isArray(value) && value.every((c) => typeof c === 'string')) {
      patch.categories = value as string[];
    } else if (key === 'isRead' || key === 'categories') {
      throw badRequest(`Invalid value for property '${key}'.`);
    } else {
      throw badRequest(
        `The simulator only updates isRead and categories; property '${key}' is not supported.`,
      );
    }
  }
  ctx.store.update(req.mailbox, message, patch);
  return messageResponse(ctx, req, message, 200);
}

export function deleteMessage(
  ctx: GraphContext,
  req: MailboxRequest,
  chain: string[],
  id: string,
): SimResponse {
  const message = findMessage(ctx, req, chain, id);
  const outcome = ctx.store.delete(req.mailbox, message);
  if (outcome === 'removed') ctx.content.forget(message.immutableId);
  return { status: 204 };
}

export async function moveMessage(
  ctx: GraphContext,
  req: MailboxRequest,
  chain: string[],
  id: string,
): Promise<SimResponse> {
  const message = findMessage(ctx, req, chain, id);
  const body = readJson(req);
  const destinationId = body.destinationId;
  if (typeof destinationId !== 'string' || destinationId === '') {
    throw badRequest("Missing or invalid 'destinationId' in the request body.", 'ErrorInvalidParameter');
  }
  const destination = ctx.store.resolveFolder(req.mailbox, destinationId);
  ctx.store.move(req.mailbox, message, destination);
  return messageResponse(ctx, req, message, 201);
}

/** The raw MIME, labelled text/plain exactly as Graph does, bytes untouched. */
export function messageValue(ctx: GraphContext, req: MailboxRequest, id: string): SimResponse {
  const message = findMessage(ctx, req, [], id);
  return { status: 200, headers: { 'Content-Type': 'text/plain' }, body: message.raw };
}

export async function listMessages(
  ctx: GraphContext,
  req: MailboxRequest,
  chain: string[],
): Promise<SimResponse> {
  const params = req.url.searchParams;
  const select = messageSelect(req);
  const top = parseTop(params.get('$top')) ?? 10;
  const skipRaw = params.get('$skip');
  const skip = skipRaw && /^\d+$/.test(skipRaw) ? Number(skipRaw) : 0;
  const all = chain.length
    ? [...resolveFolderChain(ctx, req.mailbox, chain).messages]
    : ctx.store.messagesIn(req.mailbox);
  // Graph lists newest first by default.
  all.sort((a, b) => b.receivedDateTime.localeCompare(a.receivedDateTime) || b.placementSeq - a.placementSeq);
  const page = all.slice(skip, skip + top);
  const value = await Promise.all(page.map((m) => messageJson(m, ctx.content, jsonOptions(req, select))));
  const body: Record<string, unknown> = {
    '@odata.context': `${ctx.baseUrl()}/v1.0/$metadata#users('${req.userSegment}')/messages`,
    value,
  };
  if (skip + top < all.length) {
    const next = new URL(`${ctx.baseUrl()}${req.url.pathname}`);
    for (const [k, v] of params) if (k !== '$skip') next.searchParams.append(k, v);
    next.searchParams.set('$skip', String(skip + top));
    body['@odata.nextLink'] = next.toString().replace(/%24/g, '$');
  }
  return { status: 200, headers: { 'Content-Type': GRAPH_JSON }, json: body };
}

function attachmentJson(att: AttachmentInfo, withBytes: boolean): Record<string, unknown> {
  const common = {
    id: att.id,
    lastModifiedDateTime: '2024-01-01T00:00:00Z',
    name: att.name,
    contentType: att.contentType,
    size: att.size,
    isInline: att.isInline,
  };
  if (att.kind === 'item') return { '@odata.type': '#microsoft.graph.itemAttachment', ...common };
  return {
    '@odata.type': '#microsoft.graph.fileAttachment',
    ...common,
    contentId: att.contentId ?? null,
    contentLocation: null,
    ...(withBytes ? { contentBytes: att.content.toString('base64') } : {}),
  };
}

async function attachmentsOf(ctx: GraphContext, message: MessageRecord): Promise<AttachmentInfo[]> {
  return (await ctx.content.content(message.immutableId, message.raw)).attachments;
}

export async function listAttachments(
  ctx: GraphContext,
  req: MailboxRequest,
  chain: string[],
  id: string,
): Promise<SimResponse> {
  const message = findMessage(ctx, req, chain, id);
  const attachments = await attachmentsOf(ctx, message);
  return {
    status: 200,
    headers: { 'Content-Type': GRAPH_JSON },
    json: {
      '@odata.context': `${ctx.baseUrl()}/v1.0/$metadata#users('${req.userSegment}')/messages('${id}')/attachments`,
      value: attachments.map((a) => attachmentJson(a, true)),
    },
  };
}

async function findAttachment(
  ctx: GraphContext,
  req: MailboxRequest,
  chain: string[],
  id: string,
  attachmentId: string,
): Promise<AttachmentInfo> {
  const message = findMessage(ctx, req, chain, id);
  const found = (await attachmentsOf(ctx, message)).find((a) => a.id === attachmentId);
  if (!found) throw notFoundItem();
  return found;
}

export async function getAttachment(
  ctx: GraphContext,
  req: MailboxRequest,
  chain: string[],
  id: string,
  attachmentId: string,
): Promise<SimResponse> {
  const att = await findAttachment(ctx, req, chain, id, attachmentId);
  return { status: 200, headers: { 'Content-Type': GRAPH_JSON }, json: attachmentJson(att, true) };
}

/** `$value` of an attachment: the embedded message's MIME, or a file attachment's bytes. */
export async function attachmentValue(
  ctx: GraphContext,
  req: MailboxRequest,
  chain: string[],
  id: string,
  attachmentId: string,
): Promise<SimResponse> {
  const att = await findAttachment(ctx, req, chain, id, attachmentId);
  const type = att.kind === 'item' ? 'text/plain' : att.contentType;
  return { status: 200, headers: { 'Content-Type': type }, body: att.content };
}
