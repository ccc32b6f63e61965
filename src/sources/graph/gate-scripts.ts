import { LuaScript } from '../../state/lua-script';

/*
 * The mailbox gate's state in Redis (see mailbox-gate.ts), changed only by these scripts so that
 * every check and its update happen at once. Time comes from Redis, so processes with skewed
 * clocks agree.
 */

/**
 * KEYS: slots (zset), pause (string), tat (string), usage (hash)
 * ARGV: holder, limit, leaseMs, needSlot, intervalMs, burstMs, windowMs, debit
 *
 * Returns {1, spareMs, pausedMs, leased} when admitted: the budget (ms of pace) left above this
 * request, the rest of a pause, and (without `needSlot`) whether `holder`'s lease still exists.
 * Returns {0, waitMs, 1} while paused, {0, waitMs, 0} over budget, {0, -1} when slots are full.
 * `debit` = '1' books a request that has gone out already: counted and paced, never refused.
 */
export const ACQUIRE = new LuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local debit = ARGV[8] == '1'
local pause = tonumber(redis.call('GET', KEYS[2]) or '0')
if pause > now and not debit then return {0, math.ceil(pause - now), 1} end
local needSlot = ARGV[4] == '1'
if needSlot then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
  if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return {0, -1} end
end
local interval = tonumber(ARGV[5])
local burst = tonumber(ARGV[6])
local tat = tonumber(redis.call('GET', KEYS[3]) or '0')
if tat < now then tat = now end
if tat - now > burst and not debit then return {0, math.max(1, math.ceil(tat - now - burst)), 0} end
tat = tat + interval
redis.call('SET', KEYS[3], tostring(tat), 'PX', math.ceil(tat - now) + 1000)
local leased = 1
if needSlot then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) * 2)
elseif not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  leased = 0
end
local window = tostring(math.floor(now / tonumber(ARGV[7])))
if redis.call('HGET', KEYS[4], 'window') ~= window then
  redis.call('HSET', KEYS[4], 'window', window, 'count', 0)
  redis.call('PEXPIRE', KEYS[4], tonumber(ARGV[7]) * 2)
end
redis.call('HINCRBY', KEYS[4], 'count', 1)
return {1, math.max(0, math.floor(burst - (tat - now))), math.max(0, math.ceil(pause - now)), leased}
`);

/**
 * KEYS: pause. ARGV: delayMs, channel, announcement. Extends the pause to now + delay, never
 * shortens it, and announces it in the same round trip: other processes learn of it sooner.
 */
export const PAUSE = new LuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untilMs = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if untilMs > current then redis.call('SET', KEYS[1], tostring(untilMs), 'PX', tonumber(ARGV[1]) + 1000) end
redis.call('PUBLISH', ARGV[2], ARGV[3])
return untilMs
`);

/**
 * KEYS: slots. ARGV: leaseMs, holder... Pushes the leases of this process's running requests
 * forward and returns the holders whose lease is gone (a flushed Redis, an outage longer than the
 * lease): their slots must not be handed on, or this process would run them beside other
 * processes' holders.
 */
export const RENEW = new LuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lost = {}
for i = 2, #ARGV do
  if redis.call('ZSCORE', KEYS[1], ARGV[i]) then
    redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[i])
  else
    table.insert(lost, ARGV[i])
  end
end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) * 2)
return lost
`);
