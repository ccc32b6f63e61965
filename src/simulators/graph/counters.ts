import type { RetryAfterViolation, SimulatorCounters } from './types';

/** Violations kept with their details; the count goes on. */
const VIOLATION_DETAILS_KEPT = 20;

/** A round nobody touched for this long was abandoned by its client and no longer counts as open. */
const STALE_ROUND_MS = 30_000;

/** Records what clients did, so tests and benchmarks can assert on request budgets and concurrency. */
export class CounterBook {
  private data: SimulatorCounters = CounterBook.empty();
  /** folder id -> round id -> last activity (ms). */
  private readonly openRounds = new Map<string, Map<string, number>>();

  private static empty(): SimulatorCounters {
    return {
      requests: {},
      graphRequests: 0,
      byStatus: {},
      throttled: 0,
      maxInFlightPerMailbox: {},
      maxConcurrentDeltaRounds: {},
      retryAfterViolations: 0,
      retryAfterViolationDetails: [],
      faultsInjected: {},
    };
  }

  /** A scripted or random fault was served: '429', '503', 'reset', 'trickle', … */
  faultInjected(kind: string): void {
    this.data.faultsInjected[kind] = (this.data.faultsInjected[kind] ?? 0) + 1;
  }

  request(kind: string): void {
    this.data.requests[kind] = (this.data.requests[kind] ?? 0) + 1;
  }

  graphRequest(): void {
    this.data.graphRequests++;
  }

  status(code: number): void {
    const key = String(code);
    this.data.byStatus[key] = (this.data.byStatus[key] ?? 0) + 1;
    if (code === 429) this.data.throttled++;
  }

  inFlight(mailboxKey: string, current: number): void {
    const max = this.data.maxInFlightPerMailbox;
    max[mailboxKey] = Math.max(max[mailboxKey] ?? 0, current);
  }

  retryAfterViolation(details: RetryAfterViolation): void {
    this.data.retryAfterViolations++;
    if (this.data.retryAfterViolationDetails.length < VIOLATION_DETAILS_KEPT) {
      this.data.retryAfterViolationDetails.push(details);
    }
  }

  roundStarted(folderId: string, roundId: string): void {
    const now = Date.now();
    const rounds = this.openRounds.get(folderId) ?? new Map<string, number>();
    for (const [id, last] of rounds) if (now - last > STALE_ROUND_MS) rounds.delete(id);
    rounds.set(roundId, now);
    this.openRounds.set(folderId, rounds);
    const max = this.data.maxConcurrentDeltaRounds;
    max[folderId] = Math.max(max[folderId] ?? 0, rounds.size);
  }

  roundTouched(folderId: string, roundId: string): void {
    const rounds = this.openRounds.get(folderId);
    if (rounds?.has(roundId)) rounds.set(roundId, Date.now());
  }

  roundEnded(folderId: string, roundId: string): void {
    this.openRounds.get(folderId)?.delete(roundId);
  }

  snapshot(): SimulatorCounters {
    return structuredClone(this.data);
  }

  reset(): void {
    this.data = CounterBook.empty();
  }
}

export interface Admission {
  release(): void;
}

/** Why a request was answered 429, and the Retry-After sent with it. */
export interface Rejection {
  retryAfterSeconds: number;
  message: string;
}

/**
 * A request that arrives within this long after a 429 was sent was already under way when the
 * client got the 429 (other workers' requests); later ones before the Retry-After are violations.
 */
const VIOLATION_GRACE_MS = 100;

/** Exchange's per-app, per-mailbox concurrency limit (MailboxConcurrency). */
export class MailboxThrottle {
  private readonly inFlight = new Map<string, number>();
  private readonly blockedUntil = new Map<string, number>();
  /** Requests arriving before this were already on the wire when the 429 left: not violations. */
  private readonly blockedFrom = new Map<string, number>();
  /** When the last 429 that set the block was sent, for violation details. */
  private readonly blockedAt = new Map<string, number>();

  /** Admission times per mailbox within the budget window, oldest first. */
  private readonly recent = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    readonly retryAfterSeconds: number,
    private readonly counters: CounterBook,
    /** Exchange's request budget per app and mailbox (10,000 per 10 minutes); none when omitted. */
    private readonly budget?: { requests: number; windowSeconds: number },
  ) {}

  /** Seconds until the budget admits another request for the mailbox; 0 when it does now. */
  private overBudget(mailboxKey: string, now: number): number {
    if (!this.budget) return 0;
    const windowMs = this.budget.windowSeconds * 1000;
    const times = this.recent.get(mailboxKey) ?? [];
    while (times.length > 0 && times[0]! <= now - windowMs) times.shift();
    this.recent.set(mailboxKey, times);
    if (times.length < this.budget.requests) return 0;
    return Math.max(0.1, Math.ceil((times[0]! + windowMs - now) / 100) / 10);
  }

  /** Records a Retry-After sent for the mailbox: requests before it passes count as violations. */
  block(mailboxKey: string, seconds: number): void {
    const now = Date.now();
    const until = now + seconds * 1000;
    if (until > (this.blockedUntil.get(mailboxKey) ?? 0)) {
      this.blockedUntil.set(mailboxKey, until);
      this.blockedFrom.set(mailboxKey, now + VIOLATION_GRACE_MS);
      this.blockedAt.set(mailboxKey, now);
    }
  }

  /** An admission, or the reason to answer 429 now. */
  admit(mailboxKey: string): Admission | Rejection {
    const now = Date.now();
    const blockedUntil = this.blockedUntil.get(mailboxKey) ?? 0;
    if (now < blockedUntil && now >= (this.blockedFrom.get(mailboxKey) ?? 0)) {
      this.counters.retryAfterViolation({
        mailbox: mailboxKey,
        msAfterThrottle: now - (this.blockedAt.get(mailboxKey) ?? now),
        msBeforeRetryAfter: blockedUntil - now,
      });
    }
    const current = this.inFlight.get(mailboxKey) ?? 0;
    if (current >= this.limit) {
      this.block(mailboxKey, this.retryAfterSeconds);
      return {
        retryAfterSeconds: this.retryAfterSeconds,
        message: 'Application is over its MailboxConcurrency limit.',
      };
    }
    const budgetWait = this.overBudget(mailboxKey, now);
    if (budgetWait > 0) {
      this.block(mailboxKey, budgetWait);
      return {
        retryAfterSeconds: budgetWait,
        message: 'Application is over its request budget for this mailbox.',
      };
    }
    this.recent.get(mailboxKey)?.push(now);
    this.inFlight.set(mailboxKey, current + 1);
    this.counters.inFlight(mailboxKey, current + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.inFlight.set(mailboxKey, (this.inFlight.get(mailboxKey) ?? 1) - 1);
      },
    };
  }
}
