import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { json } from 'node:stream/consumers';
import type { HttpAnswer } from './graph-errors';

export interface RawResponse extends HttpAnswer {
  /** The body as it arrives, undecoded. Read it, or call `json`, once. */
  body: Readable;
}

/*
 * Kept-alive connections for the per-message `$value` downloads: fetch builds WHATWG streams,
 * headers objects and an abort signal for every request, which costs more CPU than the rest of a
 * small message's download; node's own client does not. TLS 1.2 is the floor (Exchange Online's).
 */
const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true, minVersion: 'TLSv1.2' }),
};

class TimeoutError extends Error {
  override name = 'TimeoutError';
}

function answerOf(message: http.IncomingMessage): RawResponse {
  const status = message.statusCode ?? 0;
  return {
    status,
    ok: status >= 200 && status < 300,
    statusText: message.statusMessage ?? '',
    headers: {
      get: (name) => {
        const value = message.headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      },
    },
    body: message,
    json: () => json(message),
  };
}

/**
 * A GET whose body is streamed as it arrives. It is given up when no response headers, or no new
 * body bytes, come for `idleMs`: a large download may take long, a stalled one must be retried.
 * Redirects are not followed (Graph's `$value` does not redirect; a bearer token must not travel).
 */
export function rawGet(url: string, headers: Record<string, string>, idleMs: number): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const protocol =
      target.protocol === 'https:' || target.protocol === 'http:' ? target.protocol : undefined;
    if (!protocol) {
      reject(new Error(`unsupported protocol ${target.protocol}`));
      return;
    }
    const client = protocol === 'https:' ? https : http;
    const request = client.request(target, { method: 'GET', headers, agent: agents[protocol] }, (message) =>
      resolve(answerOf(message)),
    );
    request.setTimeout(idleMs, () =>
      request.destroy(new TimeoutError(`no data from the server for ${idleMs} ms`)),
    );
    // Also errors after the answer came (a timeout mid-body): the body stream reports those.
    request.on('error', reject);
    request.end();
  });
}
