/** What postroom did with one message. */
export type LedgerStatus = 'delivered' | 'dead-lettered';

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
}
