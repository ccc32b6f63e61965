import type { Redis } from 'ioredis';
import type { Ledger, LedgerEntry } from './ledger';

/** Ledger rows in one Redis hash per source: `<prefix>:ledger:<sourceId>`, field = message id. */
export class RedisLedger implements Ledger {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  #key(sourceId: string): string {
    return `${this.prefix}:ledger:${sourceId}`;
  }

  async get(sourceId: string, messageId: string): Promise<LedgerEntry | null> {
    const [entry] = await this.getMany(sourceId, [messageId]);
    return entry ?? null;
  }

  async getMany(sourceId: string, messageIds: readonly string[]): Promise<Array<LedgerEntry | null>> {
    if (messageIds.length === 0) return [];
    const rows = await this.redis.hmget(this.#key(sourceId), ...messageIds);
    return rows.map((row) => (row ? (JSON.parse(row) as LedgerEntry) : null));
  }

  async record(sourceId: string, messageId: string, entry: LedgerEntry): Promise<void> {
    await this.redis.hset(this.#key(sourceId), messageId, JSON.stringify(entry));
  }
}
