import { Command, InvalidArgumentError } from 'commander';
import { runBackfill } from '../backfill/run-backfill';
import type { Config } from '../config/load-config';
import { findSource } from './find-source';
import { RedisLedger } from '../ledger/redis-ledger';
import { createLogger } from '../observability/logger';
import { closeQueues, createQueues } from '../queues/queues';
import { assertRedisReachable, bullConnection } from '../service/redis-connection';
import { closeGates } from '../sources/graph/mailbox-gate';
import { progressPrinter } from './progress-bar';

function parseSince(value: string): Date {
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime()))
    throw new InvalidArgumentError('expected a date such as 2026-01-31 or 2026-01-31T08:00:00Z');
  return date;
}

/**
 * `postroom backfill <id> --since <date>`: imports what a folder received since a date, through the
 * running workers, with a progress bar. Exit code 0 when everything ended as a document (or was
 * done before), 1 when some messages were dead-lettered.
 */
export function backfillCommand(loadConfig: () => Config): Command {
  return new Command('backfill')
    .description('import the messages a source folder received since a date, with a progress bar')
    .argument('<id>', 'source id')
    .requiredOption(
      '--since <date>',
      'received on or after this date (YYYY-MM-DD is midnight UTC)',
      parseSince,
    )
    .option('--no-wait', 'enqueue and exit instead of waiting for the workers')
    .action(async (id: string, options: { since: Date; wait: boolean }) => {
      const config = loadConfig();
      const source = findSource(config, id);
      await assertRedisReachable(config.service.redis.url);
      const redis = bullConnection(config.service.redis.url, 'postroom-backfill');
      const queues = createQueues(redis, config.service.queuePrefix);
      const logger = createLogger({ level: 'error' });
      try {
        let wait = options.wait;
        if (wait && (await queues.ingest.getWorkersCount()) === 0) {
          process.stderr.write(
            'postroom: no worker is running: the messages are enqueued and imported once `postroom run` or `postroom worker` starts\n',
          );
          wait = false;
        }
        const printer = progressPrinter(process.stderr);
        const result = await runBackfill(
          source,
          config,
          { redis, queues, ledger: new RedisLedger(redis, config.service.queuePrefix), logger },
          { since: options.since, wait, onProgress: (p) => printer.update(p) },
        );
        printer.end();
        process.stdout.write(
          `${JSON.stringify({ sourceId: id, since: options.since.toISOString(), ...result })}\n`,
        );
        process.exitCode = result.deadLettered > 0 ? 1 : 0;
      } finally {
        await closeQueues(queues);
        await closeGates(redis);
        await redis.quit().catch(() => redis.disconnect());
      }
    });
}
