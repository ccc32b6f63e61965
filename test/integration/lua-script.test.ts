import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { LuaScript } from '../../src/state/lua-script';
import { TEST_REDIS_URL, deletePrefix, uniquePrefix } from '../helpers/redis';

describe('LuaScript', () => {
  const redis = new Redis(TEST_REDIS_URL);
  const prefix = uniquePrefix();
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('runs by digest, and sends the script again to a Redis that does not know it', async () => {
    // A script no other test uses, so SCRIPT EXISTS says what this one did.
    const script = new LuaScript(`-- ${prefix}\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])`);
    const key = `${prefix}:counter`;
    const sha = createHash('sha1').update(script.source).digest('hex');
    expect(await redis.script('EXISTS', sha)).toEqual([0]);
    expect(await script.run(redis, [key], [2])).toBe(2);
    expect(await redis.script('EXISTS', sha)).toEqual([1]);
    expect(await script.run(redis, [key], [3])).toBe(5);
  });

  it('passes errors of the script itself through', async () => {
    const script = new LuaScript(`return redis.call('INCRBY', KEYS[1], 'not a number')`);
    await expect(script.run(redis, [`${prefix}:x`], [])).rejects.toThrow(/not an integer/);
  });
});
