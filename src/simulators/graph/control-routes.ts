import { GraphError, graphErrorBody } from './errors';
import type { SimResponse } from './http-io';
import type { GraphSimulator, RegisteredApp } from './types';

/*
 * Unauthenticated endpoints under /_sim for demos and out-of-process tests: they do what the
 * in-process API does, over HTTP.
 *   POST /_sim/mailboxes/{upn}                          create a mailbox           -> 201
 *   POST /_sim/mailboxes/{upn}/messages?folder=Inbox%2FX raw .eml body             -> 201 {id, immutableId}
 *        (optional isRead=true, receivedDateTime=..., categories=a,b)
 *   GET  /_sim/mailboxes/{upn}/messages?folder=...       message summaries (no bytes)
 *   POST /_sim/apps                                      JSON like registerApp      -> 201
 *   GET  /_sim/counters                                  counters JSON
 *   POST /_sim/counters/reset                                                       -> 204
 *   POST /_sim/expire-sync-state[?mailbox=upn]                                      -> 204
 */

function fail(status: number, code: string, message: string): SimResponse {
  return { status, json: graphErrorBody(code, message, '', '') };
}

export function handleControl(
  sim: GraphSimulator,
  method: string,
  url: URL,
  segments: string[],
  body: Buffer,
): SimResponse {
  const params = url.searchParams;
  try {
    const [, area, upn, sub] = segments.map((s) => decodeURIComponent(s));
    if (area === 'counters' && upn === undefined && method === 'GET')
      return { status: 200, json: sim.counters() };
    if (area === 'counters' && upn === 'reset' && method === 'POST') {
      sim.resetCounters();
      return { status: 204 };
    }
    if (area === 'expire-sync-state' && upn === undefined && method === 'POST') {
      sim.expireSyncState(params.get('mailbox') ?? undefined);
      return { status: 204 };
    }
    if (area === 'apps' && upn === undefined && method === 'POST') {
      sim.registerApp(JSON.parse(body.toString('utf8')) as RegisteredApp);
      return { status: 201 };
    }
    if (area === 'mailboxes' && upn !== undefined && sub === undefined && method === 'POST') {
      sim.addMailbox(upn);
      return { status: 201 };
    }
    if (area === 'mailboxes' && upn !== undefined && sub === 'messages') {
      const folder = params.get('folder') ?? 'Inbox';
      if (method === 'POST') {
        const categories = params.get('categories');
        const created = sim.addMessage(upn, folder, body, {
          isRead: params.get('isRead') === 'true',
          receivedDateTime: params.get('receivedDateTime') ?? undefined,
          categories: categories ? categories.split(',') : undefined,
        });
        return { status: 201, json: created };
      }
      if (method === 'GET') {
        const value = sim
          .messages(upn, params.get('folder') ?? undefined)
          .map(({ raw: _raw, ...rest }) => rest);
        return { status: 200, json: { value } };
      }
      return fail(405, 'MethodNotAllowed', 'Specified HTTP method is not allowed for the request target.');
    }
    return fail(404, 'ResourceNotFound', `Unknown control endpoint ${url.pathname}`);
  } catch (err) {
    if (err instanceof GraphError) return fail(err.status, err.code, err.message);
    const message = err instanceof Error ? err.message : String(err);
    const status = /unknown mailbox/.test(message) ? 404 : 400;
    return fail(status, status === 404 ? 'ErrorInvalidUser' : 'BadRequest', message);
  }
}
