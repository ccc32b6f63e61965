import type { Redis } from 'ioredis';
import { errorMessage } from '../errors/postroom-error';
import type { Logger } from '../observability/logger';
import { metrics, type MessageOutcome } from '../observability/metrics';

/**
 * What every process sharing the Redis knows about a source: its last poll (start, end, result,
 * error code), its last successful poll and how many messages were imported, skipped and
 * dead-lettered. One Redis hash per source, `<prefix>:source-status:<sourceId>`, so `/readyz` and
 * `postroom status` see the whole cluster, not one process. Times are Unix milliseconds.
 *
 * Each write also feeds this process's Prometheus instruments, so a worker records an event with
 * one call. Writes never throw: the status is for people and probes, and a message that was
 * delivered must not be retried because its counter could not be bumped. Reads throw.
 */
export interface SourceStatus {
  sourceId: string;
  lastPollStartedAt?: number;
  lastPollFinishedAt?: number;
  /** The last page the poll under way got through: a long first round is busy, not stuck. */
  lastPollProgressAt?: number;
  lastPollOk?: boolean;
  lastPollDurationMs?: number;
  /** The stable error code (AUTH_FAILED, GRAPH_THROTTLED, …) of the last failed poll. */
  lastErrorCode?: string;
  lastErrorAt?: number;
  lastSuccessAt?: number;
  imported: number;
  skipped: number;
  failed: number;
}

function optionalNumber(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

function parse(sourceId: string, hash: Record<string, string>): SourceStatus {
  return {
    sourceId,
    lastPollStartedAt: optionalNumber(hash.lastPollStartedAt),
    lastPollFinishedAt: optionalNumber(hash.lastPollFinishedAt),
    lastPollProgressAt: optionalNumber(hash.lastPollProgressAt),
    lastPollOk: hash.lastPollOk === undefined ? undefined : hash.lastPollOk === '1',
    lastPollDurationMs: optionalNumber(hash.lastPollDurationMs),
    lastErrorCode: hash.lastErrorCode || undefined,
    lastErrorAt: optionalNumber(hash.lastErrorAt),
    lastSuccessAt: optionalNumber(hash.lastSuccessAt),
    imported: optionalNumber(hash.imported) ?? 0,
    skipped: optionalNumber(hash.skipped) ?? 0,
    failed: optionalNumber(hash.failed) ?? 0,
  };
}

export class SourceStatusStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly logger?: Logger,
  ) {}

  key(sourceId: string): string {
    return `${this.prefix}:source-status:${sourceId}`;
  }

  async pollStarted(sourceId: string): Promise<void> {
    const now = String(Date.now());
    await this.#write(sourceId, 'poll start', (key) =>
      this.redis.hset(key, { lastPollStartedAt: now, lastPollProgressAt: now }),
    );
  }

  /** A page of the round under way is done. */
  async pollProgress(sourceId: string): Promise<void> {
    await this.#write(sourceId, 'poll progress', (key) =>
      this.redis.hset(key, 'lastPollProgressAt', String(Date.now())),
    );
  }

  async pollSucceeded(sourceId: string, durationMs: number): Promise<void> {
    metrics.pollFinished(sourceId, 'ok', durationMs);
    const now = String(Date.now());
    await this.#write(sourceId, 'poll success', (key) =>
      this.redis.hset(key, {
        lastPollFinishedAt: now,
        lastPollOk: '1',
        lastPollDurationMs: String(durationMs),
        lastSuccessAt: now,
      }),
    );
  }

  async pollFailed(sourceId: string, code: string, durationMs: number): Promise<void> {
    metrics.pollFinished(sourceId, 'error', durationMs);
    const now = String(Date.now());
    await this.#write(sourceId, 'poll failure', (key) =>
      this.redis.hset(key, {
        lastPollFinishedAt: now,
        lastPollOk: '0',
        lastPollDurationMs: String(durationMs),
        lastErrorCode: code,
        lastErrorAt: now,
      }),
    );
  }

  /**
   * Counts one finished message: `imported` (a new document), `skipped` (left out on purpose) or
   * `failed` (dead-lettered). Cluster-wide in Redis and per process in `postroom_messages_total`.
   */
  async countOutcome(sourceId: string, outcome: MessageOutcome): Promise<void> {
    metrics.messageOutcome(sourceId, outcome);
    await this.#write(sourceId, `${outcome} count`, (key) => this.redis.hincrby(key, outcome, 1));
  }

  /** Whether a poll has started since the last one ended (or its process died during it). */
  static pollRunning(status: SourceStatus): boolean {
    const { lastPollStartedAt: started, lastPollFinishedAt: finished } = status;
    return started !== undefined && (finished === undefined || started > finished);
  }

  async get(sourceId: string): Promise<SourceStatus> {
    return parse(sourceId, await this.redis.hgetall(this.key(sourceId)));
  }

  /** The status of each source, in the order given, in one round trip. */
  async getMany(sourceIds: readonly string[]): Promise<SourceStatus[]> {
    if (sourceIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of sourceIds) pipeline.hgetall(this.key(id));
    const results = (await pipeline.exec()) ?? [];
    return sourceIds.map((id, i) => {
      const [err, hash] = results[i] ?? [new Error('no reply'), null];
      if (err) throw err;
      return parse(id, (hash ?? {}) as Record<string, string>);
    });
  }

  async #write(sourceId: string, what: string, write: (key: string) => Promise<unknown>): Promise<void> {
    try {
      await write(this.key(sourceId));
    } catch (err) {
      this.logger?.warn('could not record source status', { sourceId, what, error: errorMessage(err) });
    }
  }
}
