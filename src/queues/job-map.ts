import type { MailboxAction, MessageSummary } from '../sources/mail-source';

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
  /** When the delta page with `summary` was read (ms since the epoch); kept by dead-letter retries. */
  listedAt?: number;
}

/**
 * The after-import action of one delivered message, run on its own queue so that a failing action
 * is retried without importing the message again. Carries no secrets.
 */
export interface ActionJob {
  sourceId: string;
  messageId: string;
  internetMessageId?: string;
  subject?: string;
  action: MailboxAction;
  /** Categories from the delta page, so adding one costs no read while they are fresh. */
  knownCategories?: string[];
  /** When the delta page listed them (ms since the epoch); without it they are not trusted. */
  categoriesListedAt?: number;
  /** The committed document the action follows. */
  backend: string;
  documentRef: string;
  deliveredAt: string;
  /** Set when a dead letter was retried: the delta page's categories are stale by then. */
  retried?: boolean;
}

interface DeadLetterCommon {
  sourceId: string;
  messageId: string;
  internetMessageId?: string;
  subject?: string;
  receivedDateTime?: string;
  errorCode: string;
  error: string;
  attempts: number;
  failedAt: string;
}

/** A message whose import postroom gave up on. */
export interface IngestDeadLetter extends DeadLetterCommon {
  stage: IngestStage;
  /** The ingest job's data, so a retry can enqueue it unchanged. */
  ingest: IngestJob;
  action?: undefined;
}

/** A delivered message whose after-import action postroom gave up on; a retry re-runs only the action. */
export interface ActionDeadLetter extends DeadLetterCommon {
  stage: 'action';
  action: ActionJob;
  ingest?: undefined;
}

/** A message postroom gave up on, kept until retried or purged. */
export type DeadLetterJob = IngestDeadLetter | ActionDeadLetter;

/** Where an ingest failed; `worker` when the worker itself died or stalled. */
export type IngestStage = 'lookup' | 'download' | 'convert' | 'deliver' | 'record' | 'worker';

/** Where any job failed: an ingest stage, or the after-import action. */
export type DeadLetterStage = DeadLetterJob['stage'];

/**
 * The one map from queue name to payload type: enqueueing and processing are typed from it, so the
 * two sides cannot drift. Each queue carries one kind of job, named like the queue.
 */
export interface JobMap {
  poll: PollJob;
  ingest: IngestJob;
  action: ActionJob;
  'dead-letter': DeadLetterJob;
}

export type QueueName = keyof JobMap;
export const QUEUE_NAMES: readonly QueueName[] = ['poll', 'ingest', 'action', 'dead-letter'];
