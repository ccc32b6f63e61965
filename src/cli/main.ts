import { Command } from 'commander';
import { dlqCommand } from './dlq-command';
import { configPath, loadConfig, type Config } from '../config/load-config';
import { PostroomError, errorMessage } from '../errors/postroom-error';
import { createLogger, type Logger } from '../observability/logger';
import { startDemoSimulator } from '../service/demo-simulator';
import { assertRedisReachable } from '../service/redis-connection';
import { startService } from '../service/service';

/** Prints a known failure as one plain line (or the config problem list) and exits: no stack trace. */
function fail(err: unknown): never {
  if (err instanceof PostroomError) {
    process.stderr.write(`postroom: ${err.message}\n`);
  } else {
    process.stderr.write(
      `postroom: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
  }
  process.exit(1);
}

function load(options: { config?: string }): Config {
  return loadConfig(configPath(options.config));
}

function onShutdownSignal(logger: Logger, timeoutMs: number, stop: () => Promise<void>): void {
  let stopping = false;
  // SIGBREAK is what a Windows service wrapper sends on Ctrl+Break; SIGINT covers Ctrl+C.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGBREAK'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.info('shutting down', { signal });
      const timer = setTimeout(() => {
        logger.error('shutdown timed out: exiting with jobs still running; they will be retried', {
          timeoutMs,
        });
        process.exit(1);
      }, timeoutMs);
      timer.unref();
      stop().then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error('shutdown failed', { error: errorMessage(err) });
          process.exit(1);
        },
      );
    });
  }
}

async function run(
  options: { config?: string },
  roles: { scheduler: boolean; workers: boolean },
): Promise<void> {
  const config = load(options);
  await assertRedisReachable(config.service.redis.url);
  const logger = createLogger({ level: config.service.log.level });
  // The demo simulator belongs to the all-in-one `run`; split processes would fight over its port.
  const startDemo = config.service.demo && roles.scheduler && roles.workers;
  const demo = startDemo ? await startDemoSimulator(config.service.demo!.graphSimulator, logger) : null;
  try {
    const service = await startService({ config, logger, ...roles });
    onShutdownSignal(logger, config.service.shutdownTimeoutSeconds * 1000, async () => {
      await service.stop();
      await demo?.close();
    });
  } catch (err) {
    await demo?.close();
    throw err;
  }
}

export function buildCli(): Command {
  const program = new Command('postroom')
    .description('Moves mail from Exchange Online (Microsoft Graph) into document-management systems.')
    .option(
      '-c, --config <file>',
      'service configuration file (default: $POSTROOM_CONFIG or config/postroom.yaml)',
    );

  program
    .command('run', { isDefault: true })
    .description('run the scheduler and the workers')
    .action(() => run(program.opts(), { scheduler: true, workers: true }));

  program
    .command('worker')
    .description('run the poll and ingest workers only: add machines against one Redis to scale out')
    .action(() => run(program.opts(), { scheduler: false, workers: true }));

  program
    .command('scheduler')
    .description('run the scheduler only: it enqueues polls for workers elsewhere')
    .action(() => run(program.opts(), { scheduler: true, workers: false }));

  program
    .command('validate')
    .description('check the configuration and every source definition, then exit')
    .action(() => {
      const config = load(program.opts());
      const ids = config.sources.map((s) => `${s.definition.id}${s.definition.enabled ? '' : ' (disabled)'}`);
      process.stdout.write(
        `configuration ${config.file} is valid: ${config.sources.length} source(s): ${ids.join(', ') || 'none'}\n`,
      );
    });

  program.addCommand(dlqCommand(() => load(program.opts())));

  return program;
}

export function main(argv: string[] = process.argv): void {
  buildCli().parseAsync(argv).catch(fail);
}

if (require.main === module) main();
