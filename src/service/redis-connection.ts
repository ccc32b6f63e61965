import { Redis } from 'ioredis';
import { PostroomError } from '../errors/postroom-error';
import { redactUrl } from '../observability/redact';

/** How long start-up waits for Redis before giving up with a clear message. */
const CONNECT_TIMEOUT_MS = 5_000;

const HOW_TO_GET_REDIS =
  'postroom needs Redis 6.2 or newer: install it (Debian/Ubuntu: sudo apt install redis-server; macOS: brew install redis) ' +
  'or run `docker compose up -d redis`, then check redis.url in config/postroom.yaml';

/**
 * Connects and pings once, failing fast instead of retrying forever, so an unreachable Redis is one
 * clear line at start-up rather than a stream of reconnect errors. The service's own connections,
 * made afterwards, retry forever.
 */
export async function assertRedisReachable(url: string): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectionName: 'postroom-probe',
  });
  // The socket error arrives as an event; connect() itself only says "Connection is closed".
  let socketError: Error | undefined;
  redis.on('error', (err: Error) => {
    socketError = err;
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    const cause = socketError ?? (err as Error);
    const reason = (cause as NodeJS.ErrnoException).code ?? cause.message;
    throw new PostroomError(
      'REDIS_UNREACHABLE',
      `cannot reach Redis at ${redactUrl(url)} (${reason}). ${HOW_TO_GET_REDIS}`,
      { cause: err },
    );
  }
  redis.disconnect();
}

/** A connection for BullMQ: it must retry forever and never fail commands on its own. */
export function bullConnection(url: string, name: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, connectionName: name });
  return redis;
}
