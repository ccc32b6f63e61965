import type { Redis } from 'ioredis';
import type { Config, Source } from '../config/load-config';
import type { Ledger } from '../ledger/ledger';
import type { LedgerEntry } from '../ledger/ledger';
import type { Logger } from '../observability/logger';
import { enqueueNewMessages, ingestRetryPolicy } from '../queues/enqueue-new';
import type { Queues } from '../queues/queues';
import { createMailSource } from '../sources/create-mail-source';

export interface BackfillProgress {
  /** Messages received since the date that the folder holds. */
  found: number;
  /** Of those, already imported, skipped or dead-lettered before the backfill. */
  alreadyDone: number;
  /** Handed to the workers by this backfill. */
  enqueued: number;
  /** Enqueued messages the workers have finished, by outcome. */
  imported: number;
  deadLettered: number;
  skipped: number;
  /** True while the folder is still being listed. */
  listing: boolean;
}

/** How often the ledger is read for the outcome of enqueued messages. */
const PROGRESS_INTERVAL_MS = 500;
/** Ledger reads are batched: HMGET with thousands of fields is still one round trip, but bounded. */
const LEDGER_BATCH = 500;

export interface BackfillOptions {
  since: Date;
  /** Wait until every enqueued message has an outcome (needs running workers). */
  wait: boolean;
  onProgress(progress: BackfillProgress): void;
}

function countOutcomes(entries: Array<LedgerEntry | null>, progress: BackfillProgress): void {
  for (const entry of entries) {
    if (entry?.status === 'delivered') progress.imported++;
    else if (entry?.status === 'dead-lettered') progress.deadLettered++;
    else if (entry) progress.skipped++;
  }
}

/**
 * Imports what a folder received since a date, beside the regular polls: a one-off delta round
 * filtered on receivedDateTime whose checkpoint is thrown away, feeding the same ingest queue. Job
 * ids and the ledger make it harmless to overlap a poll or to run it twice.
 */
export async function runBackfill(
  source: Source,
  config: Config,
  deps: { redis: Redis; queues: Queues; ledger: Ledger; logger: Logger },
  options: BackfillOptions,
): Promise<BackfillProgress> {
  const sourceId = source.definition.id;
  const mailSource = createMailSource(source, config.service, deps.redis, deps.logger);
  const retry = ingestRetryPolicy(config.service.workers);
  const progress: BackfillProgress = {
    found: 0,
    alreadyDone: 0,
    enqueued: 0,
    imported: 0,
    deadLettered: 0,
    skipped: 0,
    listing: true,
  };
  const pending: string[] = [];
  await mailSource.changes(
    null,
    async (page) => {
      const result = await enqueueNewMessages(
        { ledger: deps.ledger, queues: deps.queues, retry },
        sourceId,
        page.messages,
        progress.found,
      );
      progress.found += page.messages.length;
      progress.alreadyDone += result.alreadyDone;
      progress.enqueued += result.enqueued.length;
      pending.push(...result.enqueued.map((j) => j.messageId));
      options.onProgress({ ...progress });
    },
    { receivedSince: options.since.toISOString() },
  );
  progress.listing = false;
  options.onProgress({ ...progress });
  if (!options.wait) return progress;

  let waiting = pending;
  while (waiting.length > 0) {
    const still: string[] = [];
    for (let i = 0; i < waiting.length; i += LEDGER_BATCH) {
      const batch = waiting.slice(i, i + LEDGER_BATCH);
      const entries = await deps.ledger.getMany(sourceId, batch);
      countOutcomes(entries, progress);
      entries.forEach((entry, k) => {
        if (!entry) still.push(batch[k]!);
      });
    }
    waiting = still;
    options.onProgress({ ...progress });
    if (waiting.length > 0) await new Promise((r) => setTimeout(r, PROGRESS_INTERVAL_MS));
  }
  return progress;
}
