import { backoffMs, parseRetryAfter } from '../../../src/errors/retry-timing';

describe('parseRetryAfter', () => {
  it('reads whole and fractional seconds', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('0.25')).toBe(250);
  });
  it('reads an HTTP date relative to now', () => {
    const now = Date.parse('Sun, 29 Nov 2026 10:00:00 GMT');
    expect(parseRetryAfter('Sun, 29 Nov 2026 10:00:07 GMT', now)).toBe(7000);
    expect(parseRetryAfter('Sun, 29 Nov 2026 09:00:00 GMT', now)).toBe(0);
  });
  it('ignores absent or unreadable values', () => {
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('backoffMs', () => {
  it('doubles per attempt within half and all of the ceiling, capped', () => {
    expect(backoffMs(1, 1000, 30_000, () => 0)).toBe(500);
    expect(backoffMs(3, 1000, 30_000, () => 1)).toBe(4000);
    expect(backoffMs(10, 1000, 30_000, () => 1)).toBe(30_000);
  });
});
