import { Gauge, Registry } from 'prom-client';
import { errorMessage } from '../../errors/postroom-error';
import type { QueueName } from '../../queues/job-map';
import { QUEUE_NAMES } from '../../queues/job-map';
import type { Runtime } from '../../service/runtime';
import type { SourceStatusStore } from '../../state/source-status';
import type { HealthConnection } from './health-connection';
import { withTimeout } from './with-timeout';

/** Job states reported per queue (BullMQ's getJobCounts). */
const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed'] as const;
/** A scrape answers within this even when Redis is slow; values it could not read are left out. */
const SCRAPE_REDIS_TIMEOUT_MS = 2_000;

/**
 * Gauges read from Redis at scrape time: what the whole cluster holds (queue depths, dead letters,
 * each source's last successful poll, each mailbox's request budget), the same whichever process
 * is scraped. A value that cannot be read is left out rather than reported stale.
 */
export class ClusterGauges {
  readonly registry = new Registry();

  readonly #redisUp = new Gauge({
    name: 'postroom_redis_up',
    help: 'Whether Redis answered PING at this scrape (1) or not (0)',
    registers: [this.registry],
  });

  readonly #queueJobs = new Gauge({
    name: 'postroom_queue_jobs',
    help: 'Jobs in each BullMQ queue (poll, ingest, dead-letter) per state',
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry],
  });

  readonly #deadLetters = new Gauge({
    name: 'postroom_dead_letters',
    help: 'Dead letters waiting to be retried or purged (postroom dlq)',
    registers: [this.registry],
  });

  readonly #lastSuccess = new Gauge({
    name: 'postroom_last_successful_poll_timestamp_seconds',
    help: 'When each source last polled successfully, by any process (Unix time)',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });

  readonly #budget = new Gauge({
    name: 'postroom_graph_budget_remaining',
    help: 'Graph requests left in the current budget window per mailbox (graph.requestBudget), shared by all processes',
    labelNames: ['mailbox'] as const,
    registers: [this.registry],
  });

  constructor(
    private readonly runtime: Runtime,
    private readonly health: HealthConnection,
    private readonly status: SourceStatusStore,
  ) {}

  /** Reads everything afresh; called by /metrics before it renders. */
  async refresh(): Promise<void> {
    for (const gauge of [this.#queueJobs, this.#deadLetters, this.#lastSuccess, this.#budget]) gauge.reset();
    try {
      await withTimeout(this.health.redis.ping(), SCRAPE_REDIS_TIMEOUT_MS, 'PING');
      this.#redisUp.set(1);
    } catch {
      // Every read below would wait out its timeout: report Redis down and nothing else.
      this.#redisUp.set(0);
      return;
    }
    await Promise.all([this.#readQueues(), this.#readSources(), this.#readBudgets()]);
  }

  async #readQueues(): Promise<void> {
    await Promise.all(
      QUEUE_NAMES.map(async (name: QueueName) => {
        const counts = await this.#read(
          () => this.runtime.queues[name].getJobCounts(...QUEUE_STATES),
          `${name} queue counts`,
        );
        if (!counts) return;
        for (const state of QUEUE_STATES) this.#queueJobs.set({ queue: name, state }, counts[state] ?? 0);
        if (name === 'dead-letter') this.#deadLetters.set(counts.waiting ?? 0);
      }),
    );
  }

  async #readSources(): Promise<void> {
    const ids = this.runtime.config.sources.map((s) => s.definition.id);
    const statuses = await this.#read(() => this.status.getMany(ids), 'source status');
    for (const status of statuses ?? []) {
      if (status.lastSuccessAt !== undefined)
        this.#lastSuccess.set({ source: status.sourceId }, status.lastSuccessAt / 1000);
    }
  }

  async #readBudgets(): Promise<void> {
    const enabled = this.runtime.config.sources.filter((s) => s.definition.enabled);
    await Promise.all(
      enabled.map(async (source) => {
        const { id, mailbox } = source.definition;
        const remaining = await this.#read(
          async () => (await this.runtime.mailSource(id).remainingBudget?.()) ?? null,
          'request budget',
        );
        if (typeof remaining === 'number') this.#budget.set({ mailbox }, remaining);
      }),
    );
  }

  async #read<T>(read: () => Promise<T>, what: string): Promise<T | null> {
    try {
      return await withTimeout(read(), SCRAPE_REDIS_TIMEOUT_MS, what);
    } catch (err) {
      this.runtime.logger.debug('metrics scrape could not read Redis', { what, error: errorMessage(err) });
      return null;
    }
  }
}
