import { Redis } from 'ioredis';

/** A probe that waits longer than this for Redis reports it as failing. */
const CONNECT_TIMEOUT_MS = 2_000;
/** Reconnect attempts back off up to this, so a returning Redis is noticed within seconds. */
const MAX_RECONNECT_DELAY_MS = 2_000;
const RECONNECT_STEP_MS = 200;

export interface HealthConnection {
  redis: Redis;
  /** Why the connection last failed (ECONNREFUSED, …): what /readyz reports for Redis. */
  lastError(): string | undefined;
  close(): Promise<void>;
}

/**
 * A Redis connection for probes and scrapes that fails a command at once while Redis is away,
 * instead of queueing it as the service's BullMQ connection does. It keeps reconnecting, so
 * readiness recovers by itself when Redis returns.
 */
export async function openHealthConnection(url: string): Promise<HealthConnection> {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: CONNECT_TIMEOUT_MS,
    connectionName: 'postroom-health',
    retryStrategy: (times) => Math.min(times * RECONNECT_STEP_MS, MAX_RECONNECT_DELAY_MS),
  });
  let lastError: string | undefined;
  redis.on('error', (err: NodeJS.ErrnoException) => {
    lastError = err.code ?? err.message;
  });
  redis.on('ready', () => {
    lastError = undefined;
  });
  // Not fatal: the service itself has just connected, and a later probe reports what is wrong.
  await redis.connect().catch(() => undefined);
  return {
    redis,
    lastError: () => lastError,
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
