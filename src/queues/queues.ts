import { createHash } from 'node:crypto';
import { Queue, type JobsOptions, type MinimalJob } from 'bullmq';
import type { Redis } from 'ioredis';
import { PostroomError } from '../errors/postroom-error';
import { backoffMs } from '../errors/retry-timing';
import type { JobMap, QueueName } from './job-map';

/** The name of postroom's own backoff strategy (see jobBackoff). */
const BACKOFF_TYPE = 'postroom';
/** A job never waits longer than this between two attempts. */
const JOB_BACKOFF_CAP_MS = 30 * 60 * 1000;
/** A poll that failed tries again this often before waiting for its next scheduled tick. */
const POLL_ATTEMPTS = 3;
const POLL_BACKOFF_MS = 10_000;
/** Completed ingest jobs are kept a while so a repeated delta item dedupes in the queue itself. */
const KEEP_COMPLETED = { age: 24 * 60 * 60, count: 50_000 };
/**
 * Failed ingest jobs are kept so that a job BullMQ fails on its own (stalled too often) can still
 * be found and dead-lettered; `dead-letter retry` removes the failed job before enqueueing again.
 */
const KEEP_FAILED = { age: 7 * 24 * 60 * 60, count: 50_000 };

/**
 * The delay before a job's next attempt: exponential from the job's base delay with jitter, and
 * never shorter than a server's Retry-After carried by the error.
 */
export function jobBackoff(attemptsMade: number, _type?: string, err?: Error, job?: MinimalJob): number {
  const base = (job?.opts.backoff as { delay?: number } | undefined)?.delay ?? POLL_BACKOFF_MS;
  const exponential = backoffMs(attemptsMade, base, JOB_BACKOFF_CAP_MS);
  const hint = err instanceof PostroomError ? (err.retryAfterMs ?? 0) : 0;
  return Math.max(exponential, hint);
}

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

export function actionJobId(sourceId: string, messageId: string): string {
  return `action-${sourceId}-${idPart(messageId)}`;
}

/** An action's dead letter has its own id: it never replaces (or is replaced by) an ingest one. */
export function deadActionJobId(sourceId: string, messageId: string): string {
  return `dead-action-${sourceId}-${idPart(messageId)}`;
}

export type Queues = { [K in QueueName]: Queue<JobMap[K], unknown, K> };

export function createQueues(connection: Redis, prefix: string): Queues {
  const make = <K extends QueueName>(name: K) =>
    new Queue<JobMap[K], unknown, K>(name, { connection, prefix });
  return {
    poll: make('poll'),
    ingest: make('ingest'),
    action: make('action'),
    'dead-letter': make('dead-letter'),
  };
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
    backoff: { type: BACKOFF_TYPE, delay: POLL_BACKOFF_MS },
    removeOnComplete: true,
    removeOnFail: true,
  };
  await queues.poll.add('poll', job, opts);
}

/** BullMQ's lowest priority (largest number) a job may have. */
const LOWEST_PRIORITY = 2 ** 21 - 1;

/**
 * A message's place in the listing of its poll round becomes its job's priority (1 first), so the
 * ingest queue takes the first messages of every source's round before the later ones of any:
 * a backfill of 50,000 messages in one mailbox does not hold up the next 10 of another, and ten
 * mailboxes polled together keep all ten busy instead of the ingest workers crowding the gate of
 * whichever was listed first. Within a source the listing order stays. Jobs without a position
 * (`dlq retry`) have no priority, which BullMQ takes first.
 */
function roundPriority(position: number): number {
  return Math.min(LOWEST_PRIORITY, Math.max(1, Math.floor(position)));
}

export interface IngestRetryPolicy {
  attempts: number;
  /** First retry after about this long, doubling each time. */
  delayMs: number;
}

export async function enqueueIngest(
  queues: Queues,
  jobs: ReadonlyArray<JobMap['ingest']>,
  retry: IngestRetryPolicy,
  positions?: readonly number[],
): Promise<void> {
  if (jobs.length === 0) return;
  await queues.ingest.addBulk(
    jobs.map((data, i) => ({
      name: 'ingest' as const,
      data,
      opts: {
        jobId: ingestJobId(data.sourceId, data.messageId),
        ...(positions ? { priority: roundPriority(positions[i]!) } : {}),
        attempts: retry.attempts,
        backoff: { type: BACKOFF_TYPE, delay: retry.delayMs },
        removeOnComplete: KEEP_COMPLETED,
        removeOnFail: KEEP_FAILED,
      },
    })),
  );
}

/**
 * Enqueues an after-import action. The job id derives from source and message, so a second enqueue
 * while one is waiting, running or kept as completed/failed is ignored.
 */
export async function enqueueAction(
  queues: Queues,
  job: JobMap['action'],
  retry: IngestRetryPolicy,
): Promise<void> {
  await queues.action.add('action', job, {
    jobId: actionJobId(job.sourceId, job.messageId),
    attempts: retry.attempts,
    backoff: { type: BACKOFF_TYPE, delay: retry.delayMs },
    removeOnComplete: KEEP_COMPLETED,
    removeOnFail: KEEP_FAILED,
  });
}

export async function enqueueDeadLetter(queues: Queues, letter: JobMap['dead-letter']): Promise<void> {
  const jobId =
    letter.stage === 'action'
      ? deadActionJobId(letter.sourceId, letter.messageId)
      : deadLetterJobId(letter.sourceId, letter.messageId);
  // A message that dies again replaces its old letter, so the reason shown is the latest one.
  await queues['dead-letter'].remove(jobId);
  // Nothing consumes this queue: its jobs are the dead letters, waiting to be retried or purged.
  await queues['dead-letter'].add('dead-letter', letter, {
    jobId,
    removeOnComplete: false,
    removeOnFail: false,
  });
}
