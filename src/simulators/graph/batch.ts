import { randomUUID } from 'node:crypto';
import { badRequest, GraphError } from './errors';
import type { GraphContext, GraphRequest } from './graph-context';
import { authenticate, errorResponse, finishResponse, handleGraph, type RequestIds } from './graph-router';
import { GRAPH_JSON, headerValue, type SimResponse } from './http-io';

/*
 * JSON $batch: each entry runs through the full pipeline on its own, so it is authenticated,
 * throttled and counted like a separate request; entries without dependsOn run concurrently,
 * which is how a batch of 20 for one mailbox trips the concurrency limit.
 */

interface BatchEntry {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  dependsOn?: string[];
}

const MAX_ENTRIES = 20;

function parseEntries(body: Buffer): BatchEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw badRequest('Invalid batch payload format.');
  }
  const requests = (parsed as { requests?: unknown })?.requests;
  if (!Array.isArray(requests) || requests.length === 0) throw badRequest('Invalid batch payload format.');
  if (requests.length > MAX_ENTRIES)
    throw badRequest(`Number of batch request steps exceeds the maximum of ${MAX_ENTRIES}.`);
  const ids = new Set<string>();
  return requests.map((raw: unknown) => {
    const entry = raw as Partial<BatchEntry>;
    if (typeof entry.id !== 'string' || typeof entry.method !== 'string' || typeof entry.url !== 'string') {
      throw badRequest('Each batch request needs id, method and url.');
    }
    if (ids.has(entry.id)) throw badRequest(`Request id '${entry.id}' is not unique in the batch.`);
    for (const dep of entry.dependsOn ?? []) {
      if (!ids.has(dep))
        throw badRequest(`dependsOn of '${entry.id}' must name an earlier request, not '${dep}'.`);
    }
    ids.add(entry.id);
    return entry as BatchEntry;
  });
}

function subRequest(ctx: GraphContext, outer: GraphRequest, entry: BatchEntry): GraphRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(entry.headers ?? {})) headers[k.toLowerCase()] = v;
  headers.authorization = headerValue(outer.headers, 'authorization');
  headers['client-request-id'] ??= headerValue(outer.headers, 'client-request-id');
  let body = Buffer.alloc(0);
  if (entry.body !== undefined) {
    body = Buffer.from(typeof entry.body === 'string' ? entry.body : JSON.stringify(entry.body), 'utf8');
    headers['content-type'] ??= 'application/json';
  }
  const path = entry.url.startsWith('/') ? entry.url : `/${entry.url}`;
  return { method: entry.method.toUpperCase(), url: new URL(`/v1.0${path}`, ctx.baseUrl()), headers, body };
}

function batchItem(id: string, response: SimResponse): Record<string, unknown> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(response.headers ?? {})) {
    if (k.toLowerCase() !== 'content-length') headers[k] = v;
  }
  const item: Record<string, unknown> = { id, status: response.status, headers };
  if (response.json !== undefined) item.body = response.json;
  // Graph returns non-JSON content base64-encoded inside a batch.
  else if (response.body !== undefined) item.body = response.body.toString('base64');
  return item;
}

export async function handleBatch(
  ctx: GraphContext,
  req: GraphRequest,
  ids: RequestIds,
): Promise<SimResponse> {
  ctx.counters.request('batch');
  ctx.counters.graphRequest();
  try {
    if (req.method !== 'POST')
      throw new GraphError(405, 'MethodNotAllowed', 'Only POST is allowed on $batch.');
    authenticate(ctx, req);
    const entries = parseEntries(req.body);
    const results = new Map<string, Promise<SimResponse>>();
    const run = async (entry: BatchEntry): Promise<SimResponse> => {
      const subIds = { requestId: randomUUID(), clientRequestId: ids.clientRequestId };
      for (const dep of entry.dependsOn ?? []) {
        const depResult = results.get(dep) as Promise<SimResponse>;
        if ((await depResult).status >= 400) {
          return errorResponse(new GraphError(424, 'FailedDependency', 'Dependent request failed.'), subIds);
        }
      }
      const outcome = await handleGraph(ctx, subRequest(ctx, req, entry), subIds);
      ctx.counters.status(outcome.response.status);
      outcome.response.after?.();
      outcome.release();
      return outcome.response;
    };
    for (const entry of entries) results.set(entry.id, run(entry));
    const responses = await Promise.all(
      entries.map(async (e) => batchItem(e.id, await (results.get(e.id) as Promise<SimResponse>))),
    );
    return finishResponse({ status: 200, headers: { 'Content-Type': GRAPH_JSON }, json: { responses } }, ids);
  } catch (err) {
    if (err instanceof GraphError) return errorResponse(err, ids);
    throw err;
  }
}
