import type { Redis } from 'ioredis';

/**
 * One process's ear for the mailbox pauses other processes announce (a 429's Retry-After), on its
 * own subscriber connection. Pub/sub keeps no messages: whatever is published while the
 * subscriber is disconnected is lost, so `epoch()` changes on every resubscription and is -1
 * while nothing can be heard. A gate trusts what it learnt from Redis only within one epoch.
 */
export class PauseListener {
  readonly #subscriber: Redis;
  #epoch = 0;
  #hearing = false;
  #closed = false;

  constructor(
    redis: Redis,
    readonly channel: string,
    onPause: (key: string, delayMs: number) => void,
  ) {
    this.#subscriber = redis.duplicate();
    const subscriber = this.#subscriber;
    subscriber.on('error', () => undefined);
    const deaf = () => {
      this.#hearing = false;
    };
    subscriber.on('close', deaf);
    subscriber.on('reconnecting', deaf);
    subscriber.on('end', deaf);
    // Emitted on every (re)connection, before ioredis's own resubscription: subscribing here too
    // tells when announcements are heard again.
    subscriber.on('ready', () => {
      subscriber.subscribe(channel).then(
        () => {
          if (this.#closed) return;
          this.#epoch++;
          this.#hearing = true;
        },
        () => undefined,
      );
    });
    subscriber.on('message', (_channel: string, message: string) => {
      try {
        const { key, delayMs } = JSON.parse(message) as { key: string; delayMs: number };
        onPause(key, delayMs);
      } catch {
        // Not ours: ignore.
      }
    });
  }

  /** Changes whenever announcements may have been missed; -1 while none can be heard. */
  epoch(): number {
    return this.#hearing && !this.#closed ? this.#epoch : -1;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#hearing = false;
    await this.#subscriber.quit().catch(() => this.#subscriber.disconnect());
  }
}
