import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import {
  Client,
  GraphError,
  ResponseType,
  type Context,
  type Middleware,
} from '@microsoft/microsoft-graph-client';
import { PostroomError, isNetworkError, type ErrorCode } from '../../errors/postroom-error';
import type { Logger } from '../../observability/logger';
import type { MailboxGate } from './mailbox-gate';
import { backoffMs, parseRetryAfter } from './retry-after';
import type { TokenProvider } from './token-provider';

const GRAPH_VERSION = 'v1.0';
/** A request that has sent nothing for this long is abandoned and retried. */
const REQUEST_TIMEOUT_MS = 100_000;
/** Throttling and server errors are retried this often before the job's own retry takes over. */
const MAX_ATTEMPTS = 6;
const BACKOFF_BASE_MS = 1_000;
const BACKOFF_CAP_MS = 30_000;
const IMMUTABLE_IDS = 'IdType="ImmutableId"';

export interface GraphApiOptions {
  graphEndpoint: string;
  tokens: TokenProvider;
  gate: MailboxGate;
  maxRetryAfterMs: number;
  logger: Logger;
}

/**
 * The last link of the Graph client's middleware chain: adds the bearer token and the immutable-id
 * preference to every request and sends it with fetch. Retry and throttling live in GraphApi, which
 * sees whole operations (a `$value` download holds its concurrency slot until the last byte).
 */
class TransportMiddleware implements Middleware {
  constructor(private readonly tokens: TokenProvider) {}

  async execute(context: Context): Promise<void> {
    const headers = new Headers(context.options?.headers as ConstructorParameters<typeof Headers>[0]);
    headers.set('Authorization', `Bearer ${await this.tokens.getToken()}`);
    // Links do not carry Prefer headers, so every page asks for immutable ids again (GRAPH.md).
    const prefer = headers.get('Prefer');
    headers.set('Prefer', prefer ? `${prefer}, ${IMMUTABLE_IDS}` : IMMUTABLE_IDS);
    context.response = await fetch(context.request as string, {
      ...(context.options as RequestInit),
      headers,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  }
}

interface GraphErrorBody {
  error?: { code?: string; message?: string };
}

/** Graph's names for a delta token it no longer knows, whatever status carries them. */
const SYNC_STATE_CODES = /^(syncstatenotfound|resyncrequired|syncstateinvalid|errorinvalidsyncstatedata)$/i;

function codeFor(status: number, graphCode: string | undefined): ErrorCode {
  if (graphCode && SYNC_STATE_CODES.test(graphCode)) return 'SYNC_STATE_EXPIRED';
  if (status === 400) return 'GRAPH_BAD_REQUEST';
  if (status === 401) return 'GRAPH_UNAUTHORIZED';
  if (status === 403) return 'GRAPH_ACCESS_DENIED';
  if (status === 404) return 'GRAPH_NOT_FOUND';
  if (status === 410) return 'SYNC_STATE_EXPIRED';
  if (status === 429) return 'GRAPH_THROTTLED';
  if (status >= 500) return 'GRAPH_UNAVAILABLE';
  return 'GRAPH_UNEXPECTED';
}

function httpError(
  status: number,
  graphCode: string | undefined,
  message: string,
  path: string,
  retryAfterMs?: number,
) {
  const where = path.split('?')[0];
  const hint =
    status === 403 ? ' (an Application Access Policy or RBAC for Applications may exclude this mailbox)' : '';
  return new PostroomError(
    codeFor(status, graphCode),
    `Graph answered ${status}${graphCode ? ` ${graphCode}` : ''} for ${where}: ${message}${hint}`,
    { status, retryAfterMs },
  );
}

function fromGraphError(err: unknown, path: string): PostroomError {
  if (err instanceof PostroomError) return err;
  if (err instanceof GraphError) {
    if (err.statusCode === -1) {
      return new PostroomError('NETWORK', `Graph request for ${path.split('?')[0]} failed: ${err.message}`, {
        cause: err,
      });
    }
    const retryAfter = parseRetryAfter(err.headers?.get('Retry-After'));
    return httpError(err.statusCode, err.code ?? undefined, err.message, path, retryAfter);
  }
  if (isNetworkError(err)) {
    return new PostroomError(
      'NETWORK',
      `Graph request for ${path.split('?')[0]} failed: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  // A local failure (disk full while writing a download, say) is not Graph's: pass it on unchanged.
  throw err;
}

async function errorFromResponse(response: Response, path: string): Promise<PostroomError> {
  let body: GraphErrorBody = {};
  try {
    body = (await response.json()) as GraphErrorBody;
  } catch {
    // A proxy's HTML error page: the status says enough.
  }
  return httpError(
    response.status,
    body.error?.code,
    body.error?.message ?? response.statusText,
    path,
    parseRetryAfter(response.headers.get('Retry-After')),
  );
}

/** Graph for one mailbox: JSON requests, link following and raw downloads, with retry and throttling. */
export class GraphApi {
  readonly #client: Client;
  readonly #base: string;

  constructor(private readonly options: GraphApiOptions) {
    this.#base = `${options.graphEndpoint}/${GRAPH_VERSION}`;
    this.#client = Client.initWithMiddleware({
      middleware: new TransportMiddleware(options.tokens),
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
    const path = this.relative(pathOrLink);
    return this.#withRetry(path, () => this.#client.api(path).headers(headers).get() as Promise<T>);
  }

  /**
   * Streams a raw response body (`$value`) to `consume` without decoding it. `consume` may be called
   * again after a failed attempt and must start its output afresh each time.
   */
  async download(pathOrLink: string, consume: (body: Readable) => Promise<void>): Promise<void> {
    const path = this.relative(pathOrLink);
    await this.#withRetry(path, async () => {
      const response = (await this.#client.api(path).responseType(ResponseType.RAW).get()) as Response;
      if (!response.ok) throw await errorFromResponse(response, path);
      if (!response.body) throw new PostroomError('GRAPH_UNEXPECTED', `Graph sent no body for ${path}`);
      await consume(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>));
    });
  }

  async #withRetry<T>(path: string, operation: () => Promise<T>): Promise<T> {
    const { gate, tokens, logger, maxRetryAfterMs } = this.options;
    let refreshedToken = false;
    for (let attempt = 1; ; attempt++) {
      let error: PostroomError;
      try {
        return await gate.run(operation);
      } catch (err) {
        error = fromGraphError(err, path);
      }
      if (error.code === 'GRAPH_UNAUTHORIZED' && !refreshedToken) {
        // An access token can be revoked before it expires: fetch a new one, once.
        refreshedToken = true;
        tokens.invalidate();
        continue;
      }
      const transient =
        error.code === 'GRAPH_THROTTLED' ||
        error.code === 'NETWORK' ||
        (error.code === 'GRAPH_UNAVAILABLE' && [503, 504].includes(error.status ?? 0));
      if (!transient || attempt >= MAX_ATTEMPTS) throw error;
      const delay =
        error.retryAfterMs !== undefined
          ? Math.min(error.retryAfterMs, maxRetryAfterMs)
          : backoffMs(attempt, BACKOFF_BASE_MS, BACKOFF_CAP_MS);
      if (error.status === 429 || error.retryAfterMs !== undefined) gate.pauseUntil(Date.now() + delay);
      logger.warn('graph request will be retried', {
        path: path.split('?')[0],
        code: error.code,
        status: error.status,
        attempt,
        delayMs: delay,
      });
      if (!(error.status === 429 || error.retryAfterMs !== undefined))
        await new Promise((r) => setTimeout(r, delay));
    }
  }
}
