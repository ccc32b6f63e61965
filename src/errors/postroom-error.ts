/**
 * Every failure postroom reports carries a stable string code, so logs, dead letters and tests can
 * match on it without parsing prose. Whether a failure is worth retrying is decided in one place:
 * `isRetryable` below.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_NOT_FOUND'
  | 'SECRET_UNRESOLVED'
  | 'REDIS_UNREACHABLE'
  | 'AUTH_FAILED'
  | 'AUTH_UNAVAILABLE'
  | 'GRAPH_UNAUTHORIZED'
  | 'GRAPH_ACCESS_DENIED'
  | 'GRAPH_NOT_FOUND'
  | 'GRAPH_BAD_REQUEST'
  | 'GRAPH_THROTTLED'
  | 'GRAPH_UNAVAILABLE'
  | 'GRAPH_UNEXPECTED'
  | 'SYNC_STATE_EXPIRED'
  | 'FOLDER_NOT_FOUND'
  | 'NETWORK'
  | 'SINK_WRITE_FAILED'
  /** The .msg writer could not express a message (a model it cannot lay out); permanent. */
  | 'MSG_WRITE_FAILED'
  | 'SOURCE_UNKNOWN'
  // Document-management backends (M-Files and others).
  | 'DMS_AUTH_FAILED'
  | 'DMS_REJECTED'
  | 'DMS_NOT_FOUND'
  | 'DMS_UNAVAILABLE'
  | 'METADATA_INVALID'
  | 'ACTION_UNSUPPORTED'
  | 'FILTER_TIMEOUT'
  /** A message that conversion cannot turn into the configured format at all; retrying cannot help. */
  | 'CONVERSION_FAILED'
  | 'INTERNAL';

/** Codes that describe a condition which may clear by itself; everything else needs a human. */
const RETRYABLE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'AUTH_UNAVAILABLE',
  'GRAPH_UNAUTHORIZED',
  'GRAPH_THROTTLED',
  'GRAPH_UNAVAILABLE',
  'GRAPH_UNEXPECTED',
  'NETWORK',
  'SINK_WRITE_FAILED',
  // A document-management system that is down, overloaded (429/5xx) or slow to finish a task.
  'DMS_UNAVAILABLE',
  'REDIS_UNREACHABLE',
  'INTERNAL',
]);

/** Node system error codes of transient network and resource trouble. */
const TRANSIENT_SYSTEM_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ENOSPC',
  'EMFILE',
  'EBUSY',
]);

export interface PostroomErrorOptions {
  cause?: unknown;
  /** A server's hint (Retry-After) of when trying again makes sense. */
  retryAfterMs?: number;
  /** HTTP status of the response that caused it, when there was one. */
  status?: number;
  /** The server's own error code (Graph's `error.code`, an OAuth error), when there was one. */
  upstreamCode?: string;
}

export class PostroomError extends Error {
  readonly code: ErrorCode;
  readonly retryAfterMs?: number;
  readonly status?: number;
  readonly upstreamCode?: string;

  constructor(code: ErrorCode, message: string, options: PostroomErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PostroomError';
    this.code = code;
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
    this.upstreamCode = options.upstreamCode;
  }
}

function systemCode(err: unknown): string | undefined {
  // fetch() wraps socket errors: the system code sits on err.cause.
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSIENT_SYSTEM_CODES.has(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

const LOCAL_RESOURCE_CODES = new Set(['ENOSPC', 'EMFILE', 'EBUSY']);

/** A failure of the connection itself (reset, refused, timed out), as opposed to an answer. */
export function isNetworkError(err: unknown): boolean {
  const code = systemCode(err);
  if (code) return !LOCAL_RESOURCE_CODES.has(code);
  if (err instanceof TypeError && (err.message === 'fetch failed' || err.message === 'terminated'))
    return true;
  const name = (err as { name?: unknown }).name;
  return name === 'TimeoutError' || name === 'AbortError';
}

/**
 * The one place that decides retryable vs permanent. Unknown errors count as retryable: a retry that
 * fails again ends in the dead-letter queue with its reason, while a wrongly permanent verdict would
 * give up on a message that could have been delivered.
 */
export function isRetryable(err: unknown): boolean {
  if (err instanceof PostroomError) return RETRYABLE_CODES.has(err.code);
  return true;
}

/** A stable code for any error, for ledgers, logs and dead letters. */
export function errorCode(err: unknown): string {
  if (err instanceof PostroomError) return err.code;
  return systemCode(err) ?? (isNetworkError(err) ? 'NETWORK' : 'INTERNAL');
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
