import { win32 } from 'node:path';
import { Command } from 'commander';
import { winswXml } from '../install/winsw-xml';
import { backfillCommand } from './backfill-command';
import { dlqCommand } from './dlq-command';
import { testSourceCommand } from './test-source-command';
import { secretsCommand } from './secrets-command';
import { statusCommand } from './status-command';
import { configPath, loadConfig, type Config } from '../config/load-config';
import { PostroomError, errorMessage } from '../errors/postroom-error';
import { closeLogger, createLogger, type Logger } from '../observability/logger';
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
        () => closeLogger(logger).finally(() => process.exit(0)),
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
  const { level, files } = config.service.log;
  const logger = createLogger({ level, files: files.enabled ? files : undefined });
  // The demo simulator belongs to the all-in-one `run`; split processes would fight over its port.
  const startDemo = config.service.demo && roles.scheduler && roles.workers;
  // The simulator is a quick-start guest: a real installation never loads it (require, not
  // import(): under tsx's require hook a dynamic import() would be native ESM and find no .ts file).
  type DemoModule = typeof import('../service/demo-simulator');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const demoModule = () => require('../service/demo-simulator') as DemoModule;
  const demo = startDemo
    ? await demoModule().startDemoSimulator(config.service.demo!.graphSimulator, logger)
    : null;
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

/** A path typed for the Windows service (C:\\…) stays as it is; others resolve as usual. */
function windowsOrLocalPath(path: string | undefined): string {
  return path !== undefined && win32.isAbsolute(path) ? path : configPath(path);
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
  program.addCommand(testSourceCommand(() => load(program.opts())));
  program.addCommand(backfillCommand(() => load(program.opts())));
  program.addCommand(statusCommand(() => load(program.opts())));
  program.addCommand(secretsCommand(() => load(program.opts())));

  program
    .command('winsw-xml')
    .description('print the WinSW v2 service configuration (used by service-install/windows/install.ps1)')
    .requiredOption('--install-dir <dir>', 'folder holding postroom (bin\\postroom.js)')
    .requiredOption('--data-dir <dir>', 'working directory for data')
    .requiredOption('--log-dir <dir>', 'folder for the service logs')
    .option('--node <exe>', 'node.exe to run', process.execPath)
    .option('--stop-timeout <seconds>', 'how long WinSW waits after Ctrl+C', '45')
    .action(
      (options: {
        installDir: string;
        dataDir: string;
        logDir: string;
        node: string;
        stopTimeout: string;
      }) => {
        process.stdout.write(
          winswXml({
            nodeExe: options.node,
            installDir: options.installDir,
            configFile: windowsOrLocalPath(program.opts<{ config?: string }>().config),
            dataDir: options.dataDir,
            logDir: options.logDir,
            stopTimeoutSeconds: Number(options.stopTimeout),
          }),
        );
      },
    );

  return program;
}

export function main(argv: string[] = process.argv): void {
  buildCli().parseAsync(argv).catch(fail);
}

if (require.main === module) main();
