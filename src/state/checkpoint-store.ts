import type { Redis } from 'ioredis';
import { LuaScript } from './lua-script';
import type { PollFence } from './poll-lock';

const SET_IF_FENCE_HELD = new LuaScript(
  `if redis.call('get', KEYS[2]) == ARGV[2] then redis.call('set', KEYS[1], ARGV[1]) return 1 else return 0 end`,
);

/**
 * Where each source's delta checkpoint lives between polls: `<prefix>:checkpoint:<sourceId>`.
 * Losing it is safe (the next poll runs a full round and the ledger and backend skip what is done);
 * writing it early is not, so the poll worker saves it only after a whole round is enqueued.
 */
export class CheckpointStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  #key(sourceId: string): string {
    return `${this.prefix}:checkpoint:${sourceId}`;
  }

  get(sourceId: string): Promise<string | null> {
    return this.redis.get(this.#key(sourceId));
  }

  /**
   * Stores the checkpoint only while the round's poll lock is still held. A round that lost its
   * lock (Redis restarted or flushed under it, taking the queued ingest jobs along) must not store
   * a checkpoint past messages whose jobs are gone: without one, the next poll starts over.
   * Returns whether it was stored.
   */
  async set(sourceId: string, checkpoint: string, fence: PollFence): Promise<boolean> {
    const stored = await SET_IF_FENCE_HELD.run(
      this.redis,
      [this.#key(sourceId), fence.key],
      [checkpoint, fence.token],
    );
    return stored === 1;
  }

  async drop(sourceId: string): Promise<void> {
    await this.redis.del(this.#key(sourceId));
  }
}
