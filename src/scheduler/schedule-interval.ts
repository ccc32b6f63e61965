import { createTask } from 'node-cron';

/**
 * Upcoming runs sampled to find a schedule's longest gap: enough to cover the weekend of a
 * weekday-only schedule (`0 9 * * 1-5` has gaps of 1 and 3 days).
 */
const SAMPLED_RUNS = 10;

/**
 * The longest time between two runs of a cron expression (node-cron syntax, optional seconds
 * field), in milliseconds. Readiness allows a source a few of these between successful polls; the
 * longest gap keeps an irregular schedule from being judged by its shortest one.
 */
export function scheduleIntervalMs(expression: string): number {
  // A task that is created but never started: it only answers "when next".
  const task = createTask(expression, () => undefined);
  try {
    const runs = task.getNextRuns(SAMPLED_RUNS).map((date) => date.getTime());
    let longest = 0;
    for (let i = 1; i < runs.length; i++) longest = Math.max(longest, runs[i]! - runs[i - 1]!);
    if (longest <= 0) throw new Error(`schedule "${expression}" has fewer than two upcoming runs`);
    return longest;
  } finally {
    void task.destroy();
  }
}
