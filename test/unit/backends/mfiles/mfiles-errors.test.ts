import { errorFromResponse, networkError } from '../../../../src/backends/mfiles/mfiles-errors';
import { isRetryable } from '../../../../src/errors/postroom-error';

function webServiceError(
  status: number,
  name: string,
  message: string,
  headers: Record<string, string> = {},
) {
  return new Response(
    JSON.stringify({
      Status: status,
      URL: '/REST/objects/0',
      Method: 'POST',
      Exception: { Name: name, Message: message },
      Message: message,
    }),
    { status, headers: { 'Content-Type': 'application/json', ...headers } },
  );
}

describe('M-Files error classification', () => {
  it.each([
    [400, 'DMS_REJECTED', false],
    [409, 'DMS_REJECTED', false],
    [413, 'DMS_REJECTED', false],
    [401, 'DMS_AUTH_FAILED', false],
    [403, 'DMS_AUTH_FAILED', false],
    [404, 'DMS_NOT_FOUND', false],
    [408, 'DMS_UNAVAILABLE', true],
    [429, 'DMS_UNAVAILABLE', true],
    [500, 'DMS_UNAVAILABLE', true],
    [503, 'DMS_UNAVAILABLE', true],
    [504, 'DMS_UNAVAILABLE', true],
  ])('%i is %s (retryable: %s)', async (status, code, retryable) => {
    const error = await errorFromResponse(
      webServiceError(status, 'SomeException', 'went wrong'),
      'POST',
      '/objects/0?checkIn=true',
    );
    expect(error).toMatchObject({ code, status, upstreamCode: 'SomeException' });
    expect(error.message).toBe(`M-Files answered ${status} SomeException to POST /objects/0: went wrong`);
    expect(isRetryable(error)).toBe(retryable);
  });

  it('carries Retry-After in seconds or as an HTTP date', async () => {
    const seconds = await errorFromResponse(
      webServiceError(503, 'X', 'busy', { 'Retry-After': '12' }),
      'GET',
      '/objects',
    );
    expect(seconds.retryAfterMs).toBe(12_000);
    const date = new Date(Date.now() + 60_000).toUTCString();
    const later = await errorFromResponse(
      webServiceError(429, 'X', 'slow down', { 'Retry-After': date }),
      'GET',
      '/objects',
    );
    expect(later.retryAfterMs).toBeGreaterThan(55_000);
    expect(later.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('summarises HTML and empty bodies', async () => {
    const html = new Response(
      '<html><head><title>502 - Web server received an invalid response</title></head><body>…</body></html>',
      {
        status: 502,
        statusText: 'Bad Gateway',
      },
    );
    expect((await errorFromResponse(html, 'GET', '/files')).message).toBe(
      'M-Files answered 502 to GET /files: 502 - Web server received an invalid response',
    );
    const empty = new Response('', { status: 500, statusText: 'Internal Server Error' });
    expect((await errorFromResponse(empty, 'GET', '/files')).message).toBe(
      'M-Files answered 500 to GET /files: Internal Server Error',
    );
  });

  it('a failed connection is retryable and names the socket error', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:443'), { code: 'ECONNREFUSED' });
    const error = networkError(
      new TypeError('fetch failed', { cause }),
      'POST',
      '/files',
      'mfiles.contoso.example',
    );
    expect(error.code).toBe('DMS_UNAVAILABLE');
    expect(error.message).toBe(
      'M-Files at mfiles.contoso.example did not answer POST /files: fetch failed (connect ECONNREFUSED 10.0.0.5:443)',
    );
    expect(isRetryable(error)).toBe(true);
    const reset = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    expect(networkError(new TypeError('terminated', { cause: reset }), 'GET', '/objects', 'h').message).toBe(
      'M-Files at h did not answer GET /objects: terminated (UND_ERR_SOCKET: other side closed)',
    );
  });
});
