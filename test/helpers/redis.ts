import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

export const TEST_REDIS_URL = process.env.POSTROOM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A unique key prefix per test, so tests sharing one Redis never see each other's data. */
export function uniquePrefix(): string {
  return `postroom-test-${randomUUID().slice(0, 8)}`;
}

/** Every key under a prefix (queues, ledger, checkpoints, locks). */
export async function keysWithPrefix(redis: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  const keys = await keysWithPrefix(redis, prefix);
  for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
}

/** Every value stored under a prefix, whatever its type, as text: for "no secret in Redis" checks. */
export async function dumpPrefix(redis: Redis, prefix: string): Promise<string> {
  const parts: string[] = [];
  for (const key of await keysWithPrefix(redis, prefix)) {
    const type = await redis.type(key);
    if (type === 'string') parts.push((await redis.get(key)) ?? '');
    else if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
    else if (type === 'list') parts.push(JSON.stringify(await redis.lrange(key, 0, -1)));
    else if (type === 'set') parts.push(JSON.stringify(await redis.smembers(key)));
    else if (type === 'zset') parts.push(JSON.stringify(await redis.zrange(key, '0', '-1')));
    else if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
    parts.push(key);
  }
  return parts.join('\n');
}
