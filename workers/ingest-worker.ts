import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Job } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import { enqueueAfterImport } from '../src/actions/enqueue-after-import';
import type { DeliveryKey, DocumentRef } from '../src/backends/document-sink';
import { errorCode, errorMessage, isRetryable } from '../src/errors/postroom-error';
import type { IngestJob, IngestStage } from '../src/queues/job-map';
import { enqueueDeadLetter, ingestJobId } from '../src/queues/queues';
import { scoped } from '../src/observability/logger';
import type { Runtime } from '../src/service/runtime';
import { writeHashed, type HashedFile } from '../src/spool/write-hashed';

export type IngestOutcome =
  | { outcome: 'imported'; document: DocumentRef }
  | { outcome: 'already-delivered'; document?: DocumentRef; by: 'ledger' | 'backend' };

/**
 * Fetches one message's MIME into the spool, delivers it to the source's backend and records the
 * outcome. A message that fails for good, or on its last attempt, becomes a dead letter with its
 * reason: nothing is dropped silently.
 */
export function createIngestProcessor(runtime: Runtime) {
  return async (job: Job<IngestJob>): Promise<IngestOutcome> => {
    const { sourceId, messageId, summary } = job.data;
    const log = scoped(runtime.logger, {
      component: 'ingest',
      sourceId,
      jobId: job.id,
      messageId,
      internetMessageId: summary.internetMessageId,
    });
    const started = Date.now();
    let stage: IngestStage = 'lookup';
    try {
      const def = runtime.requireSource(sourceId).definition;

      const prior = await runtime.ledger.get(sourceId, messageId);
      if (prior?.status === 'delivered') {
        // A crash right after the ledger write may have lost the action's enqueue: repeat it (idempotent).
        if (prior.backend && prior.documentRef) {
          const document = { backend: prior.backend, ref: prior.documentRef };
          await enqueueAfterImport(runtime, {
            sourceId,
            messageId,
            summary,
            document,
            afterImport: def.afterImport,
            listedAt: job.data.listedAt,
          });
        }
        return { outcome: 'already-delivered', by: 'ledger' };
      }
      const sink = runtime.sink(def.backend);
      const key: DeliveryKey = { sourceId, messageId, receivedDateTime: summary.receivedDateTime };
      let document = await sink.find(key);
      const already = document !== null;

      if (!document) {
        stage = 'download';
        // One file per attempt: a re-run of a job thought stalled must not write into this one's file.
        const spoolPath = join(
          runtime.config.service.directories.spool,
          sourceId,
          `${ingestJobId(sourceId, messageId)}-${randomUUID()}.eml`,
        );
        let spooled: HashedFile | undefined;
        try {
          await runtime.mailSource(sourceId).download(messageId, async (mime) => {
            spooled = await writeHashed(mime, spoolPath);
          });
          stage = 'deliver';
          document = await sink.deliver({
            key,
            files: [
              {
                name: 'message.eml',
                path: spoolPath,
                movable: true,
                size: spooled!.size,
                sha256: spooled!.sha256,
                contentType: 'message/rfc822',
              },
            ],
            metadata: {
              sourceId,
              mailbox: def.mailbox,
              folder: def.folder,
              messageId,
              internetMessageId: summary.internetMessageId,
              subject: summary.subject,
              from: summary.from,
              to: summary.to,
              cc: summary.cc,
              sent: summary.sentDateTime,
              received: summary.receivedDateTime,
            },
          });
        } finally {
          await fs.rm(spoolPath, { force: true });
        }
      }

      stage = 'record';
      await runtime.ledger.record(sourceId, messageId, {
        status: 'delivered',
        at: new Date().toISOString(),
        internetMessageId: summary.internetMessageId,
        backend: document.backend,
        documentRef: document.ref,
      });
      // Only now, with every document committed, may the mailbox be touched.
      await enqueueAfterImport(runtime, {
        sourceId,
        messageId,
        summary,
        document,
        afterImport: def.afterImport,
        listedAt: job.data.listedAt,
      });
      if (already) {
        log.info('message already delivered (found in backend)', { document: document.ref });
        return { outcome: 'already-delivered', document, by: 'backend' };
      }
      await runtime.status.countOutcome(sourceId, 'imported');
      log.info('message imported', {
        audit: 'imported',
        subject: summary.subject,
        backend: document.backend,
        document: document.ref,
        durationMs: Date.now() - started,
      });
      return { outcome: 'imported', document };
    } catch (err) {
      const attempts = job.opts.attempts ?? 1;
      const lastAttempt = job.attemptsMade + 1 >= attempts;
      const permanent = !isRetryable(err);
      const details = {
        stage,
        code: errorCode(err),
        error: errorMessage(err),
        attempt: job.attemptsMade + 1,
        attempts,
      };
      if (!permanent && !lastAttempt) {
        log.warn('ingest failed, will retry', details);
        throw err;
      }
      await deadLetter(runtime, job, stage, err);
      log.error('message dead-lettered', {
        ...details,
        audit: 'dead-lettered',
        subject: summary.subject,
        durationMs: Date.now() - started,
      });
      throw new UnrecoverableError(`${errorCode(err)}: ${errorMessage(err)}`);
    }
  };
}

/** BullMQ's reason when it fails a job whose workers kept dying (out of memory, killed). */
const STALLED = /stalled more than allowable limit/;

/**
 * For jobs that failed without the processor recording why: a job BullMQ failed because it stalled
 * too often, or whose dead-lettering itself failed. Called for every final failure; does nothing
 * when the ledger already holds the outcome.
 */
export async function deadLetterIfUnrecorded(
  runtime: Runtime,
  job: Job<IngestJob>,
  err: Error,
): Promise<boolean> {
  const { sourceId, messageId } = job.data;
  if (await runtime.ledger.get(sourceId, messageId)) return false;
  const code = await deadLetter(runtime, job, 'worker', err);
  scoped(runtime.logger, { component: 'ingest', sourceId, jobId: job.id, messageId }).error(
    'message dead-lettered',
    {
      audit: 'dead-lettered',
      stage: 'worker',
      code,
      error: errorMessage(err),
    },
  );
  return true;
}

/** Dead-letters the job's message and returns the error code recorded. */
async function deadLetter(
  runtime: Runtime,
  job: Job<IngestJob>,
  stage: IngestStage,
  err: unknown,
): Promise<string> {
  const { sourceId, messageId, summary } = job.data;
  const failedAt = new Date().toISOString();
  const code = err instanceof Error && STALLED.test(err.message) ? 'STALLED' : errorCode(err);
  const message = errorMessage(err);
  await enqueueDeadLetter(runtime.queues, {
    sourceId,
    messageId,
    internetMessageId: summary.internetMessageId,
    subject: summary.subject,
    receivedDateTime: summary.receivedDateTime,
    stage,
    errorCode: code,
    error: message,
    attempts: job.attemptsMade + 1,
    failedAt,
    ingest: job.data,
  });
  await runtime.ledger.record(sourceId, messageId, {
    status: 'dead-lettered',
    at: failedAt,
    internetMessageId: summary.internetMessageId,
    errorCode: code,
    error: message,
    attempts: job.attemptsMade + 1,
  });
  await runtime.status.countOutcome(sourceId, 'failed');
  return code;
}
