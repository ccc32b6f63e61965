import { PostroomError } from '../../errors/postroom-error';
import { retryTransient } from '../../errors/retry-loop';
import type { Logger } from '../../observability/logger';
import { graphErrorFromResponse } from '../../sources/graph/graph-errors';
import type { TokenProvider } from '../../sources/graph/token-provider';
import { describeUrl, readBody, sendRequest } from '../http-request';

const SERVICE = 'Graph';
const GRAPH_VERSION = 'v1.0';
/** What a 403 from SharePoint usually means. */
const SHAREPOINT_ACCESS_HINT =
  'the app needs Sites.ReadWrite.All, or Sites.Selected with write access granted on this site';

export interface DriveClientOptions {
  graphEndpoint: string;
  tokens: TokenProvider;
  logger: Logger;
  attempts: number;
  maxRetryAfterMs: number;
  idleTimeoutMs: number;
}

/** Builds a /v1.0 path from literal parts and names that need encoding: drivePath`/drives/${id}`. */
export function encodePath(segments: string[]): string {
  return segments.map((s) => encodeURIComponent(s)).join('/');
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Graph's drive API for one SharePoint backend: bearer token (refreshed once on 401), retries with
 * Retry-After, and a pause shared by all of this backend's requests after a 429, so concurrent
 * deliveries do not keep knocking while SharePoint asks them to wait. Errors are mapped as for
 * mail (graph-errors.ts); callers look at `status` for the answers they expect (404, 409, 416).
 */
export class DriveClient {
  readonly #base: string;
  #pausedUntil = 0;

  constructor(private readonly options: DriveClientOptions) {
    this.#base = `${options.graphEndpoint}/${GRAPH_VERSION}`;
  }

  /** A JSON request; `path` starts with '/' below /v1.0. */
  json<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.#send(
      `${this.#base}${path}`,
      {
        method,
        body: body === undefined ? undefined : JSON.stringify(body),
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      },
      true,
      async (response) => (response.status === 204 ? undefined : await response.json()) as T,
    );
  }

  /** A simple upload: the file's bytes in one PUT. */
  putContent<T>(path: string, body: Blob, contentType: string): Promise<T> {
    return this.#send(
      `${this.#base}${path}`,
      { method: 'PUT', body, headers: { 'Content-Type': contentType } },
      true,
      async (response) => (await response.json()) as T,
    );
  }

  /** GET …/content: Graph answers 302 to a pre-authenticated link, which fetch follows. */
  download(path: string): Promise<Buffer> {
    return this.#send(`${this.#base}${path}`, { method: 'GET' }, true, async (response) =>
      Buffer.from(await response.arrayBuffer()),
    );
  }

  /**
   * A request to an upload URL, answered with its status and JSON body. The URL carries its own
   * authorization: sending the bearer token there is refused (and would hand it to another host).
   */
  preauthorized<T>(url: string, init: RequestInit): Promise<{ status: number; body: T | undefined }> {
    return this.#send(url, init, false, async (response) => ({
      status: response.status,
      body: response.status === 204 ? undefined : ((await response.json()) as T),
    }));
  }

  #send<T>(
    url: string,
    init: RequestInit,
    authorize: boolean,
    read: (response: Response) => Promise<T>,
  ): Promise<T> {
    const { tokens, logger, attempts, maxRetryAfterMs, idleTimeoutMs } = this.options;
    const where = describeUrl(url);
    return retryTransient(
      async () => {
        for (let wait = this.#pausedUntil - Date.now(); wait > 0; wait = this.#pausedUntil - Date.now()) {
          await sleep(wait);
        }
        const headers = new Headers(init.headers);
        if (authorize) headers.set('Authorization', `Bearer ${await tokens.getToken()}`);
        const response = await sendRequest(SERVICE, url, { ...init, headers }, idleTimeoutMs);
        if (!response.ok) {
          const error = await graphErrorFromResponse(response, where, SHAREPOINT_ACCESS_HINT);
          if (error.retryAfterMs !== undefined)
            this.#pausedUntil = Math.max(this.#pausedUntil, Date.now() + error.retryAfterMs);
          throw error;
        }
        return readBody(SERVICE, url, () => read(response));
      },
      {
        attempts,
        maxRetryAfterMs,
        logger,
        message: 'sharepoint request will be retried',
        fields: { path: where },
        refreshable: (error: PostroomError) => authorize && error.code === 'GRAPH_UNAUTHORIZED',
        refresh: () => tokens.invalidate(),
      },
    );
  }
}
