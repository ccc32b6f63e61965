import type { MailboxAction } from '../sources/mail-source';

/** What postroom did with one message. `skipped`: a filter left it out (the reason says which). */
export type LedgerStatus = 'delivered' | 'dead-lettered' | 'skipped';

/**
 * The after-import action of a delivered message: `pending` from enqueue until it is done (with the
 * last error while it is being retried), `done`, or `failed` once it became a dead letter.
 */
export interface ActionRecord {
  kind: MailboxAction['kind'];
  status: 'pending' | 'done' | 'failed';
  at: string;
  errorCode?: string;
  error?: string;
  attempts?: number;
}

export interface LedgerEntry {
  status: LedgerStatus;
  at: string;
  internetMessageId?: string;
  /** Backend name and its reference, for delivered messages. */
  backend?: string;
  documentRef?: string;
  errorCode?: string;
  error?: string;
  attempts?: number;
  /** Why a filter skipped the message ('exclude[0]: subject matches "Out of office*"'). */
  reason?: string;
  action?: ActionRecord;
}

/**
 * The ledger port: one row per (source, message) with status and error.
 *
 * Deliberately left out: history (only the latest outcome is kept) and queries across sources.
 * The ledger is the fast idempotency layer; the backend's own `find` is the one that survives a
 * lost Redis.
 */
export interface Ledger {
  get(sourceId: string, messageId: string): Promise<LedgerEntry | null>;
  getMany(sourceId: string, messageIds: readonly string[]): Promise<Array<LedgerEntry | null>>;
  record(sourceId: string, messageId: string, entry: LedgerEntry): Promise<void>;
  /**
   * Sets the action of an existing row in one step, so an action worker and an ingest worker never
   * overwrite each other's half. Returns false (and writes nothing) when the message has no row.
   */
  recordAction(sourceId: string, messageId: string, action: ActionRecord): Promise<boolean>;
}
