import { scheduleIntervalMs } from '../../../src/scheduler/schedule-interval';

describe('scheduleIntervalMs', () => {
  it.each([
    ['*/1 * * * * *', 1_000],
    ['*/5 * * * *', 5 * 60_000],
    ['0 * * * *', 60 * 60_000],
    // Two runs a day, 8 and 16 hours apart: the longer gap counts.
    ['0 9,17 * * *', 16 * 60 * 60_000],
  ])('%s → %d ms', (expression, expected) => {
    expect(scheduleIntervalMs(expression)).toBe(expected);
  });
});
