import { columnJson, driveItemJson, driveJson, fieldsJson, jsonResponse, siteJson } from './drive-json';
import type { DriveItemRecord, DriveRecord } from './drive-store';
import { GraphError } from './errors';
import type { GraphContext, GraphRequest } from './graph-context';
import {
  authenticate,
  errorResponse,
  finishResponse,
  type GraphOutcome,
  type RequestIds,
} from './graph-router';
import { headerValue, sleep, type SimResponse } from './http-io';
import { admit } from './request-admission';

/*
 * SharePoint document libraries through Graph's drive API, the part postroom uses:
 *   GET   /sites/{hostname}:/{server-relative-path}        site by path
 *   GET   /sites/{site-id}[/drives]                        site, its document libraries
 *   GET   /drives/{d}[/list/columns]                       library, its columns
 *   GET   /drives/{d}/root[:/{path}:][/children]           item by path, folder listing
 *   PUT   /drives/{d}/root:/{path}:/content                simple upload (?@microsoft.graph.conflictBehavior=)
 *   GET   /drives/{d}/root:/{path}:/content                302 to a pre-authenticated download link
 *   POST  /drives/{d}/root:/{path}:/createUploadSession    upload session (see drive-transfers.ts)
 *   GET|PATCH /drives/{d}/items/{id}/listItem/fields       column values
 * Items can also be addressed as /items/{id}[:/{relative path}:]. Parent folders of an upload by
 * path are created as needed, as OneDrive and SharePoint do.
 */

/** Graph's documented cap for a simple upload (PUT …/content). */
export const DEFAULT_SIMPLE_UPLOAD_MAX_BYTES = 250 * 1024 * 1024;
/** Children are paged at 200 unless $top says otherwise. */
const CHILDREN_PAGE = 200;

export function isDrivePath(segments: string[]): boolean {
  const root = (segments[1] ?? '').toLowerCase();
  return segments[0] === 'v1.0' && (root === 'sites' || root === 'drives');
}

interface DriveRoute {
  kind: string;
  throttleKey: string;
  run: () => SimResponse;
}

const notFound = (what = 'The resource could not be found.'): GraphError =>
  new GraphError(404, 'itemNotFound', what);
const decode = (raw: string): string[] =>
  raw
    .split('/')
    .filter((s) => s !== '')
    .map((s) => decodeURIComponent(s));

/** Splits `root:/a/b.pdf:/content` into the base, the path below it and what follows. */
function splitColonPath(rest: string): { base: string; path: string[]; tail: string } {
  const baseEnd = rest.startsWith('items/') ? 6 + rest.slice(6).search(/[/:]|$/) : rest.search(/[/:]|$/);
  const base = rest.slice(0, baseEnd);
  const after = rest.slice(baseEnd);
  if (!after.startsWith(':')) return { base, path: [], tail: after.replace(/^\//, '') };
  const inner = after.slice(1);
  const end = inner.indexOf(':');
  return {
    base,
    path: decode(end < 0 ? inner : inner.slice(0, end)),
    tail: end < 0 ? '' : inner.slice(end + 1).replace(/^\//, ''),
  };
}

function siteRoute(ctx: GraphContext, req: GraphRequest, rest: string): DriveRoute {
  const colon = rest.indexOf(':');
  let site;
  let tail: string;
  if (colon >= 0) {
    const hostname = decodeURIComponent(rest.slice(0, colon));
    const inner = rest.slice(colon + 1);
    const end = inner.indexOf(':');
    site = ctx.drives.siteByPath(hostname, decode(end < 0 ? inner : inner.slice(0, end)).join('/'));
    tail = end < 0 ? '' : inner.slice(end + 1).replace(/^\//, '');
  } else {
    const [id = '', ...more] = rest.split('/');
    site = ctx.drives.sites.find((s) => s.id === decodeURIComponent(id));
    tail = more.join('/');
  }
  return {
    kind: tail.toLowerCase() === 'drives' ? 'drives' : 'site',
    throttleKey: `site:${site?.id ?? rest}`,
    run: () => {
      if (!site) throw notFound('Requested site could not be found');
      if (req.method !== 'GET') throw new GraphError(405, 'invalidRequest', 'Method not allowed.');
      if (tail === '') return jsonResponse(200, siteJson(ctx.baseUrl(), site));
      if (tail.toLowerCase() === 'drives') return jsonResponse(200, { value: site.drives.map(driveJson) });
      throw notFound();
    },
  };
}

function driveRoute(ctx: GraphContext, req: GraphRequest, rest: string): DriveRoute {
  const slash = rest.indexOf('/');
  const driveId = decodeURIComponent(slash < 0 ? rest : rest.slice(0, slash));
  const drive = ctx.drives.drives.get(driveId);
  const below = slash < 0 ? '' : rest.slice(slash + 1);
  const { base, path, tail } = splitColonPath(below);
  const action = tail.toLowerCase();
  const kind =
    action === 'content'
      ? req.method === 'PUT'
        ? 'simpleUpload'
        : 'download'
      : action === 'createuploadsession'
        ? 'createUploadSession'
        : action.startsWith('listitem')
          ? 'listItemFields'
          : action === 'children'
            ? 'children'
            : base === 'list'
              ? 'columns'
              : 'driveItem';
  return {
    kind,
    throttleKey: `drive:${driveId}`,
    run: () => {
      if (!drive) throw notFound('The drive could not be found.');
      if (base === '') return jsonResponse(200, driveJson(drive));
      if (base === 'list' && action === 'columns')
        return jsonResponse(200, { value: drive.columns.map(columnJson) });
      const from =
        base === 'root' ? drive.root : drive.items.get(decodeURIComponent(base.slice('items/'.length)));
      if (!from || (base !== 'root' && !base.startsWith('items/'))) throw notFound();
      if (action === 'content' && req.method === 'PUT') return simpleUpload(ctx, req, drive, from, path);
      if (action === 'createuploadsession' && req.method === 'POST')
        return createSession(ctx, req, drive, from, path);
      const item = ctx.drives.resolve(drive, from, path);
      if (!item) throw notFound();
      return itemAction(ctx, req, drive, item, action);
    },
  };
}

function itemAction(
  ctx: GraphContext,
  req: GraphRequest,
  drive: DriveRecord,
  item: DriveItemRecord,
  action: string,
): SimResponse {
  const store = ctx.drives;
  if (action === '' && req.method === 'GET') return jsonResponse(200, driveItemJson(store, drive, item));
  if (action === 'children' && req.method === 'GET') {
    if (!item.isFolder) throw new GraphError(400, 'invalidRequest', 'The item is not a folder.');
    const top = Number(req.url.searchParams.get('$top')) || CHILDREN_PAGE;
    const skip = Number(req.url.searchParams.get('$skiptoken')) || 0;
    const all = store.children(drive, item);
    const body: Record<string, unknown> = {
      value: all.slice(skip, skip + top).map((c) => driveItemJson(store, drive, c)),
    };
    if (skip + top < all.length) {
      const next = new URL(`${ctx.baseUrl()}${req.url.pathname}`);
      next.searchParams.set('$top', String(top));
      next.searchParams.set('$skiptoken', String(skip + top));
      body['@odata.nextLink'] = next.toString();
    }
    return jsonResponse(200, body);
  }
  if (action === 'content' && req.method === 'GET') {
    if (item.isFolder) throw new GraphError(400, 'invalidRequest', 'A folder has no content.');
    return {
      status: 302,
      headers: { Location: ctx.driveTransfers.downloadLink(ctx.baseUrl(), drive, item) },
    };
  }
  if (action === 'listitem' && req.method === 'GET') {
    const expand = (req.url.searchParams.get('$expand') ?? '').toLowerCase().includes('fields');
    return jsonResponse(200, {
      id: String(item.listItemId),
      ...(expand ? { fields: fieldsJson(item) } : {}),
    });
  }
  if (action === 'listitem/fields') {
    if (req.method === 'PATCH') {
      let values: Record<string, unknown>;
      try {
        values = JSON.parse(req.body.toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        throw new GraphError(400, 'invalidRequest', 'Invalid request body.');
      }
      store.setFields(drive, item, values);
    } else if (req.method !== 'GET') throw new GraphError(405, 'invalidRequest', 'Method not allowed.');
    return jsonResponse(200, fieldsJson(item));
  }
  throw new GraphError(400, 'invalidRequest', `Unsupported request ${req.method} ${action || 'item'}.`);
}

/** The last segment of an upload path: the new file's name. */
function fileNameOf(path: string[]): string {
  const name = path[path.length - 1];
  if (!name) throw new GraphError(400, 'invalidRequest', 'A file name is required.');
  return name;
}

function conflictBehaviorOf(value: unknown, fallback: string): string {
  const behavior = typeof value === 'string' ? value.toLowerCase() : fallback;
  if (!['fail', 'replace', 'rename'].includes(behavior))
    throw new GraphError(400, 'invalidRequest', `Invalid conflict behavior ${String(value)}.`);
  return behavior;
}

function simpleUpload(
  ctx: GraphContext,
  req: GraphRequest,
  drive: DriveRecord,
  from: DriveItemRecord,
  path: string[],
): SimResponse {
  const name = fileNameOf(path);
  if (req.body.length > ctx.simpleUploadMaxBytes) {
    throw new GraphError(
      413,
      'requestEntityTooLarge',
      'The file is too large for a simple upload: use an upload session.',
    );
  }
  // A simple upload replaces an existing file unless told otherwise.
  const behavior = conflictBehaviorOf(
    req.url.searchParams.get('@microsoft.graph.conflictBehavior') ?? undefined,
    'replace',
  );
  const folder = ctx.drives.ensureFolder(drive, from, path.slice(0, -1));
  const existed = ctx.drives.child(drive, folder, name) !== undefined;
  const contentType = (headerValue(req.headers, 'content-type') ?? 'application/octet-stream').split(';')[0]!;
  const item = ctx.drives.putFile(drive, folder, name, req.body, behavior, contentType);
  return jsonResponse(existed && behavior === 'replace' ? 200 : 201, driveItemJson(ctx.drives, drive, item));
}

function createSession(
  ctx: GraphContext,
  req: GraphRequest,
  drive: DriveRecord,
  from: DriveItemRecord,
  path: string[],
): SimResponse {
  const name = fileNameOf(path);
  let body: { item?: Record<string, unknown> } = {};
  try {
    body = JSON.parse(req.body.toString('utf8') || '{}') as typeof body;
  } catch {
    throw new GraphError(400, 'invalidRequest', 'Invalid request body.');
  }
  // Upload sessions default to fail.
  const behavior = conflictBehaviorOf(body.item?.['@microsoft.graph.conflictBehavior'], 'fail');
  const parent = ctx.drives.resolve(drive, from, path.slice(0, -1));
  if (behavior === 'fail' && parent && ctx.drives.child(drive, parent, name))
    throw new GraphError(409, 'nameAlreadyExists', 'The specified item name already exists.');
  const folder = [
    ...(from === drive.root ? [] : ctx.drives.pathOf(drive, from).split('/')),
    ...path.slice(0, -1),
  ];
  const session = ctx.driveTransfers.createSession(drive, folder, name, behavior);
  return jsonResponse(200, {
    uploadUrl: `${ctx.baseUrl()}/_upload/${session.id}`,
    ...ctx.driveTransfers.sessionStatus(session),
  });
}

/** The pipeline for drive requests: token, throttle and faults per drive, latency, operation. */
export async function handleDrive(
  ctx: GraphContext,
  req: GraphRequest,
  ids: RequestIds,
): Promise<GraphOutcome> {
  const [, root = '', rest = ''] = /^\/v1\.0\/(sites|drives)\/?(.*)$/i.exec(req.url.pathname) ?? [];
  const route = root.toLowerCase() === 'sites' ? siteRoute(ctx, req, rest) : driveRoute(ctx, req, rest);
  ctx.counters.request(route.kind);
  ctx.counters.graphRequest();
  let release = (): void => undefined;
  try {
    authenticate(ctx, req);
    const admitted = admit(ctx, route.throttleKey, route.kind, 'activityLimitReached');
    release = admitted.release;
    if (admitted.fault?.error) throw admitted.fault.error;
    if (ctx.latencyMs > 0) await sleep(ctx.latencyMs);
    const response = route.run();
    if (admitted.fault?.trickleMs !== undefined) response.trickleMs = admitted.fault.trickleMs;
    if (admitted.fault?.reset) response.reset = true;
    return { response: finishResponse(response, ids), release };
  } catch (err) {
    if (err instanceof GraphError) return { response: errorResponse(err, ids), release };
    release();
    throw err;
  }
}
