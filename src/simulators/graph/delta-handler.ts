import { randomUUID } from 'node:crypto';
import { deltaPage, type ChangeType, type RoundOptions, type SkipState } from './delta';
import { badRequest, GraphError } from './errors';
import { resolveFolderChain } from './folder-routes';
import type { GraphContext, MailboxRequest } from './graph-context';
import { GRAPH_JSON, sleep, type SimResponse } from './http-io';
import { messageJson } from './message-json';
import { jsonOptions, messageSelect } from './message-routes';
import { maxPageSize, parseReceivedFilter, parseTop } from './odata-query';

const syncStateNotFound = (): GraphError =>
  new GraphError(
    410,
    'SyncStateNotFound',
    'The sync state is not found or has expired. Restart synchronization with an initial delta request.',
  );

const invalidSyncState = (): GraphError =>
  new GraphError(
    400,
    'ErrorInvalidSyncStateData',
    'The synchronization state data is corrupt or otherwise invalid.',
  );

/** Query options the delta function rejects, with Graph's reason. */
function rejectUnsupported(params: URLSearchParams): void {
  for (const name of ['$search', '$skip', '$count', '$expand']) {
    if (params.has(name)) {
      throw badRequest(
        `The query parameter '${name}' is not supported with delta on messages.`,
        'ErrorInvalidUrlQuery',
      );
    }
  }
  const orderBy = params.get('$orderby');
  if (orderBy !== null && !/^\s*receivedDateTime\s+desc\s*$/i.test(orderBy)) {
    throw badRequest(
      "Delta on messages supports only '$orderby=receivedDateTime desc'.",
      'ErrorInvalidUrlQuery',
    );
  }
}

function initialOptions(req: MailboxRequest): RoundOptions {
  const params = req.url.searchParams;
  const changeType = params.get('changeType')?.toLowerCase();
  if (changeType !== undefined && !['created', 'updated', 'deleted'].includes(changeType)) {
    throw badRequest(`Invalid changeType '${changeType}'; expected created, updated or deleted.`);
  }
  return {
    select: messageSelect(req),
    top: parseTop(params.get('$top')),
    changeType: changeType as ChangeType | undefined,
    received: parseReceivedFilter(params.get('$filter')),
  };
}

function link(
  ctx: GraphContext,
  req: MailboxRequest,
  folderId: string,
  param: string,
  token: string,
): string {
  return (
    `${ctx.baseUrl()}/v1.0/users/${encodeURIComponent(req.userSegment)}/mailfolders('${folderId}')` +
    `/messages/delta?${param}=${token}`
  );
}

export async function handleDelta(
  ctx: GraphContext,
  req: MailboxRequest,
  chain: string[],
): Promise<SimResponse> {
  const params = req.url.searchParams;
  rejectUnsupported(params);
  const folder = resolveFolderChain(ctx, req.mailbox, chain);
  const mailbox = req.mailbox;
  const skipToken = params.get('$skiptoken');
  const deltaToken = params.get('$deltatoken');
  if (skipToken !== null && deltaToken !== null)
    throw badRequest('Use either $skiptoken or $deltatoken, not both.');

  let state: SkipState;
  let continuing = false;
  const fresh = (from: number, options: RoundOptions): SkipState => ({
    kind: 'skip',
    mailboxId: mailbox.userId,
    folderId: folder.id,
    epoch: mailbox.syncEpoch,
    from,
    anchor: mailbox.seq,
    cursor: 0,
    roundId: randomUUID(),
    ...options,
  });
  const token = skipToken ?? deltaToken;
  if (token !== null) {
    const decoded = ctx.syncTokens.decode(token);
    const expectedKind = skipToken !== null ? 'skip' : 'delta';
    if (!decoded || decoded.kind !== expectedKind) throw invalidSyncState();
    if (decoded.mailboxId !== mailbox.userId || decoded.folderId !== folder.id) throw invalidSyncState();
    if (decoded.epoch !== mailbox.syncEpoch) {
      if (decoded.kind === 'skip') ctx.counters.roundEnded(folder.id, decoded.roundId);
      throw syncStateNotFound();
    }
    if (decoded.kind === 'skip') {
      state = decoded;
      continuing = true;
    } else {
      const { select, top, changeType, received } = decoded;
      state = fresh(decoded.seq, { select, top, changeType, received });
    }
  } else {
    state = fresh(0, initialOptions(req));
  }

  if (continuing) ctx.counters.roundTouched(folder.id, state.roundId);
  else ctx.counters.roundStarted(folder.id, state.roundId);
  if (ctx.latencyMs > 0) await sleep(ctx.latencyMs);

  const preferred = maxPageSize(req.prefs);
  const pageSize = preferred ?? state.top ?? ctx.defaultPageSize;
  const page = deltaPage(mailbox, folder, state, pageSize, req.immutableIds);
  const options = { ...jsonOptions(req, state.select), withType: true };
  const value = await Promise.all(
    page.entries.map((entry) =>
      'message' in entry
        ? messageJson(entry.message, ctx.content, options)
        : Promise.resolve({ id: entry.removedId, '@removed': { reason: 'deleted' } }),
    ),
  );

  const body: Record<string, unknown> = {
    '@odata.context': `${ctx.baseUrl()}/v1.0/$metadata#Collection(message)`,
  };
  const headers: Record<string, string> = { 'Content-Type': GRAPH_JSON };
  if (preferred !== undefined) headers['Preference-Applied'] = `odata.maxpagesize=${preferred}`;
  let after: (() => void) | undefined;
  const { select, top, changeType, received } = state;
  if (page.last) {
    body['@odata.deltaLink'] = link(
      ctx,
      req,
      folder.id,
      '$deltatoken',
      ctx.syncTokens.encode({
        kind: 'delta',
        mailboxId: mailbox.userId,
        folderId: folder.id,
        epoch: state.epoch,
        seq: state.anchor,
        select,
        top,
        changeType,
        received,
      }),
    );
    const roundId = state.roundId;
    after = () => ctx.counters.roundEnded(folder.id, roundId);
  } else {
    body['@odata.nextLink'] = link(
      ctx,
      req,
      folder.id,
      '$skiptoken',
      ctx.syncTokens.encode({ ...state, cursor: page.cursor }),
    );
  }
  body.value = value;
  return { status: 200, headers, json: body, after };
}
