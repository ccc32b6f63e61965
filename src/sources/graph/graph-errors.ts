import { PostroomError, type ErrorCode } from '../../errors/postroom-error';
import { parseRetryAfter } from '../../errors/retry-timing';

/** Graph's names for a delta token it no longer knows, whatever status carries them. */
const SYNC_STATE_CODES = /^(syncstatenotfound|resyncrequired|syncstateinvalid|errorinvalidsyncstatedata)$/i;
/** Client errors that no retry can fix. */
const PERMANENT_CLIENT_STATUSES = new Set([400, 405, 406, 409, 411, 412, 413, 414, 415, 416, 422]);

/** Hint for a 403 on a mailbox: the usual cause is an admin's restriction, not a bug. */
export const MAILBOX_ACCESS_HINT =
  'an Application Access Policy or RBAC for Applications may exclude this mailbox';

export function graphCodeFor(status: number, graphCode: string | undefined): ErrorCode {
  if (graphCode && SYNC_STATE_CODES.test(graphCode)) return 'SYNC_STATE_EXPIRED';
  if (status === 401) return 'GRAPH_UNAUTHORIZED';
  if (status === 403) return 'GRAPH_ACCESS_DENIED';
  if (status === 404) return 'GRAPH_NOT_FOUND';
  if (status === 410) return 'SYNC_STATE_EXPIRED';
  if (status === 429) return 'GRAPH_THROTTLED';
  if (status === 408 || status >= 500) return 'GRAPH_UNAVAILABLE';
  if (PERMANENT_CLIENT_STATUSES.has(status)) return 'GRAPH_BAD_REQUEST';
  return 'GRAPH_UNEXPECTED';
}

/** The path without its query: delta and skip tokens are long and say nothing to a reader. */
export function graphWhere(path: string): string {
  return path.split('?')[0] ?? path;
}

/**
 * The part of an HTTP answer the error mapping reads: fetch's Response has this shape, and so has
 * the raw client's answer (raw-get.ts).
 */
export interface HttpAnswer {
  status: number;
  ok: boolean;
  statusText: string;
  headers: { get(name: string): string | null };
  json(): Promise<unknown>;
}

/** A Graph error response as a PostroomError with Graph's code, message and Retry-After. */
export async function graphErrorFromResponse(
  response: HttpAnswer,
  path: string,
  accessDeniedHint: string = MAILBOX_ACCESS_HINT,
): Promise<PostroomError> {
  let body: { error?: { code?: string; message?: string } } = {};
  try {
    body = (await response.json()) as typeof body;
  } catch {
    // A proxy's HTML error page: the status says enough.
  }
  const status = response.status;
  const graphCode = body.error?.code;
  const hint = status === 403 ? ` (${accessDeniedHint})` : '';
  return new PostroomError(
    graphCodeFor(status, graphCode),
    `Graph answered ${status}${graphCode ? ` ${graphCode}` : ''} for ${graphWhere(path)}: ${body.error?.message ?? response.statusText}${hint}`,
    { status, upstreamCode: graphCode, retryAfterMs: parseRetryAfter(response.headers.get('Retry-After')) },
  );
}
