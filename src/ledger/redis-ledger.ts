import type { Redis } from 'ioredis';
import { LuaScript } from '../state/lua-script';
import type { ActionRecord, Ledger, LedgerEntry } from './ledger';

/**
 * Replaces the `action` of one ledger row inside Redis. A read-modify-write from the client could
 * lose an update written in between (the row's status by the ingest worker).
 */
const SET_ACTION = new LuaScript(`
local row = redis.call('HGET', KEYS[1], ARGV[1])
if not row then return 0 end
local entry = cjson.decode(row)
entry['action'] = cjson.decode(ARGV[2])
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(entry))
return 1
`);

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

  async recordAction(sourceId: string, messageId: string, action: ActionRecord): Promise<boolean> {
    const updated = await SET_ACTION.run(
      this.redis,
      [this.#key(sourceId)],
      [messageId, JSON.stringify(action)],
    );
    return updated === 1;
  }
}
