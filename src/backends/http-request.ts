import { PostroomError, isNetworkError } from '../errors/postroom-error';
import { IdleTimeout } from '../sources/graph/idle-timeout';

/** A request with no response headers, or no new body bytes, for this long is abandoned. */
export const DEFAULT_BACKEND_IDLE_TIMEOUT_MS = 100_000;

/**
 * Where a request went, for messages and logs: the path only. Query strings can hold credentials
 * (SharePoint upload URLs carry a `tempauth` token) and ids nobody needs to read.
 */
export function describeUrl(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0] ?? url;
  }
}

/**
 * fetch under an idle timeout. A connection that fails or goes quiet becomes a retryable NETWORK
 * error naming the service and path; the response body keeps the timer alive while bytes flow.
 */
export async function sendRequest(
  service: string,
  url: string,
  init: RequestInit,
  idleTimeoutMs: number = DEFAULT_BACKEND_IDLE_TIMEOUT_MS,
): Promise<Response> {
  const idle = new IdleTimeout(idleTimeoutMs);
  try {
    const response = await fetch(url, { ...init, signal: idle.signal, redirect: init.redirect ?? 'follow' });
    return idle.watch(response);
  } catch (err) {
    idle.clear();
    throw networkError(service, init.method ?? 'GET', url, err);
  }
}

/** Reads a body, turning a connection cut mid-body into a retryable NETWORK error. */
export async function readBody<T>(service: string, url: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof PostroomError || !isNetworkError(err)) throw err;
    throw networkError(service, 'read', url, err);
  }
}

function networkError(service: string, method: string, url: string, err: unknown): PostroomError {
  const cause = err as Error;
  const detail = (cause.cause as Error | undefined)?.message ?? cause.message;
  return new PostroomError('NETWORK', `${service} ${method} ${describeUrl(url)} failed: ${detail}`, {
    cause: err,
  });
}
