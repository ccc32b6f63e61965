import { PostroomError, type ErrorCode } from '../../errors/postroom-error';
import { parseRetryAfter } from '../../errors/retry-timing';
import type { WebServiceError } from './mfws-types';

/** An HTML error page is cut to this much text in messages: enough to recognise, not to flood logs. */
const MAX_BODY_CHARS = 200;

function codeFor(status: number): ErrorCode {
  if (status === 401 || status === 403) return 'DMS_AUTH_FAILED';
  if (status === 404) return 'DMS_NOT_FOUND';
  // Timeouts, throttling and server trouble pass; anything else the server refused for good.
  if (status === 408 || status === 429 || status >= 500) return 'DMS_UNAVAILABLE';
  return 'DMS_REJECTED';
}

/** An HTML error page (IIS, a proxy) in a few words: its title, else the start of its text. */
function htmlSummary(text: string): string | undefined {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
  const summary = (title || text.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
  return summary === '' ? undefined : summary.slice(0, MAX_BODY_CHARS);
}

/** The path without its query: search values are long and say little. */
export function pathOnly(path: string): string {
  return path.split('?')[0] ?? path;
}

/**
 * A PostroomError from an M-Files error response: status, the exception name and message of the
 * WebServiceError body (or the start of an HTML page from IIS or a proxy), and Retry-After.
 */
export async function errorFromResponse(
  response: Response,
  method: string,
  path: string,
): Promise<PostroomError> {
  const text = await response.text().catch(() => '');
  let body: WebServiceError | undefined;
  try {
    body = JSON.parse(text) as WebServiceError;
  } catch {
    body = undefined;
  }
  const exception = body?.Exception?.Name;
  const detail = body?.Exception?.Message ?? body?.Message ?? htmlSummary(text) ?? response.statusText;
  const status = response.status;
  return new PostroomError(
    codeFor(status),
    `M-Files answered ${status}${exception ? ` ${exception}` : ''} to ${method} ${pathOnly(path)}: ${detail}`,
    { status, upstreamCode: exception, retryAfterMs: parseRetryAfter(response.headers.get('Retry-After')) },
  );
}

/** The message of an error and of its cause (fetch hides the socket error there), without instanceof. */
function describe(err: unknown): string {
  const message = (e: unknown) =>
    typeof (e as { message?: unknown })?.message === 'string' ? (e as Error).message : String(e);
  const cause = (err as { cause?: unknown })?.cause;
  if (cause === undefined || cause === null) return message(err);
  const code = (cause as { code?: unknown }).code;
  return `${message(err)} (${typeof code === 'string' && !message(cause).includes(code) ? `${code}: ` : ''}${message(cause)})`;
}

/** A connection that failed or went quiet: the server may be back soon. */
export function networkError(err: unknown, method: string, path: string, host: string): PostroomError {
  return new PostroomError(
    'DMS_UNAVAILABLE',
    `M-Files at ${host} did not answer ${method} ${pathOnly(path)}: ${describe(err)}`,
    {
      cause: err,
    },
  );
}
