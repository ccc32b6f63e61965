import { PostroomError, errorCode, isRetryable } from '../../../src/errors/postroom-error';

describe('isRetryable', () => {
  it('retries transient conditions and gives up on configuration problems', () => {
    expect(isRetryable(new PostroomError('GRAPH_THROTTLED', 'x'))).toBe(true);
    expect(isRetryable(new PostroomError('NETWORK', 'x'))).toBe(true);
    expect(isRetryable(new PostroomError('AUTH_FAILED', 'x'))).toBe(false);
    expect(isRetryable(new PostroomError('GRAPH_ACCESS_DENIED', 'x'))).toBe(false);
    expect(isRetryable(new PostroomError('CONFIG_INVALID', 'x'))).toBe(false);
  });

  it('gives socket errors hidden in fetch causes a stable code', () => {
    const err = new TypeError('fetch failed', {
      cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }),
    });
    expect(isRetryable(err)).toBe(true);
    expect(errorCode(err)).toBe('ECONNRESET');
    expect(errorCode(new Error('?'))).toBe('INTERNAL');
  });
});
