import { GraphError } from './errors';
import type { CounterBook, MailboxThrottle } from './counters';
import type { FaultInjector, FaultOutcome } from './fault-injector';

export interface Admitted {
  /** Ends the request's in-flight slot; call once the response has been delivered. */
  release(): void;
  /** A scripted or random fault this request meets; the caller answers with `fault.error` if set. */
  fault?: FaultOutcome;
}

/**
 * The throttle and fault steps every simulated Graph request goes through, for mail and drives
 * alike: a 429 with Retry-After when the key (mailbox, drive) has too many requests in flight or is
 * over budget, then the scripted faults. A fault's Retry-After blocks the key like a real 429.
 */
/** What admission needs; a GraphContext has it, and so can another simulator. */
export interface AdmissionParts {
  throttle: MailboxThrottle;
  faults: FaultInjector;
  counters: CounterBook;
}

export function admit(
  ctx: AdmissionParts,
  key: string,
  kind: string,
  throttleCode = 'ApplicationThrottled',
): Admitted {
  const admission = ctx.throttle.admit(key);
  if (!('release' in admission)) {
    throw new GraphError(429, throttleCode, admission.message, {
      'Retry-After': String(admission.retryAfterSeconds),
    });
  }
  const fault = ctx.faults.take(kind);
  if (fault) {
    const label = fault.error ? String(fault.error.status) : fault.reset ? 'reset' : 'trickle';
    ctx.counters.faultInjected(label);
  }
  if (fault?.error && fault.retryAfterSeconds !== undefined) ctx.throttle.block(key, fault.retryAfterSeconds);
  return { release: () => admission.release(), fault };
}
