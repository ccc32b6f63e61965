import type { FaultInjector } from './fault-injector';
import type { AppRecord, AppRegistry } from './app-registry';
import type { CounterBook, MailboxThrottle } from './counters';
import type { SyncTokenCodec } from './delta';
import type { DriveStore } from './drive-store';
import type { DriveTransfers } from './drive-transfers';
import type { Mailbox, MailboxStore } from './mailbox-store';
import type { ContentCache } from './message-content';

/** Everything Graph handlers share; one per simulator. */
export interface GraphContext {
  store: MailboxStore;
  registry: AppRegistry;
  counters: CounterBook;
  throttle: MailboxThrottle;
  content: ContentCache;
  syncTokens: SyncTokenCodec;
  latencyMs: number;
  faults: FaultInjector;
  defaultPageSize: number;
  /** SharePoint sites and document libraries, and their upload sessions and download links. */
  drives: DriveStore;
  driveTransfers: DriveTransfers;
  /** Larger simple uploads (PUT …/content) get 413. */
  simpleUploadMaxBytes: number;
  /** Scheme, host and port of the simulator, no trailing slash. */
  baseUrl(): string;
}

/** A Graph request as seen by handlers: from the socket or from a $batch entry. */
export interface GraphRequest {
  method: string;
  url: URL;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A request that passed authentication and mailbox checks. */
export interface MailboxRequest extends GraphRequest {
  app: AppRecord;
  mailbox: Mailbox;
  /** The user segment as the client wrote it, reused in links. */
  userSegment: string;
  prefs: Map<string, string>;
  immutableIds: boolean;
}
