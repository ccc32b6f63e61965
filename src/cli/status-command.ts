import { Command } from 'commander';
import type { Config } from '../config/load-config';
import { redactUrl } from '../observability/redact';
import { closeQueues, createQueues } from '../queues/queues';
import { assertRedisReachable, bullConnection } from '../service/redis-connection';
import { SourceStatusStore, type SourceStatus } from '../state/source-status';
import { gatherStatus, type StatusReport } from './status-report';
import { age, formatTable, shortTime } from './table';

function when(ms: number | undefined, now: number): string {
  return ms === undefined ? 'never' : `${shortTime(ms)} (${age(ms, now)})`;
}

/** When the last poll ended, or since when the one under way runs. */
function lastPoll(status: SourceStatus, now: number): string {
  return SourceStatusStore.pollRunning(status)
    ? when(status.lastPollStartedAt, now)
    : when(status.lastPollFinishedAt, now);
}

/** How it ended: ok, or its error code. */
function pollResult(status: SourceStatus): string {
  if (SourceStatusStore.pollRunning(status)) return 'running';
  if (status.lastPollOk === undefined) return '-';
  return status.lastPollOk ? 'ok' : (status.lastErrorCode ?? 'error');
}

function counts(counts: Record<string, number>): string {
  const shown = Object.entries(counts).filter(([state, n]) => n > 0 || state === 'waiting');
  return shown.map(([state, n]) => `${n} ${state}`).join(', ');
}

export function renderStatus(report: StatusReport, config: Config): string {
  const now = report.generatedAt;
  const table = formatTable(
    [
      'SOURCE',
      'ENABLED',
      'SCHEDULE',
      'LAST POLL',
      'RESULT',
      'LAST SUCCESS',
      'IMPORTED',
      'SKIPPED',
      'FAILED',
      'QUEUED',
      'DEAD LETTERS',
    ],
    report.sources.map((s) => [
      s.id,
      s.enabled ? 'yes' : 'no',
      s.schedule,
      lastPoll(s.status, now),
      pollResult(s.status),
      when(s.status.lastSuccessAt, now),
      String(s.status.imported),
      String(s.status.skipped),
      String(s.status.failed),
      String(s.queued),
      String(s.deadLetters),
    ]),
  );
  const queues = Object.entries(report.queues)
    .map(([name, c]) => `${name}: ${name === 'dead-letter' ? `${c.waiting ?? 0} dead letters` : counts(c)}`)
    .join(' | ');
  return [
    table,
    '',
    `queues   ${queues}`,
    `redis    ${redactUrl(config.service.redis.url)} (prefix ${config.service.queuePrefix}); counts are of all processes`,
  ].join('\n');
}

function toJson(report: StatusReport): unknown {
  const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
  return {
    generatedAt: iso(report.generatedAt),
    sources: report.sources.map(({ id, enabled, schedule, status, queued, deadLetters }) => ({
      id,
      enabled,
      schedule,
      lastPoll: {
        startedAt: iso(status.lastPollStartedAt),
        finishedAt: iso(status.lastPollFinishedAt),
        ok: status.lastPollOk ?? null,
        errorCode: status.lastPollOk === false ? (status.lastErrorCode ?? null) : null,
        durationMs: status.lastPollDurationMs ?? null,
      },
      lastSuccessAt: iso(status.lastSuccessAt),
      lastErrorCode: status.lastErrorCode ?? null,
      lastErrorAt: iso(status.lastErrorAt),
      counts: { imported: status.imported, skipped: status.skipped, failed: status.failed },
      queued,
      deadLetters,
    })),
    queues: report.queues,
  };
}

/** `postroom status`: each source's polls, counts, queue and dead letters, read from Redis. */
export function statusCommand(loadConfig: () => Config): Command {
  return new Command('status')
    .description('per source: last poll, last success, imported/skipped/failed, queued jobs, dead letters')
    .option('--json', 'print JSON instead of a table')
    .action(async (options: { json?: boolean }) => {
      const config = loadConfig();
      await assertRedisReachable(config.service.redis.url);
      const connection = bullConnection(config.service.redis.url, 'postroom-cli');
      const queues = createQueues(connection, config.service.queuePrefix);
      try {
        const report = await gatherStatus(config, connection, queues);
        process.stdout.write(
          `${options.json ? JSON.stringify(toJson(report), null, 2) : renderStatus(report, config)}\n`,
        );
      } finally {
        await closeQueues(queues);
        await connection.quit();
      }
    });
}
