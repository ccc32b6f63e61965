import type { Redis } from 'ioredis';
import type { Logger } from '../observability/logger';

/**
 * Warns about Redis settings that can lose messages: an eviction policy other than `noeviction`
 * drops queue and ledger keys under memory pressure, and without persistence a restart of Redis
 * forgets every queued job. Returns the warnings given. Managed Redis services often refuse
 * CONFIG; then nothing is said beyond a debug line.
 */
export async function warnAboutRedisSettings(redis: Redis, logger: Logger): Promise<string[]> {
  const warnings: string[] = [];
  try {
    const [, policy] = (await redis.config('GET', 'maxmemory-policy')) as [string, string];
    const [, appendonly] = (await redis.config('GET', 'appendonly')) as [string, string];
    const [, save] = (await redis.config('GET', 'save')) as [string, string];
    if (policy !== 'noeviction') {
      warnings.push(
        `Redis maxmemory-policy is ${policy}: set it to noeviction, or Redis may evict postroom's queues and ledger`,
      );
    }
    if (appendonly !== 'yes' && save.trim() === '') {
      warnings.push(
        'Redis persistence is off (no AOF, no RDB snapshots): a Redis restart would lose queued messages; enable appendonly yes',
      );
    }
  } catch (err) {
    logger.debug('could not read Redis settings (CONFIG GET refused)', { error: (err as Error).message });
  }
  for (const warning of warnings) logger.warn(warning);
  return warnings;
}
