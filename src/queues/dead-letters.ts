import type { Job } from 'bullmq';
import type { Ledger } from '../ledger/ledger';
import type { DeadLetterJob } from './job-map';
import {
  actionJobId,
  enqueueAction,
  enqueueIngest,
  ingestJobId,
  type IngestRetryPolicy,
  type Queues,
} from './queues';

/** Which dead letters a command acts on: one by id, those of one source, or all. */
export type DeadLetterSelector = { id: string } | { sourceId: string } | { all: true };

export type DeadLetter = DeadLetterJob & { id: string };

/** The dead letters, oldest first. */
export async function listDeadLetters(queues: Queues, sourceId?: string): Promise<DeadLetter[]> {
  const jobs = await queues['dead-letter'].getJobs(['waiting'], 0, -1, true);
  return jobs.flatMap((job) =>
    job?.id && (!sourceId || job.data.sourceId === sourceId) ? [toLetter(job)] : [],
  );
}

function toLetter(job: Job<DeadLetterJob, unknown, string>): DeadLetter {
  return { ...job.data, id: job.id ?? '' };
}

export async function getDeadLetter(queues: Queues, id: string): Promise<DeadLetter | null> {
  const job = await queues['dead-letter'].getJob(id);
  return job?.id ? toLetter(job) : null;
}

async function select(queues: Queues, selector: DeadLetterSelector): Promise<DeadLetter[]> {
  if ('id' in selector) {
    const letter = await getDeadLetter(queues, selector.id);
    return letter ? [letter] : [];
  }
  return listDeadLetters(queues, 'sourceId' in selector ? selector.sourceId : undefined);
}

/**
 * Sends dead letters back with fresh attempts: a message to the ingest queue, an after-import
 * action to the action queue alone (the document is committed; the message is not imported again).
 * The letter is removed only once its job is enqueued: a crash in between leaves a stale letter,
 * never a lost message. With `ledger`, a retried action shows as pending there again at once.
 */
export async function retryDeadLetters(
  queues: Queues,
  selector: DeadLetterSelector,
  retry: IngestRetryPolicy,
  ledger?: Ledger,
): Promise<DeadLetter[]> {
  const letters = await select(queues, selector);
  for (const letter of letters) {
    if (letter.stage === 'action') {
      await ledger?.recordAction(letter.sourceId, letter.messageId, {
        kind: letter.action.action.kind,
        status: 'pending',
        at: new Date().toISOString(),
      });
      // The failed action job keeps its id for a week; free it, or BullMQ would ignore the new one.
      await queues.action.remove(actionJobId(letter.sourceId, letter.messageId));
      await enqueueAction(queues, { ...letter.action, retried: true }, retry);
    } else {
      await queues.ingest.remove(ingestJobId(letter.sourceId, letter.messageId));
      await enqueueIngest(queues, [letter.ingest], retry);
    }
    await queues['dead-letter'].remove(letter.id);
  }
  return letters;
}

/**
 * Deletes dead letters for good. Their ledger rows stay "dead-lettered", so later polls still leave
 * those messages alone.
 */
export async function purgeDeadLetters(queues: Queues, selector: DeadLetterSelector): Promise<DeadLetter[]> {
  const letters = await select(queues, selector);
  for (const letter of letters) await queues['dead-letter'].remove(letter.id);
  return letters;
}
