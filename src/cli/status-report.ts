import type { JobType } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config/load-config';
import { listDeadLetters } from '../queues/dead-letters';
import { QUEUE_NAMES, type QueueName } from '../queues/job-map';
import type { Queues } from '../queues/queues';
import { SourceStatusStore, type SourceStatus } from '../state/source-status';

/** Ingest jobs that still have work ahead of them. */
const PENDING_STATES: JobType[] = ['waiting', 'prioritized', 'delayed', 'active'];
/** Per-queue counts shown in the summary. */
const QUEUE_STATES: JobType[] = ['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed'];

export interface SourceReport {
  id: string;
  enabled: boolean;
  schedule: string;
  status: SourceStatus;
  /** Ingest jobs of this source waiting, delayed or running. */
  queued: number;
  deadLetters: number;
}

export interface StatusReport {
  generatedAt: number;
  sources: SourceReport[];
  queues: Record<QueueName, Record<string, number>>;
}

/**
 * Ingest job ids are `ingest-<sourceId>-<32 hex>`; the fixed-length tail tells source "a" from
 * source "a-b" (see ingestJobId), so jobs can be counted per source from their ids alone, without loading their data.
 */
export function sourceOfIngestJob(jobId: string): string | undefined {
  return /^ingest-(.+)-[0-9a-f]{32}$/.exec(jobId)?.[1];
}

/**
 * Everything `postroom status` shows, read from Redis only: it works the same whether the service
 * runs, on how many machines, or not at all.
 */
export async function gatherStatus(config: Config, redis: Redis, queues: Queues): Promise<StatusReport> {
  const ids = config.sources.map((s) => s.definition.id);
  const store = new SourceStatusStore(redis, config.service.queuePrefix);
  const [statuses, pendingIds, letters, counts] = await Promise.all([
    store.getMany(ids),
    queues.ingest.getRanges(PENDING_STATES, 0, -1),
    listDeadLetters(queues),
    Promise.all(QUEUE_NAMES.map((name) => queues[name].getJobCounts(...QUEUE_STATES))),
  ]);

  const queued = new Map<string, number>();
  // A job moving between states can be listed twice in one read: count each id once.
  for (const jobId of new Set(pendingIds)) {
    const sourceId = sourceOfIngestJob(jobId);
    if (sourceId !== undefined) queued.set(sourceId, (queued.get(sourceId) ?? 0) + 1);
  }
  const dead = new Map<string, number>();
  for (const letter of letters) dead.set(letter.sourceId, (dead.get(letter.sourceId) ?? 0) + 1);

  return {
    generatedAt: Date.now(),
    sources: config.sources.map((source, i) => ({
      id: source.definition.id,
      enabled: source.definition.enabled,
      schedule: source.definition.schedule,
      status: statuses[i]!,
      queued: queued.get(source.definition.id) ?? 0,
      deadLetters: dead.get(source.definition.id) ?? 0,
    })),
    queues: Object.fromEntries(QUEUE_NAMES.map((name, i) => [name, counts[i]!])) as StatusReport['queues'],
  };
}
