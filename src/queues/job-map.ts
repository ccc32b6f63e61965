import type { MessageSummary } from '../sources/mail-source';

/** One scheduled visit to a source. Carries no secrets: workers look the source up by id. */
export interface PollJob {
  sourceId: string;
  reason: 'schedule' | 'startup' | 'manual' | 'reload' | 'backfill';
}

/** One message to fetch, convert and deliver. */
export interface IngestJob {
  sourceId: string;
  messageId: string;
  summary: MessageSummary;
}

/** A message postroom gave up on, kept until retried or purged. */
export interface DeadLetterJob {
  sourceId: string;
  messageId: string;
  internetMessageId?: string;
  subject?: string;
  receivedDateTime?: string;
  stage: IngestStage;
  errorCode: string;
  error: string;
  attempts: number;
  failedAt: string;
  /** The ingest job's data, so a retry can enqueue it unchanged. */
  ingest: IngestJob;
}

/** Where an ingest failed; `worker` when the worker itself died or stalled. */
export type IngestStage = 'lookup' | 'download' | 'deliver' | 'record' | 'worker';

/**
 * The one map from queue name to payload type: enqueueing and processing are typed from it, so the
 * two sides cannot drift. Each queue carries one kind of job, named like the queue.
 */
export interface JobMap {
  poll: PollJob;
  ingest: IngestJob;
  'dead-letter': DeadLetterJob;
}

export type QueueName = keyof JobMap;
export const QUEUE_NAMES: readonly QueueName[] = ['poll', 'ingest', 'dead-letter'];
