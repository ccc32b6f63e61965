import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LuaScript } from '../../state/lua-script';

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
   * Whether pauses announced by other processes reach this process now (its subscription is up).
   * Without it every request asks Redis for the mailbox's pause first.
   */
  hearsPauses?: () => boolean;
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

/*
 * KEYS: slots (zset), pause (string), tat (string), usage (hash)
 * ARGV: holder, limit, leaseMs, needSlot, intervalMs, burstMs, windowMs, debit
 * Returns {1, spareMs, pausedMs} when admitted: the budget (ms of pace) left above this request and
 * the rest of a pause; {0, waitMs} when paused or over budget; {0, -1} when slots are full.
 * `debit` = '1' books a request that has gone out already: counted and paced, never refused.
 * Time comes from Redis, so processes with skewed clocks agree.
 */
const ACQUIRE = new LuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local debit = ARGV[8] == '1'
local pause = tonumber(redis.call('GET', KEYS[2]) or '0')
if pause > now and not debit then return {0, math.ceil(pause - now)} end
local needSlot = ARGV[4] == '1'
if needSlot then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
  if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return {0, -1} end
end
local interval = tonumber(ARGV[5])
local burst = tonumber(ARGV[6])
local tat = tonumber(redis.call('GET', KEYS[3]) or '0')
if tat < now then tat = now end
if tat - now > burst and not debit then return {0, math.max(1, math.ceil(tat - now - burst))} end
tat = tat + interval
redis.call('SET', KEYS[3], tostring(tat), 'PX', math.ceil(tat - now) + 1000)
if needSlot then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) * 2)
end
local window = tostring(math.floor(now / tonumber(ARGV[7])))
if redis.call('HGET', KEYS[4], 'window') ~= window then
  redis.call('HSET', KEYS[4], 'window', window, 'count', 0)
  redis.call('PEXPIRE', KEYS[4], tonumber(ARGV[7]) * 2)
end
redis.call('HINCRBY', KEYS[4], 'count', 1)
return {1, math.max(0, math.floor(burst - (tat - now))), math.max(0, math.ceil(pause - now))}
`);

/**
 * KEYS: pause. ARGV: delayMs, channel, announcement. Extends the pause to now + delay, never
 * shortens it, and announces it in the same round trip: other processes learn of it sooner.
 */
const PAUSE = new LuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untilMs = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if untilMs > current then redis.call('SET', KEYS[1], tostring(untilMs), 'PX', tonumber(ARGV[1]) + 1000) end
redis.call('PUBLISH', ARGV[2], ARGV[3])
return untilMs
`);

/** KEYS: slots. ARGV: leaseMs, holder... Pushes the leases of this process's running requests forward. */
const RENEW = new LuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) * 2)
return 1
`);

interface Waiter {
  settled: boolean;
  resolve: (holder: string | null) => void;
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
  readonly #spare = { requests: 0, until: 0, booking: 0 };

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
    await PAUSE.run(
      redis,
      [this.#keys[1]],
      [Math.ceil(delayMs), pauseChannel(redis), JSON.stringify({ key, delayMs })],
    );
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

  /** 0 when admitted; otherwise how long to wait (ms), or -1 when every slot is taken. */
  async #admit(holder: string, needSlot: boolean): Promise<number> {
    const [admitted, wait] = await this.#acquireScript(holder, needSlot, false);
    if (admitted === 1) {
      this.#trustSpare(wait);
      return 0;
    }
    return wait === -1 ? -1 : Math.max(1, wait);
  }

  #acquireScript(holder: string, needSlot: boolean, debit: boolean): Promise<[number, number, number?]> {
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
    ]) as Promise<[number, number, number?]>;
  }

  #trustSpare(spareMs: number): void {
    const requests = Math.min(this.options.limit, Math.floor(spareMs / this.#intervalMs));
    this.#spare.requests = requests - this.#spare.booking;
    this.#spare.until = Date.now() + SPARE_TRUSTED_MS;
  }

  /** Whether a handed-over slot may go out now and be booked after (see `#spare`). */
  #takeSpare(): boolean {
    const spare = this.#spare;
    if (spare.requests <= 0 || Date.now() >= spare.until || !this.options.hearsPauses?.()) return false;
    spare.requests--;
    spare.booking++;
    return true;
  }

  /** Books a request sent on spare budget; Redis's answer renews the spare and reveals any pause. */
  #book(holder: string): void {
    this.#acquireScript(holder, false, true)
      .then(([, spareMs, pausedMs]) => {
        this.#spare.booking--;
        if (pausedMs) this.pauseLocally(pausedMs);
        this.#trustSpare(spareMs);
      })
      .catch(() => {
        // Redis is unreachable: the next request asks it first, and fails there if it must.
        this.#spare.booking--;
        this.#spare.requests = 0;
      });
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
        waiter.settled = true;
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        resolve(null);
      }, ms);
    });
  }

  async #release(holder: string): Promise<void> {
    const waiter = this.#waiters.shift();
    if (waiter) {
      waiter.settled = true;
      waiter.resolve(holder);
      return;
    }
    this.#held.delete(holder);
    if (this.#held.size === 0) this.#stopRenewing();
    await this.options.redis.zrem(this.#keys[0], holder).catch(() => undefined);
  }

  #hold(holder: string): void {
    this.#held.add(holder);
    this.#renewTimer ??= setInterval(() => {
      if (this.#held.size === 0) return;
      RENEW.run(this.options.redis, [this.#keys[0]], [LEASE_MS, ...this.#held]).catch(() => undefined);
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
const subscribers = new WeakMap<Redis, Redis>();
const channels = new WeakMap<Redis, string>();

function pauseChannel(redis: Redis): string {
  return channels.get(redis) ?? 'postroom:graph:pause';
}

/** Listens for pauses announced by other processes and applies them to this process's gates. */
function subscribe(redis: Redis, channel: string): void {
  if (subscribers.has(redis)) return;
  channels.set(redis, channel);
  const subscriber = redis.duplicate();
  subscribers.set(redis, subscriber);
  subscriber.on('error', () => undefined);
  subscriber.on('message', (_channel: string, message: string) => {
    try {
      const { key, delayMs } = JSON.parse(message) as { key: string; delayMs: number };
      gates.get(redis)?.get(key)?.pauseLocally(delayMs);
    } catch {
      // Not ours: ignore.
    }
  });
  void subscriber.subscribe(channel).catch(() => undefined);
}

/** Closes the pause subscription of a connection; call when the service stops. */
export async function closeGates(redis: Redis): Promise<void> {
  const subscriber = subscribers.get(redis);
  subscribers.delete(redis);
  gates.delete(redis);
  await subscriber?.quit().catch(() => subscriber.disconnect());
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
  subscribe(settings.redis, `${settings.prefix}:graph:pause`);
  let byKey = gates.get(settings.redis);
  if (!byKey) {
    byKey = new Map();
    gates.set(settings.redis, byKey);
  }
  let gate = byKey.get(key);
  if (!gate) {
    const redis = settings.redis;
    gate = new MailboxGate({
      redis,
      key,
      limit: settings.limit,
      budget: settings.budget,
      hearsPauses: () => subscribers.get(redis)?.status === 'ready',
    });
    byKey.set(key, gate);
  }
  return gate;
}
