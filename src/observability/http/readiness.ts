import type { Source } from '../../config/load-config';
import { scheduleIntervalMs } from '../../scheduler/schedule-interval';
import { SourceStatusStore } from '../../state/source-status';
import type { HealthConnection } from './health-connection';
import { withTimeout } from './with-timeout';

/**
 * A source is ready while its last successful poll is at most this many schedule intervals old:
 * one failed poll (or one slow one) does not flip readiness, a source that keeps failing does.
 */
export const READY_WINDOW_INTERVALS = 3;
/** A Redis that takes longer than this to answer PING counts as down. */
const REDIS_CHECK_TIMEOUT_MS = 2_000;

export interface ReadinessCheck {
  name: string;
  ok: boolean;
  /** Why the check fails, in words. */
  reason?: string;
  lastSuccessAt?: string;
  lastErrorCode?: string;
  windowSeconds?: number;
}

export interface Readiness {
  ready: boolean;
  checks: ReadinessCheck[];
}

interface WatchedSource {
  id: string;
  windowMs: number;
}

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

/**
 * Decides /readyz: Redis answers PING, and every enabled source has polled successfully (or has a
 * poll under way that got through a page) within READY_WINDOW_INTERVALS of its schedule's
 * interval. The status comes from Redis, so it is the cluster's: a poll run by any process counts.
 * Time since start-up counts as time since a success, so a process that just started is not failed
 * for polls it has not had time to run.
 */
export class ReadinessProbe {
  /** Schedule → window: working out a cron interval takes a few runs of node-cron's matcher. */
  readonly #windows = new Map<string, number>();

  /** `sources` is asked on every check: hot-reloaded definitions are watched as soon as they run. */
  constructor(
    private readonly health: HealthConnection,
    private readonly status: SourceStatusStore,
    private readonly sources: () => readonly Source[],
    private readonly startedAt: number,
  ) {}

  #watched(): WatchedSource[] {
    return this.sources()
      .filter((s) => s.definition.enabled)
      .map((s) => {
        const schedule = s.definition.schedule;
        let windowMs = this.#windows.get(schedule);
        if (windowMs === undefined) {
          windowMs = READY_WINDOW_INTERVALS * scheduleIntervalMs(schedule);
          this.#windows.set(schedule, windowMs);
        }
        return { id: s.definition.id, windowMs };
      });
  }

  async check(now = Date.now()): Promise<Readiness> {
    try {
      await withTimeout(this.health.redis.ping(), REDIS_CHECK_TIMEOUT_MS, 'PING');
    } catch (err) {
      const reason = this.health.lastError() ?? (err as Error).message;
      // Without Redis the sources' state cannot be read: Redis is the one failing check.
      return {
        ready: false,
        checks: [{ name: 'redis', ok: false, reason: `Redis does not answer (${reason})` }],
      };
    }
    const checks: ReadinessCheck[] = [{ name: 'redis', ok: true }];
    const watched = this.#watched();
    const statuses = await this.status.getMany(watched.map((s) => s.id));
    watched.forEach((source, i) => {
      const status = statuses[i]!;
      // A round still getting through its pages (a first backfill) counts as well as a success.
      const progress = SourceStatusStore.pollRunning(status) ? (status.lastPollProgressAt ?? 0) : 0;
      const since = Math.max(status.lastSuccessAt ?? 0, this.startedAt, progress);
      const ageMs = now - since;
      const ok = ageMs <= source.windowMs;
      const seconds = Math.round(ageMs / 1000);
      checks.push({
        name: `source:${source.id}`,
        ok,
        reason: ok
          ? undefined
          : progress > 0
            ? `the poll under way has made no progress for ${seconds} s`
            : status.lastSuccessAt === undefined || status.lastSuccessAt < this.startedAt
              ? `no successful poll in the ${seconds} s since start-up`
              : `last successful poll ${seconds} s ago`,
        lastSuccessAt: iso(status.lastSuccessAt),
        lastErrorCode: status.lastPollOk === false ? status.lastErrorCode : undefined,
        windowSeconds: source.windowMs / 1000,
      });
    });
    return { ready: checks.every((c) => c.ok), checks };
  }
}
