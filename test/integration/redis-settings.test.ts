import { spawnSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { Redis } from 'ioredis';
import { createLogger } from '../../src/observability/logger';
import { warnAboutRedisSettings } from '../../src/service/redis-settings';
import { startRedis } from '../helpers/redis-server';
import { tempDir } from '../helpers/temp-dir';

const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
if (!hasRedisServer) console.warn('SKIPPED: redis-server is not installed; Redis settings checks not run');

(hasRedisServer ? describe : describe.skip)('start-up warnings about Redis settings', () => {
  const dir = tempDir('redis-settings');
  let server: Awaited<ReturnType<typeof startRedis>>;
  let redis: Redis;
  const logger = createLogger({ level: 'error', stream: new PassThrough() });

  beforeAll(async () => {
    // A Redis of the test's own: its settings are changed below.
    server = await startRedis(dir.path);
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
    dir.cleanup();
  });

  it('warns about an evicting policy and missing persistence', async () => {
    await redis.config('SET', 'maxmemory-policy', 'allkeys-lru');
    const warnings = await warnAboutRedisSettings(redis, logger);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('maxmemory-policy is allkeys-lru');
    expect(warnings[1]).toContain('persistence is off');
  });

  it('says nothing for noeviction with AOF on', async () => {
    await redis.config('SET', 'maxmemory-policy', 'noeviction');
    await redis.config('SET', 'appendonly', 'yes');
    expect(await warnAboutRedisSettings(redis, logger)).toEqual([]);
  });
});
