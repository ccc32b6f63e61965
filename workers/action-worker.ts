import type { Job } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import { describeAction } from '../src/actions/after-import-schema';
import { PostroomError, errorCode, errorMessage, isRetryable } from '../src/errors/postroom-error';
import type { ActionJob } from '../src/queues/job-map';
import { enqueueDeadLetter } from '../src/queues/queues';
import { scoped } from '../src/observability/logger';
import type { Runtime } from '../src/service/runtime';

export type ActionResult = { outcome: 'done'; changed: boolean; note?: string } | { outcome: 'already-done' };

/**
 * How long categories listed on a delta page are trusted. Longer, and a category a user set since
 * (a backlog of hours) could be overwritten: then one GET reads the current list first.
 */
export const CATEGORIES_TRUSTED_MS = 5 * 60 * 1000;

/** BullMQ's reason when it fails a job whose workers kept dying. */
const STALLED = /stalled more than allowable limit/;

/** A 403 on a change usually means the app was granted Mail.Read only: say so next to Graph's words. */
function explain(err: unknown): string {
  const message = errorMessage(err);
  return err instanceof PostroomError && err.code === 'GRAPH_ACCESS_DENIED'
    ? `${message}; after-import actions need the application permission Mail.ReadWrite`
    : message;
}

/**
 * Runs one message's after-import action. Its document is committed already, so a failure here
 * never touches the import: the action is retried on its own and, out of attempts or failing for
 * good, becomes a dead letter with stage `action` whose retry re-runs only the action.
 */
export function createActionProcessor(runtime: Runtime) {
  return async (job: Job<ActionJob>): Promise<ActionResult> => {
    const { sourceId, messageId, action } = job.data;
    const log = scoped(runtime.logger, {
      component: 'action',
      sourceId,
      jobId: job.id,
      messageId,
      internetMessageId: job.data.internetMessageId,
    });
    const attempt = job.attemptsMade + 1;
    try {
      const prior = await runtime.ledger.get(sourceId, messageId);
      if (prior?.action?.status === 'done') return { outcome: 'already-done' };
      runtime.requireSource(sourceId);
      const mailSource = runtime.mailSource(sourceId);
      if (!mailSource.applyAction) {
        throw new PostroomError('ACTION_UNSUPPORTED', `source "${sourceId}" cannot act on its mailbox`);
      }
      // The delta page's categories are fresh only right after the import; later attempts read them.
      const listedAt = job.data.categoriesListedAt;
      const fresh =
        job.attemptsMade === 0 &&
        !job.data.retried &&
        listedAt !== undefined &&
        Date.now() - listedAt <= CATEGORIES_TRUSTED_MS;
      const outcome = await mailSource.applyAction(
        messageId,
        action,
        fresh ? { knownCategories: job.data.knownCategories } : {},
      );
      await runtime.ledger.recordAction(sourceId, messageId, {
        kind: action.kind,
        status: 'done',
        at: new Date().toISOString(),
        attempts: attempt,
      });
      log.info('after-import action done', {
        audit: 'action-done',
        action: describeAction(action),
        changed: outcome.changed,
        note: outcome.note,
        document: job.data.documentRef,
      });
      return { outcome: 'done', changed: outcome.changed, note: outcome.note };
    } catch (err) {
      const attempts = job.opts.attempts ?? 1;
      const details = {
        action: describeAction(action),
        code: errorCode(err),
        error: explain(err),
        attempt,
        attempts,
      };
      if (isRetryable(err) && attempt < attempts) {
        await runtime.ledger.recordAction(sourceId, messageId, {
          kind: action.kind,
          status: 'pending',
          at: new Date().toISOString(),
          errorCode: details.code,
          error: details.error,
          attempts: attempt,
        });
        log.warn('after-import action failed, will retry', details);
        throw err;
      }
      await deadLetterAction(runtime, job, err);
      log.error('after-import action dead-lettered', { ...details, audit: 'action-dead-lettered' });
      throw new UnrecoverableError(`${details.code}: ${details.error}`);
    }
  };
}

/**
 * For action jobs that failed without the processor recording why (BullMQ failed a job that stalled
 * too often). Does nothing when the ledger already shows the action done or failed.
 */
export async function deadLetterActionIfUnrecorded(
  runtime: Runtime,
  job: Job<ActionJob>,
  err: Error,
): Promise<boolean> {
  const { sourceId, messageId } = job.data;
  const status = (await runtime.ledger.get(sourceId, messageId))?.action?.status;
  if (status === 'done' || status === 'failed') return false;
  const code = await deadLetterAction(runtime, job, err);
  scoped(runtime.logger, { component: 'action', sourceId, jobId: job.id, messageId }).error(
    'after-import action dead-lettered',
    { audit: 'action-dead-lettered', code, error: errorMessage(err) },
  );
  return true;
}

async function deadLetterAction(runtime: Runtime, job: Job<ActionJob>, err: unknown): Promise<string> {
  const { sourceId, messageId } = job.data;
  const failedAt = new Date().toISOString();
  const code = err instanceof Error && STALLED.test(err.message) ? 'STALLED' : errorCode(err);
  const error = explain(err);
  const attempts = job.attemptsMade + 1;
  await enqueueDeadLetter(runtime.queues, {
    sourceId,
    messageId,
    internetMessageId: job.data.internetMessageId,
    subject: job.data.subject,
    stage: 'action',
    errorCode: code,
    error,
    attempts,
    failedAt,
    // Stored without the retry mark: a retry sets it again.
    action: { ...job.data, retried: undefined },
  });
  // The message stays delivered; only its action is marked failed.
  await runtime.ledger.recordAction(sourceId, messageId, {
    kind: job.data.action.kind,
    status: 'failed',
    at: failedAt,
    errorCode: code,
    error,
    attempts,
  });
  return code;
}
