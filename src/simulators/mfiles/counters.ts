import type { MFilesCounters, MFilesRequestKind } from './types';

/** What clients did, for assertions on request counts, re-authentication and faults. */
export class MFilesCounterBook {
  private data: MFilesCounters = MFilesCounterBook.empty();

  private static empty(): MFilesCounters {
    return {
      requests: {},
      byStatus: {},
      tokensIssued: 0,
      objectsCreated: 0,
      faultsInjected: {},
      downPeriods: 0,
    };
  }

  request(kind: MFilesRequestKind): void {
    this.data.requests[kind] = (this.data.requests[kind] ?? 0) + 1;
  }

  status(code: number): void {
    this.data.byStatus[String(code)] = (this.data.byStatus[String(code)] ?? 0) + 1;
  }

  tokenIssued(): void {
    this.data.tokensIssued++;
  }

  objectCreated(): void {
    this.data.objectsCreated++;
  }

  fault(label: string): void {
    this.data.faultsInjected[label] = (this.data.faultsInjected[label] ?? 0) + 1;
  }

  down(): void {
    this.data.downPeriods++;
  }

  snapshot(): MFilesCounters {
    return structuredClone(this.data);
  }

  reset(): void {
    this.data = MFilesCounterBook.empty();
  }
}
