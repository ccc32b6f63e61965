import type { Secret } from '../../config/secret';
import { PostroomError, type ErrorCode } from '../../errors/postroom-error';
import { retryTransient } from '../../errors/retry-loop';
import { parseRetryAfter } from '../../errors/retry-timing';
import type { Logger } from '../../observability/logger';
import { describeUrl, readBody, sendRequest } from '../http-request';

const SERVICE = 'Paperless';
/** Lists are read whole; Paperless allows page sizes up to 100,000. */
const LIST_PAGE_SIZE = 1_000;
/** Paperless API version postroom speaks (document `created` is a date from 9 on). */
const ACCEPT = 'application/json; version=9';

export interface PaperlessClientOptions {
  /** Base URL without trailing slash, sub-path included. */
  baseUrl: string;
  token: Secret;
  logger: Logger;
  attempts: number;
  maxRetryAfterMs: number;
  idleTimeoutMs: number;
}

export interface Page<T> {
  count: number;
  next: string | null;
  results: T[];
}

/** A 400 from Paperless with its field errors (Django REST framework's body: field -> messages). */
export class PaperlessRejection extends PostroomError {
  constructor(
    message: string,
    readonly fieldErrors: Record<string, unknown>,
  ) {
    super('DMS_REJECTED', message, { status: 400 });
  }
}

function codeFor(status: number): ErrorCode {
  if (status === 401 || status === 403) return 'DMS_AUTH_FAILED';
  if (status === 408 || status === 429 || status >= 500) return 'DMS_UNAVAILABLE';
  return 'DMS_REJECTED';
}

const HINTS: Record<number, string> = {
  401: ' (check the backend token: Paperless does not know it)',
  403: " (the token's user lacks permission for this)",
  404: ' (check the backend url, including any sub-path Paperless is served under)',
};

/** Turns an error response into a PostroomError; the body is read but never the request's token. */
async function errorFromResponse(response: Response, url: string): Promise<PostroomError> {
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    // A reverse proxy's HTML page: the status says enough.
  }
  const status = response.status;
  const detail =
    body && typeof body === 'object'
      ? ((body as { detail?: unknown }).detail ?? JSON.stringify(body))
      : response.statusText;
  const message = `Paperless answered ${status} for ${describeUrl(url)}: ${String(detail).slice(0, 500)}${HINTS[status] ?? ''}`;
  if (status === 400 && body && typeof body === 'object')
    return new PaperlessRejection(message, body as Record<string, unknown>);
  return new PostroomError(codeFor(status), message, {
    status,
    retryAfterMs: parseRetryAfter(response.headers.get('Retry-After')),
  });
}

/** Paperless-ngx REST calls with token authentication, retries and Retry-After. */
export class PaperlessClient {
  readonly #base: URL;

  constructor(private readonly options: PaperlessClientOptions) {
    this.#base = new URL(options.baseUrl);
  }

  /** `path` starts with /api/; the base URL's sub-path is kept. */
  url(path: string): string {
    return `${this.options.baseUrl}${path}`;
  }

  getJson<T>(path: string): Promise<T> {
    return this.#request<T>(this.url(path), { method: 'GET' });
  }

  /** POSTs a multipart form; FormData (with Blobs from disk) can be sent again on a retry. */
  postForm<T>(path: string, form: FormData): Promise<T> {
    return this.#request<T>(this.url(path), { method: 'POST', body: form });
  }

  /** Every item of a paginated list, following `next` links. */
  async listAll<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    const separator = path.includes('?') ? '&' : '?';
    let url: string | null = this.url(`${path}${separator}page_size=${LIST_PAGE_SIZE}`);
    while (url) {
      const page: Page<T> = await this.#request<Page<T>>(url, { method: 'GET' });
      items.push(...page.results);
      url = page.next ? this.#sameServer(page.next) : null;
    }
    return items;
  }

  /**
   * Paperless builds `next` from the Host it saw; behind a TLS proxy it often says http://. Only the
   * path and query are taken, against the configured base, so the token never goes elsewhere.
   */
  #sameServer(link: string): string {
    const next = new URL(link, this.#base);
    return `${this.#base.origin}${next.pathname}${next.search}`;
  }

  #request<T>(url: string, init: RequestInit): Promise<T> {
    const { logger, attempts, maxRetryAfterMs, idleTimeoutMs, token } = this.options;
    return retryTransient(
      async () => {
        const response = await sendRequest(
          SERVICE,
          url,
          {
            ...init,
            headers: { Authorization: `Token ${token.reveal()}`, Accept: ACCEPT },
          },
          idleTimeoutMs,
        );
        if (!response.ok) throw await errorFromResponse(response, url);
        return readBody(SERVICE, url, () => response.json() as Promise<T>);
      },
      {
        attempts,
        maxRetryAfterMs,
        logger,
        message: 'paperless request will be retried',
        fields: { path: describeUrl(url) },
      },
    );
  }
}
