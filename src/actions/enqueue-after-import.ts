import type { DocumentRef } from '../backends/document-sink';
import { scoped } from '../observability/logger';
import { enqueueAction } from '../queues/queues';
import type { Runtime } from '../service/runtime';
import type { MessageSummary } from '../sources/mail-source';
import { describeAction, mailboxActionOf, type AfterImport } from './after-import-schema';

export interface AfterImportRequest {
  sourceId: string;
  messageId: string;
  summary: MessageSummary;
  /** The committed document (for a multi-document message, the message's own document). */
  document: DocumentRef;
  /** The source definition's `afterImport`. */
  afterImport: AfterImport | undefined;
  /**
   * When the delta page with `summary` was read (ms; the ingest job's `listedAt`). Lets a category
   * be added to the listed categories without reading them again while they are fresh.
   */
  listedAt?: number;
}

export type AfterImportEnqueued = 'none' | 'enqueued' | 'already-handled';

/**
 * Queues the source's after-import action for a message whose documents are all committed. Call it
 * after the ledger records the message as delivered, and again whenever a job finds the message
 * delivered already: it is idempotent. The ledger row shows the action as pending before the job
 * exists, so the worker's "done" can never be overwritten by this "pending".
 *
 * Nothing happens for `none`, or when the ledger already shows the action done or failed (a failed
 * action waits in the dead-letter queue for a retry).
 */
export async function enqueueAfterImport(
  runtime: Pick<Runtime, 'config' | 'queues' | 'ledger' | 'logger'>,
  request: AfterImportRequest,
): Promise<AfterImportEnqueued> {
  const action = mailboxActionOf(request.afterImport);
  if (!action) return 'none';
  const { sourceId, messageId, summary, document } = request;
  const entry = await runtime.ledger.get(sourceId, messageId);
  if (entry?.action && entry.action.status !== 'pending') return 'already-handled';
  const now = new Date().toISOString();
  if (!entry?.action) {
    await runtime.ledger.recordAction(sourceId, messageId, { kind: action.kind, status: 'pending', at: now });
  }
  const { ingestAttempts, retryDelaySeconds } = runtime.config.service.workers;
  // A pending action whose job is still queued makes this add a no-op (same job id).
  await enqueueAction(
    runtime.queues,
    {
      sourceId,
      messageId,
      internetMessageId: summary.internetMessageId,
      subject: summary.subject,
      action,
      ...(summary.categories && request.listedAt !== undefined
        ? { knownCategories: summary.categories, categoriesListedAt: request.listedAt }
        : {}),
      backend: document.backend,
      documentRef: document.ref,
      deliveredAt: entry?.at ?? now,
    },
    { attempts: ingestAttempts, delayMs: retryDelaySeconds * 1000 },
  );
  scoped(runtime.logger, { component: 'action', sourceId, messageId }).debug('after-import action queued', {
    action: describeAction(action),
  });
  return 'enqueued';
}
