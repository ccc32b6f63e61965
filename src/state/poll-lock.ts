import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LuaScript } from './lua-script';

/** Long enough for a slow page; renewed well before it lapses while a round runs. */
const LOCK_TTL_MS = 60_000;
const RENEW_EVERY_MS = 20_000;

const RELEASE_IF_OWNER = new LuaScript(
  `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`,
);
const EXTEND_IF_OWNER = new LuaScript(
  `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`,
);

/** Proof of holding a source's poll lock: writes that must not outlive the lock check it. */
export interface PollFence {
  key: string;
  token: string;
}

/**
 * A per-source lock held for the length of a delta round. The fixed poll job id already keeps two
 * polls of a source from being queued at once; this lock also covers a job BullMQ re-runs after
 * declaring it stalled while its first worker is in fact still busy.
 */
export async function withPollLock<T>(
  redis: Redis,
  prefix: string,
  sourceId: string,
  work: (fence: PollFence) => Promise<T>,
): Promise<{ ran: true; result: T } | { ran: false }> {
  const key = `${prefix}:lock:poll:${sourceId}`;
  const token = randomUUID();
  const acquired = await redis.set(key, token, 'PX', LOCK_TTL_MS, 'NX');
  if (acquired !== 'OK') return { ran: false };
  const renew = setInterval(() => {
    EXTEND_IF_OWNER.run(redis, [key], [token, LOCK_TTL_MS]).catch(() => undefined);
  }, RENEW_EVERY_MS);
  try {
    return { ran: true, result: await work({ key, token }) };
  } finally {
    clearInterval(renew);
    await RELEASE_IF_OWNER.run(redis, [key], [token]).catch(() => undefined);
  }
}
