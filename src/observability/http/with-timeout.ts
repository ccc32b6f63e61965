/**
 * Settles with `work`, or rejects after `ms`. The service's own Redis connection queues commands
 * while Redis is away (it must, for BullMQ); a probe or a scrape must answer anyway.
 */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  // A late rejection of `work` after the timeout has nobody listening: keep it from going unhandled.
  work.catch(() => undefined);
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
