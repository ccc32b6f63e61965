import { join } from 'node:path';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { FolderSink } from '../backends/folder/folder-sink';
import type { DocumentSink } from '../backends/document-sink';
import { createSink } from '../backends/create-sink';
import { sourcesDirOf, type Config, type Source } from '../config/load-config';
import { SourceReloader, type SourceChanges } from '../config/source-reloader';
import { isLoopbackHost } from '../config/loopback';
import { PostroomError, errorMessage } from '../errors/postroom-error';
import { RedisLedger } from '../ledger/redis-ledger';
import { reportCredentialExpiry } from '../observability/credential-expiry-report';
import { metrics } from '../observability/metrics';
import type { HttpListener } from '../observability/http/http-listener';
import type { Logger } from '../observability/logger';
import type { ActionJob, IngestJob } from '../queues/job-map';
import { closeQueues, createQueues, jobBackoff } from '../queues/queues';
import { Scheduler } from '../scheduler/scheduler';
import { removeStaleEntries } from '../spool/sweep';
import type { MailSource } from '../sources/mail-source';
import { createMailSource } from '../sources/create-mail-source';
import { closeGates } from '../sources/graph/mailbox-gate';
import { CheckpointStore } from '../state/checkpoint-store';
import { SourceStatusStore } from '../state/source-status';
import { createActionProcessor, deadLetterActionIfUnrecorded } from '../../workers/action-worker';
import { createIngestProcessor, deadLetterIfUnrecorded } from '../../workers/ingest-worker';
import { createPollProcessor } from '../../workers/poll-worker';
import { bullConnection } from './redis-connection';
import { warnAboutRedisSettings } from './redis-settings';
import type { Runtime } from './runtime';
import { enforceTlsPolicy } from './tls-policy';

/** Spool files older than this belong to no running download (the idle timeout is far shorter). */
const STALE_SPOOL_MS = 24 * 60 * 60 * 1000;

/** How often a job may lose its worker before BullMQ fails it (BullMQ's default is 1). */
const MAX_STALLED_COUNT = 2;

export interface ServiceOptions {
  config: Config;
  logger: Logger;
  /** Run the cron scheduler (default true). */
  scheduler?: boolean;
  /** Run the poll and ingest workers (default true). */
  workers?: boolean;
  /** Enqueue a poll of every enabled source at start, not only on its schedule (default true). */
  pollOnStart?: boolean;
  /** Pick up edited, added and removed source definition files while running (default true). */
  reloadSources?: boolean;
}

export interface RunningService {
  runtime: Runtime;
  scheduler: Scheduler | null;
  /** /healthz, /readyz, /metrics, /dashboard; null when off or its port was taken. */
  http: HttpListener | null;
  /** Stops taking jobs, lets running ones finish, closes connections. */
  stop(): Promise<void>;
}

/** Redis carries message metadata: say so when it travels unencrypted to another host. */
function warnAboutPlainRemoteRedis(url: string, logger: Logger): void {
  const parsed = new URL(url);
  if (parsed.protocol === 'redis:' && !isLoopbackHost(parsed.hostname)) {
    logger.warn(
      'Redis is reached over an unencrypted connection; use rediss:// for a Redis on another host',
      {
        host: parsed.hostname,
      },
    );
  }
}

export async function startService(options: ServiceOptions): Promise<RunningService> {
  enforceTlsPolicy();
  const { config, logger } = options;
  const service = config.service;

  warnAboutPlainRemoteRedis(service.redis.url, logger);
  reportCredentialExpiry(config.sources, logger);
  const redis: Redis = bullConnection(service.redis.url, 'postroom');
  await warnAboutRedisSettings(redis, logger);
  redis.on('error', (err) => logger.warn('redis connection error', { error: errorMessage(err) }));
  const queues = createQueues(redis, service.queuePrefix);

  const sources = new Map<string, Source>(config.sources.map((s) => [s.definition.id, s]));
  const mailSources = new Map<string, MailSource>();
  const sinks = new Map<string, DocumentSink>();

  const runtime: Runtime = {
    config,
    redis,
    queues,
    ledger: new RedisLedger(redis, service.queuePrefix),
    checkpoints: new CheckpointStore(redis, service.queuePrefix),
    status: new SourceStatusStore(redis, service.queuePrefix, logger),
    logger,
    source: (id) => sources.get(id),
    requireSource(id) {
      const source = sources.get(id);
      if (!source) throw new PostroomError('SOURCE_UNKNOWN', `source "${id}" is not configured`);
      return source;
    },
    mailSource(id) {
      let mailSource = mailSources.get(id);
      if (!mailSource) {
        mailSource = createMailSource(runtime.requireSource(id), service, redis, logger);
        mailSources.set(id, mailSource);
      }
      return mailSource;
    },
    sink(name) {
      let sink = sinks.get(name);
      if (!sink) {
        sink = createSink(name, config, logger);
        sinks.set(name, sink);
      }
      return sink;
    },
  };

  // What killed processes left behind: spool files of their downloads, staged documents.
  for (const source of config.sources) {
    await removeStaleEntries(join(service.directories.spool, source.definition.id), STALE_SPOOL_MS);
  }
  for (const name of Object.keys(service.backends)) {
    const sink = runtime.sink(name);
    if (sink instanceof FolderSink) await sink.sweepStaging();
  }

  // Express and its routes are loaded only for a process that serves them. require, not import():
  // under tsx's require hook a dynamic import() would be native ESM and find no .ts file.
  type HttpListenerModule = typeof import('../observability/http/http-listener');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const listenerModule = () => require('../observability/http/http-listener') as HttpListenerModule;
  const http = service.http.enabled ? await listenerModule().startHttpListener(runtime) : null;
  const workers: Worker[] = [];
  if (options.workers !== false) {
    const common = {
      connection: redis,
      prefix: service.queuePrefix,
      settings: { backoffStrategy: jobBackoff },
      // A job whose worker died is retried by another after the stalled check; one that keeps
      // killing its workers (a message too big for memory, say) fails and is dead-lettered.
      maxStalledCount: MAX_STALLED_COUNT,
    };
    const ingest = new Worker<IngestJob>('ingest', createIngestProcessor(runtime), {
      ...common,
      concurrency: service.workers.ingestConcurrency,
    });
    ingest.on('failed', (job, err) => {
      if (!job) return;
      void (async () => {
        // Also emitted for attempts that will be retried: act on final failures only.
        if ((await job.getState()) !== 'failed') return;
        await deadLetterIfUnrecorded(runtime, job, err);
      })().catch((e: unknown) =>
        logger.error('could not dead-letter a failed job', { jobId: job.id, error: errorMessage(e) }),
      );
    });
    // After-import actions run on their own queue: a failing one is retried without a new import.
    const action = new Worker<ActionJob>('action', createActionProcessor(runtime), {
      ...common,
      concurrency: service.workers.ingestConcurrency,
    });
    action.on('failed', (job, err) => {
      if (!job) return;
      void (async () => {
        if ((await job.getState()) !== 'failed') return;
        await deadLetterActionIfUnrecorded(runtime, job, err);
      })().catch((e: unknown) =>
        logger.error('could not dead-letter a failed action', { jobId: job.id, error: errorMessage(e) }),
      );
    });
    workers.push(
      new Worker('poll', createPollProcessor(runtime), {
        ...common,
        concurrency: service.workers.pollConcurrency,
      }),
      ingest,
      action,
    );
    for (const worker of workers) {
      worker.on('error', (err) =>
        logger.error('worker error', { queue: worker.name, error: errorMessage(err) }),
      );
    }
  }

  let scheduler: Scheduler | null = null;
  if (options.scheduler !== false) {
    scheduler = new Scheduler(queues, logger.child({ component: 'scheduler' }));
    await scheduler.start(config.sources, { pollNow: options.pollOnStart !== false });
  }

  const applySourceChanges = async (changes: SourceChanges): Promise<void> => {
    for (const id of changes.removed) sources.delete(id);
    for (const source of [...changes.added, ...changes.changed]) sources.set(source.definition.id, source);
    // A changed definition may name other credentials or another mailbox: build its client afresh.
    for (const id of [...changes.removed, ...changes.changed.map((s) => s.definition.id)])
      mailSources.delete(id);
    runtime.config = { ...runtime.config, sources: changes.all };
    for (const source of [...changes.added, ...changes.changed]) metrics.declareSource(source.definition.id);
    reportCredentialExpiry([...changes.added, ...changes.changed], logger);
    await scheduler?.update(changes);
  };
  const reloader =
    options.reloadSources === false
      ? null
      : new SourceReloader({
          sourcesDir: sourcesDirOf(config.file, service),
          backends: new Set(Object.keys(service.backends)),
          initial: config.sources,
          logger: logger.child({ component: 'config' }),
          onChange: applySourceChanges,
        });
  reloader?.start();

  logger.info('postroom started', {
    sources: config.sources.filter((s) => s.definition.enabled).map((s) => s.definition.id),
    scheduler: scheduler !== null,
    workers: workers.length > 0,
  });

  let stopping: Promise<void> | null = null;
  return {
    runtime,
    scheduler,
    http,
    stop() {
      stopping ??= (async () => {
        await http?.close();
        await reloader?.stop();
        await scheduler?.stop();
        // Worker.close waits for the jobs in hand to finish and takes no new ones.
        await Promise.all(workers.map((w) => w.close()));
        await closeQueues(queues);
        await closeGates(redis);
        await redis.quit().catch(() => redis.disconnect());
        logger.info('postroom stopped');
      })();
      return stopping;
    },
  };
}
