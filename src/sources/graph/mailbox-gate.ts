import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ACQUIRE, PAUSE, RENEW } from './gate-scripts';
import { PauseListener } from './pause-listener';

/**
 * Graph's limits per app and mailbox (GRAPH.md, "Throttling"), held in Redis so that every worker
 * of every postroom process sharing the Redis obeys them together:
 * - at most `limit` requests in flight (Exchange answers the fifth concurrent one with 429);
 * - no request before a Retry-After the server sent has passed;
 * - a request budget (10,000 per 10 minutes) paced evenly (GCRA), so a long backfill runs at the
 *   budget's rate instead of running into 429s.
 *
 * A slot is a lease in a sorted set, renewed while its request runs, so a killed process's slots
 * come free by themselves. A process that frees a slot while one of its own requests waits hands
 * the slot over directly, so waiting costs no polling in the common single-process case. While
 * Redis's last answer showed budget to spare and this process hears other processes' pauses, such
 * a handed-over slot goes out at once and the budget is debited behind it (see `#spare`): a round
 * trip to Redis between one request and the next would leave the slot idle for its duration.
 *
 * Deliberately left out: fairness between processes (a process hands its slots to its own waiting
 * requests first; others get a slot when one is given back to Redis) and priorities between
 * requests of one process.
 */
export interface RequestBudget {
  requests: number;
  windowMs: number;
  /** Requests allowed at once above the even pace; the pace is lowered so a window never exceeds `requests`. */
  burst: number;
}

export interface MailboxGateOptions {
  redis: Redis;
  /** Redis key prefix for this mailbox's limits. */
  key: string;
  limit: number;
  budget: RequestBudget;
  /**
   * Hears the pauses other processes announce. Without one, pauses still hold (they are in Redis),
   * but every request asks Redis first and pauses are announced on the default channel.
   */
  listener?: PauseListener;
}

/** A slot lease outlives a killed process by at most this long. */
const LEASE_MS = 30_000;
const RENEW_EVERY_MS = 10_000;
/**
 * Requests reach Exchange a little later than the gate admits them, by varying amounts; pacing a
 * few percent under the budget keeps their arrivals inside it too.
 */
const PACING_HEADROOM = 0.97;
/** How often a request waiting for a slot held by another process asks again. */
const POLL_MS = 20;
/** Budget to spare that Redis reported is trusted this long; after that Redis is asked again. */
const SPARE_TRUSTED_MS = 1_000;
const DEFAULT_PAUSE_CHANNEL = 'postroom:graph:pause';

/** ACQUIRE's answer (see gate-scripts.ts). */
type AcquireReply = [admitted: number, spareOrWaitMs: number, pausedOrIsPause?: number, leased?: number];

interface Waiter {
  settled: boolean;
  resolve: (holder: string | null) => void;
}

/** Ends a wait for a handover: with the slot, or with null (time to ask Redis). */
function settle(waiter: Waiter, holder: string | null): void {
  waiter.settled = true;
  waiter.resolve(holder);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class MailboxGate {
  /** A pause this process knows of (local clock): it outlives a Redis that lost its keys. */
  #pausedUntil = 0;
  readonly #held = new Set<string>();
  readonly #waiters: Waiter[] = [];
  readonly #keys: [string, string, string, string];
  readonly #intervalMs: number;
  readonly #burstMs: number;
  #renewTimer: NodeJS.Timeout | undefined;
  /**
   * Handed-over slots that may go out before Redis has booked them: the budget Redis last reported
   * to spare (at most `limit` requests, less the bookings still on their way), trusted until
   * `until`. Across processes this lets at most `limit` requests per process run ahead of the
   * pace, which the pacing headroom absorbs; the number of requests in flight is never affected.
   */
  readonly #spare = { requests: 0, until: 0, booking: 0, epoch: -1 };
  /** Holders whose lease Redis no longer has: their requests finish, their slots are not handed on. */
  readonly #lost = new Set<string>();
  #sentOnSpare = 0;

  constructor(private readonly options: MailboxGateOptions) {
    const { key, budget } = options;
    this.#keys = [`${key}:slots`, `${key}:pause`, `${key}:tat`, `${key}:usage`];
    this.#intervalMs = budget.windowMs / (Math.max(1, budget.requests - budget.burst) * PACING_HEADROOM);
    this.#burstMs = budget.burst * this.#intervalMs;
  }

  /**
   * Runs `task` holding one of the mailbox's slots. The task may give the slot back early through
   * `release` (a download whose last byte has arrived is no longer a request in flight at Graph,
   * while its file is still being flushed); the slot is given back at the end otherwise.
   */
  async run<T>(task: (release: () => Promise<void>) => Promise<T>): Promise<T> {
    const holder = await this.#acquire();
    let released = false;
    const release = async () => {
      if (released) return;
      released = true;
      await this.#release(holder);
    };
    try {
      return await task(release);
    } finally {
      await release();
    }
  }

  /** No request for this mailbox, from any process, starts within the next `delayMs`. */
  async pauseFor(delayMs: number): Promise<void> {
    this.pauseLocally(delayMs);
    const { redis, key } = this.options;
    // Also announced: a subscriber keeps it even if the pause key is lost (a flushed Redis).
    const channel = this.options.listener?.channel ?? DEFAULT_PAUSE_CHANNEL;
    await PAUSE.run(redis, [this.#keys[1]], [Math.ceil(delayMs), channel, JSON.stringify({ key, delayMs })]);
  }

  pauseLocally(delayMs: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, Date.now() + delayMs);
  }

  /**
   * Waits out a pause that became known after this request was admitted (another worker's 429,
   * announced a moment later): called right before a request is sent.
   */
  async waitWhilePaused(): Promise<void> {
    for (let wait = this.#pausedUntil - Date.now(); wait > 0; wait = this.#pausedUntil - Date.now()) {
      await sleep(wait);
    }
  }

  /** Requests left in the current budget window, for logs. */
  async budgetRemaining(): Promise<number> {
    const [window, count] = await this.options.redis.hmget(this.#keys[3], 'window', 'count');
    const current = String(Math.floor(Date.now() / this.options.budget.windowMs));
    return this.options.budget.requests - (window === current ? Number(count ?? 0) : 0);
  }

  /** Requests this gate sent on spare budget, before Redis booked them (for tests and diagnostics). */
  get sentOnSpare(): number {
    return this.#sentOnSpare;
  }

  /** 0 when admitted; otherwise how long to wait (ms), or -1 when every slot is taken. */
  async #admit(holder: string, needSlot: boolean): Promise<number> {
    const epoch = this.#epoch();
    const [admitted, wait, pause, leased] = await this.#acquireScript(holder, needSlot, false);
    if (admitted === 1) {
      if (leased === 0) this.#loseLease(holder);
      this.#trustSpare(wait, epoch);
      return 0;
    }
    if (wait === -1) return -1; // every slot taken: says nothing about the budget or a pause
    // Refused for the budget or a pause: the spare known is gone, and the pause holds here too.
    this.#spare.until = 0;
    if (pause === 1) this.pauseLocally(wait);
    return Math.max(1, wait);
  }

  #acquireScript(holder: string, needSlot: boolean, debit: boolean): Promise<AcquireReply> {
    const { redis, limit, budget } = this.options;
    return ACQUIRE.run(redis, this.#keys, [
      holder,
      limit,
      LEASE_MS,
      needSlot ? '1' : '0',
      this.#intervalMs,
      this.#burstMs,
      budget.windowMs,
      debit ? '1' : '0',
    ]) as Promise<AcquireReply>;
  }

  #epoch(): number {
    return this.options.listener?.epoch() ?? -1;
  }

  /** `epoch`: the listener's when the Redis call was sent; a pause missed since voids the spare. */
  #trustSpare(spareMs: number, epoch: number): void {
    const requests = Math.min(this.options.limit, Math.floor(spareMs / this.#intervalMs));
    this.#spare.requests = requests - this.#spare.booking;
    this.#spare.until = Date.now() + SPARE_TRUSTED_MS;
    this.#spare.epoch = epoch;
  }

  /** Whether a handed-over slot may go out now and be booked after (see `#spare`). */
  #takeSpare(): boolean {
    const spare = this.#spare;
    const epoch = this.#epoch();
    if (spare.requests <= 0 || Date.now() >= spare.until || epoch < 0 || epoch !== spare.epoch) return false;
    spare.requests--;
    spare.booking++;
    this.#sentOnSpare++;
    return true;
  }

  /** Books a request sent on spare budget; Redis's answer renews the spare and reveals any pause. */
  #book(holder: string): void {
    const epoch = this.#epoch();
    this.#acquireScript(holder, false, true).then(
      ([, spareMs, pausedMs, leased]) => {
        this.#spare.booking--;
        if (pausedMs) this.pauseLocally(pausedMs);
        if (leased === 0) this.#loseLease(holder);
        this.#trustSpare(spareMs, epoch);
      },
      () => {
        // Redis is unreachable: the next request asks it first, and fails there if it must.
        this.#spare.booking--;
        this.#spare.requests = 0;
      },
    );
  }

  /**
   * Redis lost this holder's lease (flushed, or an outage outlasted it): its request runs to the
   * end, but the slot is not handed on, and requests waiting for a handover ask Redis instead.
   */
  #loseLease(holder: string): void {
    if (!this.#held.delete(holder)) return;
    this.#lost.add(holder);
    for (const waiter of this.#waiters.splice(0)) settle(waiter, null);
  }

  async #acquire(): Promise<string> {
    let handed: string | null = null;
    for (;;) {
      const paused = this.#pausedUntil - Date.now();
      if (paused > 0) {
        await sleep(paused);
        continue;
      }
      if (handed) {
        // A slot from a finished request of this process: only the pause and the budget remain.
        if (this.#takeSpare()) {
          this.#book(handed);
          return handed;
        }
        let wait: number;
        try {
          wait = await this.#admit(handed, false);
        } catch (err) {
          // Redis failed this request; the slot it was handed still serves the next one.
          await this.#release(handed);
          throw err;
        }
        if (wait === 0) return handed;
        await sleep(wait);
        continue;
      }
      const holder = randomUUID();
      const wait = await this.#admit(holder, true);
      if (wait === 0) {
        this.#hold(holder);
        return holder;
      }
      // Every slot held by this process: one of its own requests frees the next, and hands it over.
      // Only slots held elsewhere call for asking Redis again.
      const allOwn = wait === -1 && this.#held.size >= this.options.limit;
      handed = await this.#waitForHandoff(
        wait > 0 ? wait : allOwn ? undefined : POLL_MS + Math.random() * POLL_MS,
      );
    }
  }

  /** A slot handed over by this process, or null after `ms` (never, when undefined). */
  #waitForHandoff(ms: number | undefined): Promise<string | null> {
    return new Promise((resolve) => {
      const waiter: Waiter = { settled: false, resolve };
      this.#waiters.push(waiter);
      if (ms === undefined) return;
      setTimeout(() => {
        if (waiter.settled) return;
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        settle(waiter, null);
      }, ms);
    });
  }

  async #release(holder: string): Promise<void> {
    // A lost lease is not handed on, and there is nothing of it in Redis to remove.
    const lost = this.#lost.delete(holder);
    const waiter = lost ? undefined : this.#waiters.shift();
    if (waiter) return settle(waiter, holder);
    this.#held.delete(holder);
    if (this.#held.size === 0) this.#stopRenewing();
    if (!lost) await this.options.redis.zrem(this.#keys[0], holder).catch(() => undefined);
  }

  #hold(holder: string): void {
    this.#held.add(holder);
    this.#renewTimer ??= setInterval(() => {
      if (this.#held.size === 0) return;
      RENEW.run(this.options.redis, [this.#keys[0]], [LEASE_MS, ...this.#held]).then(
        (lost) => (lost as string[]).forEach((holder) => this.#loseLease(holder)),
        () => undefined,
      );
    }, RENEW_EVERY_MS);
    this.#renewTimer.unref();
  }

  #stopRenewing(): void {
    clearInterval(this.#renewTimer);
    this.#renewTimer = undefined;
  }
}

/** Per Redis connection, so services with their own connections (tests, tools) never share a gate. */
const gates = new WeakMap<Redis, Map<string, MailboxGate>>();
const listeners = new WeakMap<Redis, PauseListener>();

/** The connection's ear for pauses announced by other processes, routed to this process's gates. */
function listenerFor(redis: Redis, channel: string): PauseListener {
  let listener = listeners.get(redis);
  if (!listener) {
    listener = new PauseListener(redis, channel, (key, delayMs) =>
      gates.get(redis)?.get(key)?.pauseLocally(delayMs),
    );
    listeners.set(redis, listener);
  }
  return listener;
}

/** Closes the pause subscription of a connection; call when the service stops. */
export async function closeGates(redis: Redis): Promise<void> {
  const listener = listeners.get(redis);
  listeners.delete(redis);
  gates.delete(redis);
  await listener?.close();
}

export interface GateSettings {
  redis: Redis;
  prefix: string;
  limit: number;
  budget: RequestBudget;
}

/** One gate per app and mailbox (Graph's limits are per app id and mailbox), shared in this process. */
export function gateFor(
  graphEndpoint: string,
  clientId: string,
  mailbox: string,
  settings: GateSettings,
): MailboxGate {
  const id = createHash('sha256')
    .update(`${graphEndpoint}|${clientId}|${mailbox.toLowerCase()}`)
    .digest('hex')
    .slice(0, 24);
  const key = `${settings.prefix}:graph:${id}`;
  const listener = listenerFor(settings.redis, `${settings.prefix}:graph:pause`);
  let byKey = gates.get(settings.redis);
  if (!byKey) {
    byKey = new Map();
    gates.set(settings.redis, byKey);
  }
  let gate = byKey.get(key);
  if (!gate) {
    gate = new MailboxGate({
      redis: settings.redis,
      key,
      limit: settings.limit,
      budget: settings.budget,
      listener,
    });
    byKey.set(key, gate);
  }
  return gate;
}
