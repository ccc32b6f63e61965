/**
 * Limits concurrent Graph requests per mailbox and holds every request back while the mailbox is
 * paused by a Retry-After. Exchange Online allows 4 concurrent requests per app and mailbox and
 * answers the fifth with 429 (GRAPH.md, "Throttling").
 *
 * Deliberately in-process: it protects one postroom process. Sharing the limit across processes
 * through Redis is a separate concern (see the fault-tolerance issue); callers only see
 * `run`, so a distributed gate can replace this one without touching them.
 */
export class MailboxGate {
  #inFlight = 0;
  #pausedUntil = 0;
  readonly #waiters: Array<() => void> = [];

  constructor(readonly limit: number) {}

  get inFlight(): number {
    return this.#inFlight;
  }

  /** No request for this mailbox starts before `until` (epoch ms). */
  pauseUntil(until: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, until);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.#acquire();
    try {
      return await task();
    } finally {
      this.#release();
    }
  }

  async #acquire(): Promise<void> {
    for (;;) {
      const wait = this.#pausedUntil - Date.now();
      if (wait > 0) {
        await new Promise((resolve) => setTimeout(resolve, wait));
        continue;
      }
      if (this.#inFlight < this.limit) {
        this.#inFlight++;
        return;
      }
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  #release(): void {
    this.#inFlight--;
    this.#waiters.shift()?.();
  }
}

const gates = new Map<string, MailboxGate>();

/** One gate per mailbox, whichever sources and workers in this process address it. */
export function gateFor(graphEndpoint: string, mailbox: string, limit: number): MailboxGate {
  const key = `${graphEndpoint}|${mailbox.toLowerCase()}`;
  let gate = gates.get(key);
  if (!gate) {
    gate = new MailboxGate(limit);
    gates.set(key, gate);
  }
  return gate;
}
