import type { IncomingMessage, ServerResponse } from 'node:http';

/** A response before it is written, so that HTTP and $batch can share the handlers. */
export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  json?: unknown;
  /** Raw bytes, written as-is in chunks. */
  body?: Buffer;
  /** Cut the connection after the headers and half the body, as a reset mid-transfer does. */
  reset?: boolean;
  /** Write the body in small chunks with this pause between them (a slow but live connection). */
  trickleMs?: number;
  /** Runs once the response has been written (e.g. a delta round ends when its last page is served). */
  after?: () => void;
}

export const GRAPH_JSON =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

const MAX_BODY = 200 * 1024 * 1024;
const CHUNK = 64 * 1024;
const TRICKLE_CHUNK = 4 * 1024;

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Resolves once the response has been handed to the socket (or the client went away). */
export function writeResponse(res: ServerResponse, response: SimResponse): Promise<void> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (): void => {
      if (!settled) {
        settled = true;
        resolve();
      }
    };
    res.once('finish', done);
    res.once('close', done);
    const headers: Record<string, string> = { ...(response.headers ?? {}) };
    let payload: Buffer | undefined = response.body;
    if (response.json !== undefined) {
      payload = Buffer.from(JSON.stringify(response.json), 'utf8');
      headers['Content-Type'] ??= 'application/json; charset=utf-8';
    }
    if (payload) headers['Content-Length'] = String(payload.length);
    res.writeHead(response.status, headers);
    if (!payload || payload.length === 0) {
      res.end();
      return;
    }
    const bytes = payload;
    if (response.reset) {
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy());
      return;
    }
    if (response.trickleMs !== undefined) {
      const pause = response.trickleMs;
      void (async () => {
        for (let at = 0; at < bytes.length && !res.destroyed; at += TRICKLE_CHUNK) {
          res.write(bytes.subarray(at, at + TRICKLE_CHUNK));
          await new Promise((r) => setTimeout(r, pause));
        }
        res.end();
      })();
      return;
    }
    // Streamed in chunks with backpressure, as Graph streams large $value bodies.
    let offset = 0;
    const pump = (): void => {
      while (offset < bytes.length) {
        const chunk = bytes.subarray(offset, offset + CHUNK);
        offset += chunk.length;
        if (offset >= bytes.length) {
          res.end(chunk);
          return;
        }
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
}

export function headerValue(
  headers: Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
