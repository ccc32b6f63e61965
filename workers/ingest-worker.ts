import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Job } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import { enqueueAfterImport } from '../src/actions/enqueue-after-import';
import type { DocumentRef } from '../src/backends/document-sink';
import type { ConversionFlags } from '../src/conversion/conversion-types';
import { convertMessage } from '../src/conversion/convert-message';
import { buildDeliveries, messageKey } from '../src/ingest/build-deliveries';
import { conversionOptionsOf } from '../src/ingest/conversion-options-of';
import { recordSkipped } from '../src/ledger/record-skipped';
import { evaluateFilters, filtersNeedContent } from '../src/mapping/evaluate-filters';
import { mapMetadata } from '../src/mapping/map-metadata';
import { messageInfoFrom } from '../src/mapping/message-info';
import { errorCode, errorMessage, isRetryable } from '../src/errors/postroom-error';
import type { IngestJob, IngestStage } from '../src/queues/job-map';
import { enqueueDeadLetter, ingestJobId } from '../src/queues/queues';
import { scoped } from '../src/observability/logger';
import type { Runtime } from '../src/service/runtime';
import { removeSpoolFile } from '../src/spool/remove-file';
import { writeHashed, type HashedFile } from '../src/spool/write-hashed';

/** Messages up to this size are also kept in memory while spooled, so conversion reads no file. */
const SPOOL_IN_MEMORY_BYTES = 1024 * 1024;

export type IngestOutcome =
  | { outcome: 'imported'; document: DocumentRef; documents: number }
  | { outcome: 'already-delivered'; document?: DocumentRef; by: 'ledger' | 'backend' }
  | { outcome: 'skipped'; reason: string };

/**
 * Fetches one message's MIME into the spool, converts it, delivers its documents to the source's
 * backend and records the outcome; the after-import action is queued only then. A message that
 * fails for good, or on its last attempt, becomes a dead letter with its reason: nothing is dropped
 * silently. Filtered-out mail is recorded as skipped.
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
      const afterImport = (document: DocumentRef) =>
        enqueueAfterImport(runtime, {
          sourceId,
          messageId,
          summary,
          document,
          afterImport: def.afterImport,
          listedAt: job.data.listedAt,
        });

      const prior = await runtime.ledger.get(sourceId, messageId);
      if (prior?.status === 'skipped') return { outcome: 'skipped', reason: prior.reason ?? 'skipped' };
      if (prior?.status === 'delivered') {
        // A crash right after the ledger write may have lost the action's enqueue: repeat it (idempotent).
        if (prior.backend && prior.documentRef)
          await afterImport({ backend: prior.backend, ref: prior.documentRef });
        return { outcome: 'already-delivered', by: 'ledger' };
      }
      // Rules on addresses, subject and dates need no download: a skipped message costs no $value.
      if (def.filters && !filtersNeedContent(def.filters)) {
        const verdict = evaluateFilters(messageInfoFrom(def, summary), def.filters);
        if (!verdict.include) return await skip(verdict.reason);
      }

      const sink = runtime.sink(def.backend);
      const existing = await sink.find(messageKey(sourceId, messageId, summary));
      if (existing) {
        stage = 'record';
        await recordDelivered(existing);
        await afterImport(existing);
        log.info('message already delivered (found in backend)', { document: existing.ref });
        return { outcome: 'already-delivered', document: existing, by: 'backend' };
      }

      stage = 'download';
      // One file per attempt: a re-run of a job thought stalled must not write into this one's file.
      const spoolPath = join(
        runtime.config.service.directories.spool,
        sourceId,
        `${ingestJobId(sourceId, messageId)}-${randomUUID()}.eml`,
      );
      const workDir = `${spoolPath}.d`;
      // An .eml kept whole writes nothing there: then there is nothing to remove either.
      let workDirUsed = true;
      let spooled: HashedFile | undefined;
      try {
        // An .eml kept whole is read by nobody but the sink: one that takes bytes needs no spool file.
        const writeSmall = !(sink.takesBytes && def.format === 'eml' && def.attachments === 'embedded');
        await runtime.mailSource(sourceId).download(messageId, async (mime) => {
          spooled = await writeHashed(mime, spoolPath, { keepUpTo: SPOOL_IN_MEMORY_BYTES, writeSmall });
        });
        stage = 'convert';
        const result = await convertMessage(spooled!, workDir, conversionOptionsOf(def));
        workDirUsed = result.documents.some((d) => d.files.some((f) => f.path !== spoolPath));
        const info = messageInfoFrom(def, summary, result.facts);
        const verdict = evaluateFilters(info, def.filters);
        if (!verdict.include) return await skip(verdict.reason);

        stage = 'deliver';
        const mapped = def.metadata ? mapMetadata(info, def.metadata) : undefined;
        const inMemory = spooled!.written ? undefined : { path: spoolPath, bytes: spooled!.bytes! };
        const deliveries = buildDeliveries({ definition: def, messageId, summary, result, mapped, inMemory });
        let document: DocumentRef | undefined;
        for (const delivery of deliveries) {
          // Parts delivered by an earlier attempt are found, not sent again. The message's own
          // document was looked up at the start of this attempt: no second request for it.
          const earlier = delivery.key.part ? await sink.find(delivery.key) : null;
          document = earlier ?? (await sink.deliver(delivery));
        }
        stage = 'record';
        await recordDelivered(document!);
        // Only now, with every document committed, may the mailbox be touched.
        await afterImport(document!);
        await runtime.status.countOutcome(sourceId, 'imported');
        log.info('message imported', {
          audit: 'imported',
          subject: summary.subject,
          backend: document!.backend,
          document: document!.ref,
          documents: deliveries.length,
          files: deliveries.reduce((n, d) => n + d.files.length, 0),
          flags: conversionNotes(result.flags),
          durationMs: Date.now() - started,
        });
        return { outcome: 'imported', document: document!, documents: deliveries.length };
      } finally {
        // A message held only in memory left no file (a failed download may have left one).
        if (spooled?.written !== false) removeSpoolFile(spoolPath);
        if (workDirUsed) await fs.rm(workDir, { recursive: true, force: true });
      }
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

    async function recordDelivered(document: DocumentRef): Promise<void> {
      await runtime.ledger.record(sourceId, messageId, {
        status: 'delivered',
        at: new Date().toISOString(),
        internetMessageId: summary.internetMessageId,
        backend: document.backend,
        documentRef: document.ref,
      });
    }

    async function skip(reason: string): Promise<IngestOutcome> {
      stage = 'record';
      await recordSkipped(runtime, { sourceId, messageId, summary, reason });
      await runtime.status.countOutcome(sourceId, 'skipped');
      return { outcome: 'skipped', reason };
    }
  };
}

/** What an audit line says about a message's conversion, when there is anything to say. */
function conversionNotes(flags: ConversionFlags): string[] | undefined {
  const notes = [
    flags.smime ? `smime-${flags.smime}` : '',
    flags.tnef ? 'tnef' : '',
    flags.calendar ? 'calendar' : '',
    flags.malformed.length > 0 ? 'malformed' : '',
  ].filter(Boolean);
  return notes.length > 0 ? notes : undefined;
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
