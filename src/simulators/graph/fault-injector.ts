import { ScriptedFaults } from '../scripted-faults';
import { SeededRandom } from '../seeded-random';
import { GraphError } from './errors';

/**
 * A scripted failure for the next matching Graph requests, so tests can produce what Exchange
 * does under load or trouble (429 with Retry-After, 503, 401 for a revoked token, 410 in the middle
 * of a round, a body that trickles in) at a chosen point instead of by chance.
 */
export interface FaultSpec {
  /** Request kinds it applies to ('value', 'delta', 'childFolders', …); every Graph request when omitted. */
  kinds?: string[];
  /** Matching requests to let through first (e.g. 2 = fail the third delta page). Default 0. */
  after?: number;
  /** How many matching requests it affects. Default 1. */
  count?: number;
  /** Answer with this status and a Graph error body. Omit together with trickleMs to answer normally. */
  status?: number;
  /** Graph error code; a sensible one per status by default. */
  code?: string;
  /** Sent as Retry-After (seconds, fractions allowed); the throttle then counts early requests as violations. */
  retryAfterSeconds?: number;
  /** Answer normally but write the body in small chunks with this pause between them. */
  trickleMs?: number;
  /** Cut the connection mid-response instead of finishing it. */
  reset?: boolean;
}

const DEFAULT_CODES: Record<number, [string, string]> = {
  401: ['InvalidAuthenticationToken', 'Access token has expired or is not yet valid.'],
  404: ['ErrorItemNotFound', 'The specified object was not found in the store.'],
  410: ['SyncStateNotFound', 'The sync state for this request was not found.'],
  429: ['ApplicationThrottled', 'Application is over its MailboxConcurrency limit.'],
  500: ['InternalServerError', 'An internal server error occurred.'],
  503: ['ServiceUnavailable', 'The service is temporarily unavailable.'],
  504: ['GatewayTimeout', 'The gateway timed out.'],
};

/** Faults at random, for soak and fault-suite runs: each Graph request meets at most one. */
export interface RandomFaults {
  seed: number;
  /** Share of requests answered 429 with a Retry-After between the two bounds (seconds). */
  rate429?: number;
  retryAfterSeconds?: [number, number];
  /** Share answered 503 without Retry-After (the client must back off on its own). */
  rate503?: number;
  /** Share whose connection is cut: mid-body where there is a body. */
  rateReset?: number;
  /** Request kinds eligible; every Graph request when omitted. */
  kinds?: string[];
}

export interface FaultOutcome {
  error?: GraphError;
  retryAfterSeconds?: number;
  trickleMs?: number;
  /** Cut the connection instead of finishing the response. */
  reset?: boolean;
}

export class FaultInjector {
  private readonly faults = new ScriptedFaults<FaultSpec>();
  private random?: { spec: RandomFaults; next: () => number };

  setRandom(spec: RandomFaults | undefined): void {
    if (!spec) {
      this.random = undefined;
      return;
    }
    const random = new SeededRandom(spec.seed);
    this.random = { spec, next: () => random.next() };
  }

  add(spec: FaultSpec): void {
    this.faults.add(spec);
  }

  clear(): void {
    this.faults.clear();
    this.random = undefined;
  }

  /** The fault this request meets, if any; consumes one use of it. */
  take(kind: string): FaultOutcome | undefined {
    const spec = this.faults.next(kind);
    if (!spec) return this.takeRandom(kind);
    const { status, retryAfterSeconds, trickleMs, reset } = spec;
    if (status === undefined) return { trickleMs, reset };
    const [defaultCode, message] = DEFAULT_CODES[status] ?? ['UnknownError', `Injected fault ${status}.`];
    const headers: Record<string, string> = {};
    if (retryAfterSeconds !== undefined) headers['Retry-After'] = String(retryAfterSeconds);
    if (status === 401) headers['WWW-Authenticate'] = 'Bearer realm="", error="invalid_token"';
    return { error: new GraphError(status, spec.code ?? defaultCode, message, headers), retryAfterSeconds };
  }

  private takeRandom(kind: string): FaultOutcome | undefined {
    if (!this.random) return undefined;
    const { spec, next } = this.random;
    if (spec.kinds && !spec.kinds.includes(kind)) return undefined;
    const roll = next();
    const rate429 = spec.rate429 ?? 0;
    const rate503 = spec.rate503 ?? 0;
    if (roll < rate429) {
      const [low, high] = spec.retryAfterSeconds ?? [1, 1];
      const seconds = Math.round((low + next() * (high - low)) * 10) / 10;
      const [code, message] = DEFAULT_CODES[429]!;
      return {
        error: new GraphError(429, code, message, { 'Retry-After': String(seconds) }),
        retryAfterSeconds: seconds,
      };
    }
    if (roll < rate429 + rate503) {
      const [code, message] = DEFAULT_CODES[503]!;
      return { error: new GraphError(503, code, message) };
    }
    if (roll < rate429 + rate503 + (spec.rateReset ?? 0)) return { reset: true };
    return undefined;
  }
}
