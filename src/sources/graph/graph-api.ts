import type { Readable } from 'node:stream';
import {
  Client,
  GraphError,
  ResponseType,
  type GraphRequest,
  type Context,
  type Middleware,
} from '@microsoft/microsoft-graph-client';
import { PostroomError, isNetworkError } from '../../errors/postroom-error';
import { DEFAULT_REQUEST_ATTEMPTS, retryTransient } from '../../errors/retry-loop';
import { parseRetryAfter } from '../../errors/retry-timing';
import type { Logger } from '../../observability/logger';
import { metrics } from '../../observability/metrics';
import type { MailboxGate } from './mailbox-gate';
import {
  graphErrorFromResponse as errorFromResponse,
  graphWhere as where,
  type HttpAnswer,
} from './graph-errors';
import { IdleTimeout } from './idle-timeout';
import { rawGet, type RawResponse } from './raw-get';
import type { TokenProvider } from './token-provider';

const GRAPH_VERSION = 'v1.0';
const IMMUTABLE_IDS = 'IdType="ImmutableId"';
/** A request with no response headers, or no new body bytes, for this long is abandoned. */
export const DEFAULT_IDLE_TIMEOUT_MS = 100_000;

export type WriteMethod = 'PATCH' | 'POST' | 'DELETE';

export interface GraphApiOptions {
  graphEndpoint: string;
  tokens: TokenProvider;
  gate: MailboxGate;
  /** A Retry-After longer than this is not waited out in-process: the job is retried later. */
  maxRetryAfterMs: number;
  logger: Logger;
  requestAttempts?: number;
  idleTimeoutMs?: number;
  /** Labels of this client's metrics (both come from the configuration, so they stay bounded). */
  metricLabels?: { sourceId: string; mailbox: string };
}

/**
 * The last link of the Graph client's middleware chain: sends the request with fetch under an idle
 * timeout. The token, retries and throttling live in GraphApi, which sees whole operations (a
 * `$value` download holds its concurrency slot until the last byte).
 */
class FetchMiddleware implements Middleware {
  constructor(private readonly idleTimeoutMs: number) {}

  async execute(context: Context): Promise<void> {
    const idle = new IdleTimeout(this.idleTimeoutMs);
    try {
      const response = await fetch(context.request as string, {
        ...(context.options as RequestInit),
        signal: idle.signal,
      });
      context.response = idle.watch(response);
    } catch (err) {
      idle.clear();
      throw err;
    }
  }
}

function dispatch(request: GraphRequest, write: { method: WriteMethod; body?: unknown } | undefined) {
  switch (write?.method) {
    case undefined:
      return request.get();
    case 'PATCH':
      return request.patch(write.body ?? {});
    case 'POST':
      return request.post(write.body ?? {});
    case 'DELETE':
      return request.delete();
  }
}

/** Graph for one mailbox: JSON requests, link following and raw downloads, with retry and throttling. */
export class GraphApi {
  readonly #client: Client;
  readonly #base: string;
  readonly #attempts: number;
  readonly #labels: { sourceId: string; mailbox: string };

  constructor(private readonly options: GraphApiOptions) {
    this.#base = `${options.graphEndpoint}/${GRAPH_VERSION}`;
    this.#attempts = options.requestAttempts ?? DEFAULT_REQUEST_ATTEMPTS;
    this.#labels = options.metricLabels ?? { sourceId: 'unknown', mailbox: 'unknown' };
    this.#client = Client.initWithMiddleware({
      middleware: new FetchMiddleware(options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS),
      baseUrl: options.graphEndpoint,
      defaultVersion: GRAPH_VERSION,
    });
  }

  /**
   * Turns a nextLink/deltaLink into a path for the client (which mangles absolute http:// URLs), and
   * refuses links to any other host: the bearer token must never travel elsewhere.
   */
  relative(pathOrLink: string): string {
    if (!/^https?:\/\//i.test(pathOrLink)) return pathOrLink;
    if (!pathOrLink.toLowerCase().startsWith(this.#base.toLowerCase() + '/')) {
      throw new PostroomError(
        'GRAPH_UNEXPECTED',
        `Graph returned a link outside ${this.#base}; refusing to follow it`,
      );
    }
    return pathOrLink.slice(this.#base.length);
  }

  async getJson<T>(pathOrLink: string, headers: Record<string, string> = {}): Promise<T> {
    return this.#request(pathOrLink, headers, this.#viaClient(), (response) => response.json() as Promise<T>);
  }

  /**
   * A request that changes the mailbox (PATCH, POST, DELETE) with a JSON body; returns the JSON
   * answer, or undefined when there is none (204). Retried like every other request, so it must be
   * safe to repeat: callers send absolute states (isRead true, the whole category list), not deltas.
   */
  async send<T = unknown>(method: WriteMethod, path: string, body?: unknown): Promise<T | undefined> {
    return this.#request(path, {}, this.#viaClient({ method, body }), async (response) => {
      const text = await response.text();
      return text.trim() === '' ? undefined : (JSON.parse(text) as T);
    });
  }

  /**
   * Streams a raw response body (`$value`) to `consume` without decoding it. `consume` may be called
   * again after a failed attempt and must start its output afresh each time.
   */
  async download(pathOrLink: string, consume: (body: Readable) => Promise<void>): Promise<void> {
    const idleMs = this.options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    const raw = (path: string, headers: Record<string, string>) =>
      rawGet(`${this.#base}${path}`, headers, idleMs);
    await this.#request<RawResponse, void>(pathOrLink, {}, raw, async (response, release) => {
      // The last byte is in: the next request may start while this one's file is still written.
      response.body.once('end', () => void release());
      await consume(response.body);
    });
  }

  /** Sends through the Graph client (JSON requests and writes; fetch underneath). */
  #viaClient(write?: { method: WriteMethod; body?: unknown }) {
    return async (path: string, headers: Record<string, string>): Promise<Response> => {
      const request = this.#client.api(path).headers(headers).responseType(ResponseType.RAW);
      return (await dispatch(request, write)) as Response;
    };
  }

  /** One Graph operation: token first, then request and body handling inside the mailbox's slot. */
  async #request<R extends HttpAnswer, T>(
    pathOrLink: string,
    headers: Record<string, string>,
    send: (path: string, headers: Record<string, string>) => Promise<R>,
    read: (response: R, release: () => Promise<void>) => Promise<T>,
  ): Promise<T> {
    const path = this.relative(pathOrLink);
    return this.#withRetry(path, async (token, release) => {
      await this.options.gate.waitWhilePaused();
      // Links do not carry Prefer headers, so every page asks for immutable ids again (GRAPH.md).
      const prefer = headers.Prefer ? `${headers.Prefer}, ${IMMUTABLE_IDS}` : IMMUTABLE_IDS;
      let response: R;
      try {
        response = await send(path, { ...headers, Prefer: prefer, Authorization: `Bearer ${token}` });
      } catch (err) {
        // The client wraps fetch's failures as GraphError with status -1.
        metrics.graphRequest(this.#labels.mailbox, 'network');
        const cause = err instanceof GraphError ? err.message : (err as Error).message;
        throw new PostroomError('NETWORK', `Graph request for ${where(path)} failed: ${cause}`, {
          cause: err,
        });
      }
      metrics.graphRequest(this.#labels.mailbox, response.status);
      if (!response.ok) {
        // Paused while this request still holds its slot, so no waiting request slips out first,
        // and before the error body is read, so other processes hear of it as early as possible.
        const retryAfterMs = parseRetryAfter(response.headers.get('Retry-After'));
        if (retryAfterMs !== undefined) await this.options.gate.pauseFor(retryAfterMs);
        throw await errorFromResponse(response, path);
      }
      try {
        return await read(response, release);
      } catch (err) {
        if (err instanceof PostroomError || !isNetworkError(err)) throw err;
        throw new PostroomError(
          'NETWORK',
          `Graph response for ${where(path)} broke off: ${(err as Error).message}`,
          {
            cause: err,
          },
        );
      }
    });
  }

  #withRetry<T>(
    path: string,
    operation: (token: string, release: () => Promise<void>) => Promise<T>,
  ): Promise<T> {
    const { gate, tokens, logger, maxRetryAfterMs } = this.options;
    const attempt = async () => {
      // Before the slot is taken: a token request goes to Entra, not to the mailbox, and can take
      // a while (a new process, a renewal); admitted only now, the request is sent right after the
      // gate's check of the mailbox's pause, so no pause announced meanwhile is missed. Outside
      // the Graph client, which would turn a token failure into a bare network error.
      const token = await tokens.getToken().catch((err: unknown) => {
        throw metrics.tokenFailure(this.#labels.sourceId, err);
      });
      return gate.run((release) => operation(token, release));
    };
    // The mailbox is paused already when a Retry-After came back (see #request).
    return retryTransient(attempt, {
      attempts: this.#attempts,
      maxRetryAfterMs,
      logger,
      message: 'graph request will be retried',
      fields: { path: where(path) },
      // An access token can be revoked before it expires: fetch a new one, once.
      refreshable: (error) => error.code === 'GRAPH_UNAUTHORIZED',
      refresh: () => tokens.invalidate(),
      onRetry: (error, delayMs) => {
        if (error.code === 'GRAPH_THROTTLED' || error.retryAfterMs !== undefined)
          metrics.throttleWait(this.#labels.mailbox, delayMs);
      },
    });
  }
}
