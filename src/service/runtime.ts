import type { Redis } from 'ioredis';
import type { DocumentSink } from '../backends/document-sink';
import type { Config, Source } from '../config/load-config';
import type { Ledger } from '../ledger/ledger';
import type { Logger } from '../observability/logger';
import type { Queues } from '../queues/queues';
import type { MailSource } from '../sources/mail-source';
import type { CheckpointStore } from '../state/checkpoint-store';
import type { SourceStatusStore } from '../state/source-status';

/** What the workers and the scheduler share inside one postroom process. */
export interface Runtime {
  config: Config;
  redis: Redis;
  queues: Queues;
  ledger: Ledger;
  checkpoints: CheckpointStore;
  /** Per-source poll results and message counts, shared by every process (Redis). */
  status: SourceStatusStore;
  logger: Logger;
  source(sourceId: string): Source | undefined;
  /** The source, or a permanent SOURCE_UNKNOWN error (its definition was removed). */
  requireSource(sourceId: string): Source;
  mailSource(sourceId: string): MailSource;
  sink(backendName: string): DocumentSink;
}
