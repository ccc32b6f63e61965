/** What every simulator's scripted fault says about when it strikes. */
export interface ScriptedFaultSpec {
  /** Request kinds it applies to; all when omitted. */
  kinds?: readonly string[];
  /** Let this many matching requests through first. */
  after?: number;
  /** How many matching requests it hits (default 1). */
  count?: number;
}

/**
 * The queue of scripted faults a simulator's test set up: each request takes the first fault that
 * matches its kind and still has uses left, after that fault's `after` requests went through.
 * Shared by the Graph, M-Files and Paperless simulators; each turns a spec into its own error.
 */
export class ScriptedFaults<S extends ScriptedFaultSpec> {
  #faults: Array<{ spec: S; skip: number; left: number }> = [];

  add(spec: S): void {
    this.#faults.push({ spec, skip: spec.after ?? 0, left: spec.count ?? 1 });
  }

  clear(): void {
    this.#faults = [];
  }

  /** The fault this request meets, if any; consumes one use of it. */
  next(kind: string): S | undefined {
    for (const fault of this.#faults) {
      if (fault.left <= 0 || (fault.spec.kinds && !fault.spec.kinds.includes(kind))) continue;
      if (fault.skip > 0) {
        fault.skip--;
        continue;
      }
      fault.left--;
      return fault.spec;
    }
    return undefined;
  }
}
