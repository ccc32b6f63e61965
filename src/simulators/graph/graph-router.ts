import type { AppRecord } from './app-registry';
import { handleDelta } from './delta-handler';
import { GraphError, graphErrorBody, methodNotAllowed } from './errors';
import { getFolder, listFolders } from './folder-routes';
import type { GraphContext, GraphRequest, MailboxRequest } from './graph-context';
import { kindFor, normalizeSegments, parseGraphPath, type Route } from './graph-routes';
import { GRAPH_JSON, headerValue, sleep, type SimResponse } from './http-io';
import {
  attachmentValue,
  deleteMessage,
  getAttachment,
  getMessage,
  listAttachments,
  listMessages,
  messageValue,
  moveMessage,
  patchMessage,
} from './message-routes';
import { parsePrefer, wantsImmutableIds } from './odata-query';
import { admit } from './request-admission';

export interface GraphOutcome {
  response: SimResponse;
  /** Ends the request's in-flight slot; call once the response has been delivered. */
  release(): void;
}

export interface RequestIds {
  requestId: string;
  clientRequestId: string;
}

/** Graph's headers on every response, and its error body for GraphError. */
export function finishResponse(response: SimResponse, ids: RequestIds): SimResponse {
  return {
    ...response,
    headers: { ...response.headers, 'request-id': ids.requestId, 'client-request-id': ids.clientRequestId },
  };
}

export function errorResponse(err: GraphError, ids: RequestIds): SimResponse {
  return finishResponse(
    {
      status: err.status,
      headers: { 'Content-Type': 'application/json', ...err.headers },
      json: graphErrorBody(err.code, err.message, ids.requestId, ids.clientRequestId),
    },
    ids,
  );
}

function unauthorized(ctx: GraphContext, message: string): GraphError {
  return new GraphError(401, 'InvalidAuthenticationToken', message, {
    'WWW-Authenticate':
      `Bearer realm="", authorization_uri="${ctx.baseUrl()}/common/oauth2/authorize", ` +
      'client_id="00000003-0000-0000-c000-000000000000"',
  });
}

/** The app behind the bearer token, or a 401 like Graph's. */
export function authenticate(ctx: GraphContext, req: GraphRequest): AppRecord {
  const header = headerValue(req.headers, 'authorization');
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match) throw unauthorized(ctx, 'Access token is empty.');
  const issued = ctx.registry.lookup(match[1] as string);
  if (!issued) throw unauthorized(ctx, 'IDX14100: JWT is not well formed, there are no dots (.).');
  if (issued.expiresAt <= Date.now())
    throw unauthorized(ctx, 'Lifetime validation failed, the token is expired.');
  return issued.app;
}

function dispatch(ctx: GraphContext, req: MailboxRequest, route: Route): Promise<SimResponse> | SimResponse {
  const chain = route.folderChain;
  const id = route.messageId as string;
  const attachmentId = route.attachmentId as string;
  switch (route.name) {
    case 'getUser':
      return userResponse(ctx, req);
    case 'listTopFolders':
      return listFolders(ctx, req, []);
    case 'getFolder':
      return getFolder(ctx, req, chain);
    case 'listChildFolders':
      return listFolders(ctx, req, chain);
    case 'listMessages':
      return listMessages(ctx, req, chain);
    case 'delta':
      return handleDelta(ctx, req, chain);
    case 'getMessage':
      if (req.method === 'PATCH') return patchMessage(ctx, req, chain, id);
      if (req.method === 'DELETE') return deleteMessage(ctx, req, chain, id);
      return getMessage(ctx, req, chain, id);
    case 'value':
      return messageValue(ctx, req, id);
    case 'move':
      return moveMessage(ctx, req, chain, id);
    case 'listAttachments':
      return listAttachments(ctx, req, chain, id);
    case 'getAttachment':
      return getAttachment(ctx, req, chain, id, attachmentId);
    case 'attachmentValue':
      return attachmentValue(ctx, req, chain, id, attachmentId);
    case 'folderValue':
      throw methodNotAllowed();
    default:
      throw new GraphError(404, 'ResourceNotFound', `Unhandled route ${String(route.name satisfies never)}`);
  }
}

/** Just enough of microsoft.graph.user to map a UPN to its id. */
function userResponse(ctx: GraphContext, req: MailboxRequest): SimResponse {
  const { mailbox } = req;
  return {
    status: 200,
    headers: { 'Content-Type': GRAPH_JSON },
    json: {
      '@odata.context': `${ctx.baseUrl()}/v1.0/$metadata#users/$entity`,
      id: mailbox.userId,
      userPrincipalName: mailbox.upn,
      mail: mailbox.upn,
      displayName: mailbox.upn.split('@')[0],
    },
  };
}

const NOOP = (): void => undefined;

/**
 * The pipeline every Graph request goes through, in Graph's order: token, mailbox, access
 * policy, concurrency throttle, then the operation (with the simulated latency inside the
 * in-flight window).
 */
export async function handleGraph(
  ctx: GraphContext,
  req: GraphRequest,
  ids: RequestIds,
): Promise<GraphOutcome> {
  const segments = normalizeSegments(req.url.pathname).slice(1);
  const parsed = parseGraphPath(segments);
  const kind = kindFor(parsed.route, req.method);
  ctx.counters.request(kind);
  ctx.counters.graphRequest();
  let release = NOOP;
  try {
    const app = authenticate(ctx, req);
    if (parsed.root === 'me') {
      throw new GraphError(
        400,
        'BadRequest',
        '/me request is only valid with delegated authentication flow.',
      );
    }
    if (!parsed.route || parsed.userSegment === undefined) {
      const segment = segments[segments.length - 1] ?? '';
      throw new GraphError(404, 'ResourceNotFound', `Resource not found for the segment '${segment}'.`);
    }
    const mailbox = ctx.store.find(parsed.userSegment);
    if (!mailbox) {
      throw new GraphError(404, 'ErrorInvalidUser', `The requested user '${parsed.userSegment}' is invalid.`);
    }
    if (!ctx.registry.allows(app, mailbox))
      throw new GraphError(403, 'ErrorAccessDenied', 'Access to OData is disabled.');
    if (!ctx.registry.permits(app, req.method ?? 'GET'))
      throw new GraphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
    if (!parsed.route.methods.includes(req.method)) throw methodNotAllowed();
    const admitted = admit(ctx, mailbox.key, kind);
    release = admitted.release;
    const fault = admitted.fault;
    if (fault?.error) throw fault.error;
    // Delta sleeps itself, after registering its round, so overlapping rounds are seen as such.
    if (ctx.latencyMs > 0 && parsed.route.name !== 'delta') await sleep(ctx.latencyMs);
    const prefs = parsePrefer(headerValue(req.headers, 'prefer'));
    const mailboxRequest: MailboxRequest = {
      ...req,
      app,
      mailbox,
      userSegment: parsed.userSegment,
      prefs,
      immutableIds: wantsImmutableIds(prefs),
    };
    const response = await dispatch(ctx, mailboxRequest, parsed.route);
    if (fault?.trickleMs !== undefined) response.trickleMs = fault.trickleMs;
    if (fault?.reset) response.reset = true;
    return { response: finishResponse(response, ids), release };
  } catch (err) {
    if (err instanceof GraphError) return { response: errorResponse(err, ids), release };
    release();
    throw err;
  }
}

/** For paths that are not under a known root (e.g. /v2.0/...). */
export function unknownRoute(segment: string, ids: RequestIds): SimResponse {
  return errorResponse(
    new GraphError(404, 'ResourceNotFound', `Resource not found for the segment '${segment}'.`),
    ids,
  );
}
