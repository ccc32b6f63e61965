import { Command } from 'commander';
import { createSink } from '../backends/create-sink';
import type { Config } from '../config/load-config';
import { findSource } from './find-source';
import { testSource, type CheckResult } from '../diagnostics/test-source';
import { createLogger } from '../observability/logger';
import { assertRedisReachable, bullConnection } from '../service/redis-connection';
import { closeGates } from '../sources/graph/mailbox-gate';

const MARK: Record<CheckResult['status'], string> = {
  ok: 'ok  ',
  warn: 'warn',
  fail: 'FAIL',
  skipped: 'skip',
};

function print(results: CheckResult[]): void {
  for (const r of results) {
    process.stdout.write(`${MARK[r.status]}  ${r.check.padEnd(11)} ${r.detail}\n`);
    if (r.fix) process.stdout.write(`      ${' '.repeat(11)} fix: ${r.fix}\n`);
  }
}

/**
 * `postroom test-source <id>`: the checks an administrator runs after registering the app, with
 * each failure explained in plain language. Exit code 0 when every check passed (warnings
 * included), 1 when one failed.
 */
export function testSourceCommand(loadConfig: () => Config): Command {
  return new Command('test-source')
    .description('check a source: token, permissions, mailbox access, folder and backend write access')
    .argument('<id>', 'source id')
    .option('--json', 'print the results as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      const config = loadConfig();
      const source = findSource(config, id);
      await assertRedisReachable(config.service.redis.url);
      const redis = bullConnection(config.service.redis.url, 'postroom-test-source');
      // Library warnings (retries) would interleave with the report: only errors reach stderr.
      const logger = createLogger({ level: 'error' });
      try {
        const results = await testSource(source, config, {
          redis,
          logger,
          sink: createSink(source.definition.backend, config, logger),
        });
        if (options.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
        else print(results);
        process.exitCode = results.some((r) => r.status === 'fail') ? 1 : 0;
      } finally {
        await closeGates(redis);
        await redis.quit().catch(() => redis.disconnect());
      }
    });
}
