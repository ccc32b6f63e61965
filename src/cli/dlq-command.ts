import { Command } from 'commander';
import type { Config } from '../config/load-config';
import { PostroomError } from '../errors/postroom-error';
import { RedisLedger } from '../ledger/redis-ledger';
import {
  getDeadLetter,
  listDeadLetters,
  purgeDeadLetters,
  retryDeadLetters,
  type DeadLetter,
  type DeadLetterSelector,
} from '../queues/dead-letters';
import { closeQueues, createQueues, type Queues } from '../queues/queues';
import { assertRedisReachable, bullConnection } from '../service/redis-connection';

interface SelectorOptions {
  source?: string;
  all?: boolean;
}

function selectorOf(id: string | undefined, options: SelectorOptions): DeadLetterSelector {
  const given = [id !== undefined, options.source !== undefined, options.all === true].filter(Boolean).length;
  if (given !== 1) {
    throw new PostroomError(
      'CONFIG_INVALID',
      'say which dead letters: an <id>, --source <sourceId> or --all',
    );
  }
  if (id !== undefined) return { id };
  if (options.source !== undefined) return { sourceId: options.source };
  return { all: true };
}

/** Opens the queues of the configured Redis for one command and closes them afterwards. */
async function withQueues<T>(
  config: Config,
  work: (queues: Queues, ledger: RedisLedger) => Promise<T>,
): Promise<T> {
  await assertRedisReachable(config.service.redis.url);
  const connection = bullConnection(config.service.redis.url, 'postroom-cli');
  const queues = createQueues(connection, config.service.queuePrefix);
  try {
    return await work(queues, new RedisLedger(connection, config.service.queuePrefix));
  } finally {
    await closeQueues(queues);
    await connection.quit();
  }
}

function line(letter: DeadLetter): string {
  const subject = (letter.subject ?? '').replace(/\s+/g, ' ').slice(0, 40);
  return [
    letter.id,
    letter.sourceId,
    letter.failedAt,
    letter.stage,
    letter.errorCode,
    `"${subject}"`,
    letter.error,
  ].join('  ');
}

/** `postroom dlq …`: look at, retry and purge dead letters. */
export function dlqCommand(loadConfig: () => Config): Command {
  const dlq = new Command('dlq').description(
    'look at, retry or purge dead letters (messages postroom gave up on)',
  );
  const print = (text: string) => process.stdout.write(`${text}\n`);

  dlq
    .command('list')
    .description('one line per dead letter: id, source, time, stage, code, subject, reason')
    .option('--source <sourceId>', 'only this source')
    .action((options: SelectorOptions) =>
      withQueues(loadConfig(), async (queues) => {
        const letters = await listDeadLetters(queues, options.source);
        for (const letter of letters) print(line(letter));
        print(`${letters.length} dead letter(s)`);
      }),
    );

  dlq
    .command('show <id>')
    .description('everything recorded about one dead letter, as JSON')
    .action((id: string) =>
      withQueues(loadConfig(), async (queues) => {
        const letter = await getDeadLetter(queues, id);
        if (!letter) throw new PostroomError('CONFIG_INVALID', `no dead letter with id ${id}`);
        print(JSON.stringify(letter, null, 2));
      }),
    );

  dlq
    .command('retry [id]')
    .description(
      'send dead letters back with fresh attempts: messages to the ingest queue, failed after-import actions to the action queue alone (a running postroom picks them up)',
    )
    .option('--source <sourceId>', 'every dead letter of this source')
    .option('--all', 'every dead letter')
    .action((id: string | undefined, options: SelectorOptions) => {
      const config = loadConfig();
      const { ingestAttempts, retryDelaySeconds } = config.service.workers;
      return withQueues(config, async (queues, ledger) => {
        const retried = await retryDeadLetters(
          queues,
          selectorOf(id, options),
          { attempts: ingestAttempts, delayMs: retryDelaySeconds * 1000 },
          ledger,
        );
        print(`retried ${retried.length} dead letter(s)`);
      });
    });

  dlq
    .command('purge [id]')
    .description('delete dead letters for good; their messages are not imported again')
    .option('--source <sourceId>', 'every dead letter of this source')
    .option('--all', 'every dead letter')
    .action((id: string | undefined, options: SelectorOptions) =>
      withQueues(loadConfig(), async (queues) => {
        const purged = await purgeDeadLetters(queues, selectorOf(id, options));
        print(`purged ${purged.length} dead letter(s)`);
      }),
    );

  return dlq;
}
