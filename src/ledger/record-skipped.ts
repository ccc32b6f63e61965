import { scoped } from '../observability/logger';
import type { Runtime } from '../service/runtime';
import type { MessageSummary } from '../sources/mail-source';

export interface SkippedMessage {
  sourceId: string;
  messageId: string;
  summary: MessageSummary;
  /** From evaluateFilters: names the rule, e.g. 'exclude[0]: subject matches "Out of office*"'. */
  reason: string;
}

/**
 * Records that a filter left a message out. The poll worker treats every ledger row as done, so a
 * skipped message is not enqueued again by later rounds (a resync included); changing the filters
 * does not bring back mail skipped before. Logs one audit line, like imports and dead letters.
 */
export async function recordSkipped(
  runtime: Pick<Runtime, 'ledger' | 'logger'>,
  skipped: SkippedMessage,
): Promise<void> {
  const { sourceId, messageId, summary, reason } = skipped;
  await runtime.ledger.record(sourceId, messageId, {
    status: 'skipped',
    at: new Date().toISOString(),
    internetMessageId: summary.internetMessageId,
    reason,
  });
  scoped(runtime.logger, {
    component: 'ingest',
    sourceId,
    messageId,
    internetMessageId: summary.internetMessageId,
  }).info('message skipped by a filter', { audit: 'skipped', subject: summary.subject, reason });
}
