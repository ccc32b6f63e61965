import type { SimResponse } from '../graph/http-io';
import type { MFilesCounterBook } from './counters';
import type { MFilesFaultInjector } from './fault-injector';
import {
  MFilesError,
  iisError,
  methodNotAllowed,
  notFound,
  validationError,
  webServiceError,
} from './mfws-errors';
import type { SessionStore } from './sessions';
import { handleStructure, handleValueListItems } from './structure-routes';
import type { MFilesRequestKind } from './types';
import type { VaultStore } from './vault-store';

/** Everything the MFWS handlers share; one per simulator. */
export interface MfwsContext {
  store: VaultStore;
  sessions: SessionStore;
  counters: MFilesCounterBook;
  faults: MFilesFaultInjector;
  legacyAspx: boolean;
}

export interface MfwsRequest {
  method: string;
  url: URL;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** What the server does with the socket besides answering. */
export interface MfwsOutcome {
  response?: SimResponse;
  delayMs?: number;
  /** Drop the connection without an answer. */
  reset?: boolean;
}

const REST_PREFIX = /^\/REST(\/|$)/i;

function kindOf(method: string, s: string[]): MFilesRequestKind {
  const [area, a, b, c, d, e, f] = s;
  if (area === 'server' && a === 'authenticationtokens') return 'authenticate';
  if (area === 'files') return 'upload';
  if (area === 'structure') return 'structure';
  if (area === 'valuelists') return 'value-list';
  if (area !== 'objects') return 'other';
  if (a === undefined) return 'search';
  if (b === undefined) return method === 'POST' ? 'create' : 'other';
  if (c === 'deleted') return 'deleted';
  if (d === 'properties') return 'properties';
  if (d === 'files' && f === 'content' && e !== undefined) return 'file-content';
  return 'object';
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw validationError('The request body is not valid JSON.');
  }
}

function header(headers: MfwsRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function integer(segment: string | undefined, what: string): number {
  if (segment === undefined || !/^\d+$/.test(segment)) throw notFound(`Invalid ${what} "${segment ?? ''}".`);
  return Number(segment);
}

const ok = (json: unknown): SimResponse => ({ status: 200, json });

/**
 * One MFWS request: IIS-level checks (legacy `.aspx` mode), the `_method` override, fault
 * injection, the session, then the resource.
 */
export async function routeMfws(ctx: MfwsContext, req: MfwsRequest): Promise<MfwsOutcome> {
  const path = req.url.pathname;
  if (!REST_PREFIX.test(path)) return { response: iisError(404, path) };
  const rawSegments = path
    .replace(REST_PREFIX, '')
    .split('/')
    .filter((s) => s !== '');
  const last = rawSegments[rawSegments.length - 1] ?? '';
  const hasAspx = /\.aspx$/i.test(last);
  if (ctx.legacyAspx) {
    // Old IIS hands only *.aspx to the web service and lets only GET and POST through.
    if (!hasAspx) return { response: iisError(404, path) };
    if (req.method !== 'GET' && req.method !== 'POST') return { response: iisError(405, path) };
  }
  if (hasAspx) rawSegments[rawSegments.length - 1] = last.replace(/\.aspx$/i, '');
  const segments = rawSegments.map((s) => decodeURIComponent(s));
  const override = req.url.searchParams.get('_method');
  const method = req.method === 'POST' && override ? override.toUpperCase() : req.method;
  const params = new URLSearchParams(req.url.searchParams);
  params.delete('_method');

  const kind = kindOf(method, segments);
  ctx.counters.request(kind);
  const fault = ctx.faults.take(kind);
  if (fault) ctx.counters.fault(fault.label);
  if (fault?.reset) return { reset: true, delayMs: fault.delayMs };
  const where = `/REST/${segments.join('/')}`;
  try {
    if (fault?.error) {
      if (fault.html) {
        return { delayMs: fault.delayMs, response: iisError(fault.error.status, path, fault.error.headers) };
      }
      throw fault.error;
    }
    const response = await dispatch(ctx, method, segments, params, req);
    return { response, delayMs: fault?.delayMs };
  } catch (err) {
    if (err instanceof MFilesError)
      return { response: webServiceError(err, method, where), delayMs: fault?.delayMs };
    throw err;
  }
}

async function dispatch(
  ctx: MfwsContext,
  method: string,
  s: string[],
  params: URLSearchParams,
  req: MfwsRequest,
): Promise<SimResponse> {
  const where = `/REST/${s.join('/')}`;
  const [area, a, b, c, d, e, f] = s;
  if (area === 'server' && a === 'authenticationtokens' && s.length === 2) {
    if (method !== 'POST') throw methodNotAllowed(method, where);
    const token = ctx.sessions.issue(parseJson(req.body));
    ctx.counters.tokenIssued();
    return ok(token);
  }
  const session = ctx.sessions.require(header(req.headers, 'x-authentication'));
  const { store } = ctx;

  if (area === 'files' && s.length === 1) {
    if (method !== 'POST') throw methodNotAllowed(method, where);
    return ok(store.upload(session, req.body));
  }
  if (area === 'structure' && (a === 'classes' || a === 'properties') && s.length <= 3) {
    if (method !== 'GET') throw methodNotAllowed(method, where);
    return handleStructure(store.structure, a, b);
  }
  if (area === 'valuelists' && a !== undefined && b === 'items' && s.length === 3) {
    if (method !== 'GET') throw methodNotAllowed(method, where);
    return handleValueListItems(store.structure, a);
  }
  if (area !== 'objects') throw notFound(`No resource at ${where}.`);

  if (a === undefined) {
    if (method !== 'GET') throw methodNotAllowed(method, where);
    return ok(store.search(params));
  }
  const type = integer(a, 'object type');
  if (b === undefined) {
    if (method !== 'POST') throw methodNotAllowed(method, where);
    const created = store.create(session, type, parseJson(req.body));
    ctx.counters.objectCreated();
    return ok(store.versionJson(created));
  }
  const id = integer(b, 'object id');
  if (c === 'deleted' && s.length === 4) {
    if (method === 'GET') return ok({ Value: store.get(type, id).deleted });
    if (method !== 'PUT') throw methodNotAllowed(method, where);
    const value = (parseJson(req.body) as { Value?: unknown } | undefined)?.Value;
    if (typeof value !== 'boolean') throw validationError('Expected {"Value": true|false}.');
    return ok(store.versionJson(store.setDeleted(type, id, value)));
  }
  if (method !== 'GET') throw methodNotAllowed(method, where);
  const object = store.get(type, id);
  if (c !== undefined && c !== 'latest' && Number(c) !== object.version) {
    throw notFound(`The version ${c} of object ${type}-${id} does not exist.`);
  }
  if (d === undefined) return ok(store.versionJson(object));
  if (d === 'properties' && s.length === 5) return ok(object.properties);
  if (d === 'files' && s.length === 5) return ok((store.versionJson(object).Files as unknown[]) ?? []);
  if (d === 'files' && f === 'content' && s.length === 7) {
    const file = object.files.find((x) => x.id === integer(e, 'file id'));
    if (!file) throw notFound(`The file ${e ?? ''} does not exist in object ${type}-${id}.`);
    return { status: 200, headers: { 'Content-Type': 'application/octet-stream' }, body: file.bytes };
  }
  throw notFound(`No resource at ${where}.`);
}
