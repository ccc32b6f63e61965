import { notFoundItem } from './errors';
import type { GraphContext, MailboxRequest } from './graph-context';
import { GRAPH_JSON, type SimResponse } from './http-io';
import type { FolderRecord, Mailbox } from './mailbox-store';
import { parseDisplayNameFilter, parseSelect, parseTop } from './odata-query';

const FOLDER_PROPERTIES = [
  'id',
  'displayName',
  'parentFolderId',
  'childFolderCount',
  'unreadItemCount',
  'totalItemCount',
  'isHidden',
] as const;

/** Graph pages folder collections at 10 unless $top says otherwise. */
const FOLDER_PAGE = 10;

export function folderJson(folder: FolderRecord, select?: string[]): Record<string, unknown> {
  const all: Record<string, unknown> = {
    id: folder.id,
    displayName: folder.displayName,
    parentFolderId: folder.parentId,
    childFolderCount: folder.children.length,
    unreadItemCount: folder.messages.filter((m) => !m.isRead).length,
    totalItemCount: folder.messages.length,
    isHidden: folder.hidden,
  };
  if (!select) return all;
  const out: Record<string, unknown> = { id: folder.id };
  for (const name of select) out[name] = all[name];
  return out;
}

/** Walks mailFolders/{a}/childFolders/{b}/...; each step must be a child of the previous one. */
export function resolveFolderChain(ctx: GraphContext, mailbox: Mailbox, chain: string[]): FolderRecord {
  let folder = ctx.store.resolveFolder(mailbox, chain[0] as string);
  for (const key of chain.slice(1)) {
    const child = ctx.store.resolveFolder(mailbox, key);
    if (child.parentId !== folder.id) throw notFoundItem();
    folder = child;
  }
  return folder;
}

function json(body: unknown): SimResponse {
  return { status: 200, headers: { 'Content-Type': GRAPH_JSON }, json: body };
}

function selectOf(req: MailboxRequest): string[] | undefined {
  return parseSelect(req.url.searchParams.get('$select'), FOLDER_PROPERTIES, 'microsoft.graph.mailFolder');
}

export function getFolder(ctx: GraphContext, req: MailboxRequest, chain: string[]): SimResponse {
  const folder = resolveFolderChain(ctx, req.mailbox, chain);
  return json({
    '@odata.context': `${ctx.baseUrl()}/v1.0/$metadata#users('${req.userSegment}')/mailFolders/$entity`,
    ...folderJson(folder, selectOf(req)),
  });
}

export function listFolders(ctx: GraphContext, req: MailboxRequest, chain: string[]): SimResponse {
  const params = req.url.searchParams;
  const parent = chain.length ? resolveFolderChain(ctx, req.mailbox, chain) : req.mailbox.root;
  const nameFilter = parseDisplayNameFilter(params.get('$filter'));
  const includeHidden = (params.get('includeHiddenFolders') ?? '').toLowerCase() === 'true';
  const select = selectOf(req);
  const top = parseTop(params.get('$top')) ?? FOLDER_PAGE;
  const skipRaw = params.get('$skip');
  const skip = skipRaw && /^\d+$/.test(skipRaw) ? Number(skipRaw) : 0;

  const matching = parent.children.filter(
    (f) =>
      (includeHidden || !f.hidden) &&
      (nameFilter === undefined ||
        f.displayName.localeCompare(nameFilter, undefined, { sensitivity: 'accent' }) === 0),
  );
  const page = matching.slice(skip, skip + top);
  const body: Record<string, unknown> = {
    '@odata.context': `${ctx.baseUrl()}/v1.0/$metadata#users('${req.userSegment}')/mailFolders`,
    value: page.map((f) => folderJson(f, select)),
  };
  if (skip + top < matching.length) {
    const next = new URL(`${ctx.baseUrl()}${req.url.pathname}`);
    for (const [k, v] of params) if (k !== '$skip') next.searchParams.append(k, v);
    next.searchParams.set('$skip', String(skip + top));
    body['@odata.nextLink'] = next.toString().replace(/%24/g, '$');
  }
  return json(body);
}
