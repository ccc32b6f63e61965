import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { PostroomError } from '../errors/postroom-error';

/**
 * The process's own Prometheus instruments, created once per process so library code (the Graph
 * client, the workers) records without anything being passed down to it. Every value here counts
 * what THIS process did; what the whole cluster did lives in Redis (src/state/source-status.ts)
 * and is read at scrape time (src/observability/http/cluster-gauges.ts).
 *
 * Labels stay bounded: source ids and mailboxes come from the configuration, status and error
 * codes from fixed sets. Never a message id, a subject or an error text.
 */

/** A round takes well under a second when nothing is new and minutes for a first backfill's pages. */
const POLL_DURATION_BUCKETS_SECONDS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

export type MessageOutcome = 'imported' | 'skipped' | 'failed';
export const MESSAGE_OUTCOMES: readonly MessageOutcome[] = ['imported', 'skipped', 'failed'];
export type CredentialKind = 'certificate' | 'client-secret';

class Metrics {
  readonly registry = new Registry();
  #processMetrics = false;

  readonly #messages = new Counter({
    name: 'postroom_messages_total',
    help: 'Messages this process finished, per source and outcome (imported, skipped, failed = dead-lettered)',
    labelNames: ['source', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly #graphRequests = new Counter({
    name: 'postroom_graph_requests_total',
    help: 'Graph requests this process sent, per mailbox and HTTP status ("network" when no response came)',
    labelNames: ['mailbox', 'status'] as const,
    registers: [this.registry],
  });

  readonly #throttleWaits = new Counter({
    name: 'postroom_graph_throttle_waits_total',
    help: 'Waits before retrying a Graph request that was throttled (429, or Retry-After on 503/504), per mailbox',
    labelNames: ['mailbox'] as const,
    registers: [this.registry],
  });

  readonly #throttleSeconds = new Counter({
    name: 'postroom_graph_throttle_wait_seconds_total',
    help: 'Seconds spent in those waits, per mailbox',
    labelNames: ['mailbox'] as const,
    registers: [this.registry],
  });

  readonly #tokenFailures = new Counter({
    name: 'postroom_token_failures_total',
    help: 'Graph requests of a source that could not get an access token, per Entra/OAuth error code',
    labelNames: ['source', 'code'] as const,
    registers: [this.registry],
  });

  readonly #pollDuration = new Histogram({
    name: 'postroom_poll_duration_seconds',
    help: 'Duration of delta rounds run by this process, per source and outcome (ok, error)',
    labelNames: ['source', 'outcome'] as const,
    buckets: POLL_DURATION_BUCKETS_SECONDS,
    registers: [this.registry],
  });

  readonly #credentialExpiry = new Gauge({
    name: 'postroom_credential_expiry_timestamp_seconds',
    help: 'When a source credential expires (Unix time): certificate notAfter, or the client secret secretExpires date',
    labelNames: ['source', 'kind'] as const,
    registers: [this.registry],
  });

  /**
   * Node's process metrics (CPU, memory, event loop, GC), registered when a listener first serves
   * them: their collectors should not run in processes that never expose them (the CLI, tests).
   */
  enableProcessMetrics(): void {
    if (this.#processMetrics) return;
    this.#processMetrics = true;
    collectDefaultMetrics({ register: this.registry });
  }

  /** Makes a source's series exist at 0, so rate() works from the first scrape on. */
  declareSource(sourceId: string): void {
    for (const outcome of MESSAGE_OUTCOMES) this.#messages.inc({ source: sourceId, outcome }, 0);
  }

  messageOutcome(sourceId: string, outcome: MessageOutcome): void {
    this.#messages.inc({ source: sourceId, outcome });
  }

  graphRequest(mailbox: string, status: number | 'network'): void {
    this.#graphRequests.inc({ mailbox, status: String(status) });
  }

  throttleWait(mailbox: string, waitMs: number): void {
    this.#throttleWaits.inc({ mailbox });
    this.#throttleSeconds.inc({ mailbox }, waitMs / 1000);
  }

  /**
   * Counts a failed token request by Entra's code (AADSTS7000215, …) or OAuth/msal-node's, else
   * postroom's own; returns the error so a caller can rethrow it in one expression.
   */
  tokenFailure(sourceId: string, err: unknown): unknown {
    const code = err instanceof PostroomError ? (err.upstreamCode ?? err.code) : 'INTERNAL';
    this.#tokenFailures.inc({ source: sourceId, code });
    return err;
  }

  pollFinished(sourceId: string, outcome: 'ok' | 'error', durationMs: number): void {
    this.#pollDuration.observe({ source: sourceId, outcome }, durationMs / 1000);
  }

  credentialExpiry(sourceId: string, kind: CredentialKind, expiresAt: Date): void {
    this.#credentialExpiry.set({ source: sourceId, kind }, Math.floor(expiresAt.getTime() / 1000));
  }
}

/** The one instance per process. */
export const metrics = new Metrics();
