import { schedule, type ScheduledTask } from 'node-cron';
import type { Source } from '../config/load-config';
import { errorMessage } from '../errors/postroom-error';
import type { Logger } from '../observability/logger';
import type { PollJob } from '../queues/job-map';
import { enqueuePoll, type Queues } from '../queues/queues';

/**
 * Turns each enabled source's cron schedule into poll jobs. The scheduler only enqueues; whether a
 * poll may start is decided by the queue (one waiting or running poll per source, across processes),
 * so several schedulers against one Redis are harmless.
 */
export class Scheduler {
  readonly #tasks = new Map<string, ScheduledTask>();

  constructor(
    private readonly queues: Queues,
    private readonly logger: Logger,
  ) {}

  async start(sources: readonly Source[], options: { pollNow: boolean }): Promise<void> {
    for (const source of sources) await this.#schedule(source, options.pollNow ? 'startup' : null);
  }

  /**
   * Applies reloaded source definitions: removed sources stop being polled, changed ones are
   * rescheduled and, like new ones, polled at once so an edit shows its effect without waiting.
   */
  async update(changes: {
    added: readonly Source[];
    changed: readonly Source[];
    removed: readonly string[];
  }) {
    for (const id of [...changes.removed, ...changes.changed.map((s) => s.definition.id)]) {
      await this.#tasks.get(id)?.destroy();
      this.#tasks.delete(id);
    }
    for (const id of changes.removed) this.logger.info('source unscheduled', { sourceId: id });
    for (const source of [...changes.added, ...changes.changed]) await this.#schedule(source, 'reload');
  }

  async #schedule(source: Source, pollNow: 'startup' | 'reload' | null): Promise<void> {
    const { id, enabled, schedule: expression } = source.definition;
    if (!enabled) return;
    const task = schedule(expression, () => this.#enqueue(id, 'schedule'), {
      name: `poll-${id}`,
      noOverlap: true,
    });
    this.#tasks.set(id, task);
    this.logger.info('source scheduled', {
      sourceId: id,
      schedule: expression,
      nextRun: task.getNextRun()?.toISOString(),
    });
    if (pollNow) await this.#enqueue(id, pollNow);
  }

  /** Enqueues a poll now, outside the schedule. */
  pollNow(sourceId: string): Promise<void> {
    return this.#enqueue(sourceId, 'manual');
  }

  async #enqueue(sourceId: string, reason: PollJob['reason']): Promise<void> {
    try {
      await enqueuePoll(this.queues, { sourceId, reason });
    } catch (err) {
      // A tick that cannot reach Redis is lost; the next tick tries again.
      this.logger.error('could not enqueue poll', { sourceId, reason, error: errorMessage(err) });
    }
  }

  async stop(): Promise<void> {
    for (const task of this.#tasks.values()) await task.destroy();
    this.#tasks.clear();
  }
}
