import type { Job } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import { PostroomError, errorCode, errorMessage, isRetryable } from '../src/errors/postroom-error';
import type { PollJob } from '../src/queues/job-map';
import { enqueueNewMessages, ingestRetryPolicy } from '../src/queues/enqueue-new';
import { scoped } from '../src/observability/logger';
import type { Runtime } from '../src/service/runtime';
import type { ChangePage } from '../src/sources/mail-source';
import { withPollLock, type PollFence } from '../src/state/poll-lock';

export interface PollOutcome {
  pages: number;
  seen: number;
  enqueued: number;
  alreadyDone: number;
  removed: number;
  resynced: boolean;
  checkpointStored: boolean;
}

/**
 * One delta round for one source: every new message becomes an ingest job, and the new checkpoint
 * is stored only after the whole round is enqueued. A crash mid-round repeats the round; ingest job
 * ids and the ledger make the repeat harmless.
 */
export function createPollProcessor(runtime: Runtime) {
  return async (job: Job<PollJob>): Promise<PollOutcome | { skipped: string }> => {
    const { sourceId } = job.data;
    const source = runtime.source(sourceId);
    const log = scoped(runtime.logger, { component: 'poll', sourceId, jobId: job.id });
    if (!source || !source.definition.enabled) {
      log.info('poll skipped: source is not configured or not enabled');
      return { skipped: 'source-not-enabled' };
    }
    const started = Date.now();
    const prefix = runtime.config.service.queuePrefix;
    try {
      const locked = await withPollLock(runtime.redis, prefix, sourceId, (fence) =>
        runRound(runtime, job, log, fence),
      );
      if (!locked.ran) {
        log.info('poll skipped: another poll of this source is running');
        return { skipped: 'already-running' };
      }
      const outcome = locked.result;
      const budgetRemaining = await runtime.mailSource(sourceId).remainingBudget?.();
      await runtime.status.pollSucceeded(sourceId, Date.now() - started);
      log.info('poll finished', { ...outcome, durationMs: Date.now() - started, budgetRemaining });
      return outcome;
    } catch (err) {
      await runtime.status.pollFailed(sourceId, errorCode(err), Date.now() - started);
      log.error('poll failed', {
        code: errorCode(err),
        error: errorMessage(err),
        attempt: job.attemptsMade + 1,
      });
      if (!isRetryable(err)) throw new UnrecoverableError(`${errorCode(err)}: ${errorMessage(err)}`);
      throw err;
    }
  };
}

async function runRound(
  runtime: Runtime,
  job: Job<PollJob>,
  log: ReturnType<typeof scoped>,
  fence: PollFence,
): Promise<PollOutcome> {
  const { sourceId } = job.data;
  await runtime.status.pollStarted(sourceId);
  const mailSource = runtime.mailSource(sourceId);
  const retry = ingestRetryPolicy(runtime.config.service.workers);
  const outcome: PollOutcome = {
    pages: 0,
    seen: 0,
    enqueued: 0,
    alreadyDone: 0,
    removed: 0,
    resynced: false,
    checkpointStored: true,
  };

  const onPage = async (page: ChangePage): Promise<void> => {
    const listedBefore = outcome.seen;
    outcome.pages++;
    outcome.seen += page.messages.length;
    outcome.removed += page.removed.length;
    const result = await enqueueNewMessages(
      { ledger: runtime.ledger, queues: runtime.queues, retry },
      sourceId,
      page.messages,
      listedBefore,
    );
    outcome.alreadyDone += result.alreadyDone;
    outcome.enqueued += result.enqueued.length;
    await runtime.status.pollProgress(sourceId);
  };

  const checkpoint = await runtime.checkpoints.get(sourceId);
  let next: string;
  try {
    next = await mailSource.changes(checkpoint, onPage);
  } catch (err) {
    if (!(err instanceof PostroomError && err.code === 'SYNC_STATE_EXPIRED')) throw err;
    log.warn('delta sync state expired: starting a full round; delivered messages are skipped', {
      code: err.code,
    });
    await runtime.checkpoints.drop(sourceId);
    outcome.resynced = true;
    next = await mailSource.changes(null, onPage);
  }
  if (!(await runtime.checkpoints.set(sourceId, next, fence))) {
    log.warn(
      'poll lock lost during the round (Redis restarted or flushed?): checkpoint not stored, the next poll starts over',
    );
    outcome.checkpointStored = false;
  }
  return outcome;
}
