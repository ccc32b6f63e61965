import { createHash } from 'node:crypto';
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { JobMap, QueueName } from './job-map';

/** First retry of a failed ingest after about this long, doubling each time. */
const INGEST_BACKOFF_MS = 5_000;
/** Share of the backoff that is randomised, so retries of a burst do not arrive together. */
const BACKOFF_JITTER = 0.5;
/** A poll that failed tries again this often before waiting for its next scheduled tick. */
const POLL_ATTEMPTS = 3;
const POLL_BACKOFF_MS = 10_000;
/** Completed ingest jobs are kept a while so a repeated delta item dedupes in the queue itself. */
const KEEP_COMPLETED = { age: 24 * 60 * 60, count: 50_000 };

/** BullMQ ids may not contain ':' and Graph ids contain '/', '+', '=': hash them. */
function idPart(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 32);
}

export function pollJobId(sourceId: string): string {
  return `poll-${sourceId}`;
}

export function ingestJobId(sourceId: string, messageId: string): string {
  return `ingest-${sourceId}-${idPart(messageId)}`;
}

export function deadLetterJobId(sourceId: string, messageId: string): string {
  return `dead-${sourceId}-${idPart(messageId)}`;
}

export type Queues = { [K in QueueName]: Queue<JobMap[K], unknown, K> };

export function createQueues(connection: Redis, prefix: string): Queues {
  const make = <K extends QueueName>(name: K) =>
    new Queue<JobMap[K], unknown, K>(name, { connection, prefix });
  return { poll: make('poll'), ingest: make('ingest'), 'dead-letter': make('dead-letter') };
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(Object.values(queues).map((q) => q.close()));
}

/**
 * Enqueues a poll unless one for the source is already waiting or running: the fixed job id makes
 * BullMQ ignore the second add, across every process sharing the Redis.
 */
export async function enqueuePoll(queues: Queues, job: JobMap['poll']): Promise<void> {
  const opts: JobsOptions = {
    jobId: pollJobId(job.sourceId),
    attempts: POLL_ATTEMPTS,
    backoff: { type: 'exponential', delay: POLL_BACKOFF_MS, jitter: BACKOFF_JITTER },
    removeOnComplete: true,
    removeOnFail: true,
  };
  await queues.poll.add('poll', job, opts);
}

export async function enqueueIngest(
  queues: Queues,
  jobs: ReadonlyArray<JobMap['ingest']>,
  attempts: number,
): Promise<void> {
  if (jobs.length === 0) return;
  await queues.ingest.addBulk(
    jobs.map((data) => ({
      name: 'ingest' as const,
      data,
      opts: {
        jobId: ingestJobId(data.sourceId, data.messageId),
        attempts,
        backoff: { type: 'exponential', delay: INGEST_BACKOFF_MS, jitter: BACKOFF_JITTER },
        removeOnComplete: KEEP_COMPLETED,
        // The dead-letter queue keeps the record; the id must be free for a later retry.
        removeOnFail: true,
      },
    })),
  );
}

export async function enqueueDeadLetter(queues: Queues, letter: JobMap['dead-letter']): Promise<void> {
  // Nothing consumes this queue: its jobs are the dead letters, waiting for `dlq retry` or `purge`.
  await queues['dead-letter'].add('dead-letter', letter, {
    jobId: deadLetterJobId(letter.sourceId, letter.messageId),
    removeOnComplete: false,
    removeOnFail: false,
  });
}
