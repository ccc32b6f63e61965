import type { Logger } from '../observability/logger';
import { PostroomError, isRetryable } from './postroom-error';
import { backoffMs } from './retry-timing';

/** Transient failures are retried this often within one operation before the job's retry takes over. */
export const DEFAULT_REQUEST_ATTEMPTS = 6;
const BACKOFF_BASE_MS = 1_000;
const BACKOFF_CAP_MS = 30_000;
/** Even "Retry-After: 0" waits this long, so a misbehaving server cannot make postroom spin. */
const MIN_RETRY_DELAY_MS = 250;

export interface RetryLoopOptions {
  /** Tries in all, the first included. */
  attempts: number;
  /** A Retry-After longer than this is not waited out in-process: the job is retried later. */
  maxRetryAfterMs: number;
  logger: Logger;
  /** The log message for a retry, e.g. 'graph request will be retried'. */
  message: string;
  /** Extra log fields naming what was tried (a path, never a credential). */
  fields?: Record<string, unknown>;
  /**
   * An error that a fresh credential may cure (a revoked access token): `refresh` runs and the
   * operation is tried once more; a second such error is thrown.
   */
  refreshable?: (error: PostroomError) => boolean;
  refresh?: () => void;
  /** Called before each wait, e.g. to count throttle waits in metrics. */
  onRetry?: (error: PostroomError, delayMs: number) => void;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `operation`, retrying retryable PostroomErrors with the server's Retry-After or exponential
 * backoff. Shared by Graph (mail and SharePoint) and the document-management backends, so every
 * client honours servers the same way. Anything but a PostroomError is thrown at once.
 */
export async function retryTransient<T>(operation: () => Promise<T>, options: RetryLoopOptions): Promise<T> {
  let refreshed = false;
  for (let attempt = 1; ; attempt++) {
    let error: PostroomError;
    try {
      return await operation();
    } catch (err) {
      if (!(err instanceof PostroomError)) throw err;
      error = err;
    }
    if (options.refreshable?.(error)) {
      if (refreshed) throw error;
      refreshed = true;
      options.refresh?.();
      continue;
    }
    // A Retry-After over the cap is left to the job's backoff, which honours it (jobBackoff).
    const tooLong = (error.retryAfterMs ?? 0) > options.maxRetryAfterMs;
    if (!isRetryable(error) || tooLong || attempt >= options.attempts) throw error;
    const delay = Math.max(
      MIN_RETRY_DELAY_MS,
      error.retryAfterMs ?? backoffMs(attempt, BACKOFF_BASE_MS, BACKOFF_CAP_MS),
    );
    options.onRetry?.(error, delay);
    options.logger.warn(options.message, {
      ...options.fields,
      code: error.code,
      status: error.status,
      attempt,
      delayMs: delay,
    });
    await sleep(delay);
  }
}
