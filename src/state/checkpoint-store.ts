import type { Redis } from 'ioredis';

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

  async set(sourceId: string, checkpoint: string): Promise<void> {
    await this.redis.set(this.#key(sourceId), checkpoint);
  }

  async drop(sourceId: string): Promise<void> {
    await this.redis.del(this.#key(sourceId));
  }
}
