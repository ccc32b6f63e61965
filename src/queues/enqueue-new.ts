import type { Ledger } from '../ledger/ledger';
import type { MessageSummary } from '../sources/mail-source';
import type { IngestJob } from './job-map';
import { enqueueIngest, type IngestRetryPolicy, type Queues } from './queues';

export interface EnqueueNewResult {
  /** Jobs added (or already waiting under the same id): messages the ledger knows nothing about. */
  enqueued: IngestJob[];
  /**
   * Messages with a ledger row: delivered, skipped or dead-lettered. Skipped ones do not come back
   * when the filters change; dead letters come back only through `postroom dlq retry`.
   */
  alreadyDone: number;
}

/**
 * Turns a page of messages into ingest jobs, leaving out those the ledger already holds: a change
 * such as "marked read" shows up in delta again, and a poison message must not loop. Dead letters
 * come back only through `postroom dlq retry`. Shared by the poll round and by backfill.
 */
export async function enqueueNewMessages(
  deps: { ledger: Ledger; queues: Queues; retry: IngestRetryPolicy },
  sourceId: string,
  messages: readonly MessageSummary[],
  /** How many messages the round listed before this page: sets the jobs' priority (see queues.ts). */
  listedBefore: number,
): Promise<EnqueueNewResult> {
  const known = await deps.ledger.getMany(
    sourceId,
    messages.map((m) => m.id),
  );
  const enqueued: IngestJob[] = [];
  const positions: number[] = [];
  // When the page was listed: the categories it carries are trusted for a while by the action worker.
  const listedAt = Date.now();
  messages.forEach((summary, i) => {
    if (known[i]) return;
    enqueued.push({ sourceId, messageId: summary.id, summary, listedAt });
    positions.push(listedBefore + i + 1);
  });
  await enqueueIngest(deps.queues, enqueued, deps.retry, positions);
  return { enqueued, alreadyDone: messages.length - enqueued.length };
}

/** The retry policy for ingest jobs, from the service configuration. */
export function ingestRetryPolicy(workers: {
  ingestAttempts: number;
  retryDelaySeconds: number;
}): IngestRetryPolicy {
  return { attempts: workers.ingestAttempts, delayMs: workers.retryDelaySeconds * 1000 };
}
