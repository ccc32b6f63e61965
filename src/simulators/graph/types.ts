import type { DriveColumn } from './drive-store';
import type { FaultSpec, RandomFaults } from './fault-injector';
export interface GraphSimulatorOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
  /** Serve HTTPS instead of HTTP when given. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Default 4: the (N+1)th concurrent request for one mailbox gets 429. */
  maxConcurrentPerMailbox?: number;
  /** Default 1 (may be fractional) sent in Retry-After on that 429. */
  throttleRetryAfterSeconds?: number;
  /** Enforce Exchange's request budget per mailbox (10,000 per 600 s) with 429s; off by default. */
  requestBudget?: { requests: number; windowSeconds: number };
  /** Default 3599. */
  tokenLifetimeSeconds?: number;
  /** Default 0: added to every Graph (not token) response, while the request counts as in flight. */
  latencyMs?: number;
  /** Default 10 (Graph's delta default when no Prefer odata.maxpagesize). */
  defaultPageSize?: number;
  /** Makes ids deterministic: the same operations in the same order give the same ids. */
  seed?: number;
  /** Simple uploads (PUT …/content) above this get 413. Default 250 MiB, Graph's documented cap. */
  simpleUploadMaxBytes?: number;
}

/** A file or folder in a simulated document library. */
export interface StoredDriveItem {
  id: string;
  /** Path from the library root, e.g. 'Mail/2026/03/x/message.eml'. */
  path: string;
  isFolder: boolean;
  bytes?: Buffer;
  /** Column values written through listItem/fields. */
  fields: Record<string, unknown>;
}

export interface RegisteredApp {
  tenantId: string;
  clientId: string;
  clientSecret?: string;
  certificatePem?: string;
  /** Allowed mailboxes (application access policy); omitted = all. */
  mailboxes?: string[];
  /** Application permissions granted with admin consent; default ['Mail.ReadWrite']. */
  roles?: string[];
}

export interface AddMessageOptions {
  isRead?: boolean;
  receivedDateTime?: string;
  categories?: string[];
}

export interface StoredMessage {
  id: string;
  immutableId: string;
  folderId: string;
  raw: Buffer;
  sha256: string;
  size: number;
  internetMessageId?: string;
  subject?: string;
  isRead: boolean;
  categories: string[];
  receivedDateTime: string;
  /** When a client last changed it (PATCH, move, delete), in ms since the epoch; absent if never. */
  changedAt?: number;
}

/** A request that reached a mailbox while a Retry-After the simulator sent for it was running. */
export interface RetryAfterViolation {
  mailbox: string;
  /** How long after the 429 (or 503) was sent the request arrived. */
  msAfterThrottle: number;
  /** How much of the Retry-After was still left. */
  msBeforeRetryAfter: number;
}

export interface SimulatorCounters {
  /**
   * By kind: token, discovery, mailFolders, childFolders, delta, value, message, attachments,
   * attachmentValue, patch, move, delete, control, other; for drives: site, drives, driveItem,
   * children, columns, simpleUpload, download, createUploadSession, uploadChunk, listItemFields.
   */
  requests: Record<string, number>;
  /** All Graph API requests (not token/discovery/control), including throttled ones. */
  graphRequests: number;
  byStatus: Record<string, number>;
  throttled: number;
  /** Max concurrent accepted Graph requests observed per mailbox (lower-cased upn). */
  maxInFlightPerMailbox: Record<string, number>;
  /** Per folder id: max number of delta rounds in progress at once. */
  maxConcurrentDeltaRounds: Record<string, number>;
  /** Requests for a mailbox that arrived before the Retry-After of a 429 sent to that mailbox had passed. */
  retryAfterViolations: number;
  /** The first violations (at most 20): when each arrived after the 429 and how early it was. */
  retryAfterViolationDetails: RetryAfterViolation[];
  /** Faults served on purpose (injectFault, randomFaults), by status or 'reset' / 'trickle'. */
  faultsInjected: Record<string, number>;
}

export interface GraphSimulator {
  /** E.g. 'http://127.0.0.1:41234' (no trailing slash). */
  readonly url: string;
  /** Same as url: the token endpoint is `${authorityHost}/${tenant}/oauth2/v2.0/token`. */
  readonly authorityHost: string;
  /** Same as url: Graph is `${graphEndpoint}/v1.0/...`. */
  readonly graphEndpoint: string;
  registerApp(app: RegisteredApp): void;
  addMailbox(upn: string): void;
  ensureFolder(upn: string, path: string, options?: { hidden?: boolean }): { id: string };
  addMessage(
    upn: string,
    folderPath: string,
    raw: Buffer,
    opts?: AddMessageOptions,
  ): { id: string; immutableId: string };
  /** Deletes a folder with everything in it (its id is gone; ensureFolder makes a new one). */
  deleteFolder(upn: string, path: string): void;
  loadFolderFromDir(upn: string, folderPath: string, dir: string): number;
  messages(upn: string, folderPath?: string): StoredMessage[];
  /** Works out every stored message's hasAttachments and bodyPreview now instead of on first listing. */
  prepareSummaries(immutableIds?: readonly string[]): Promise<void>;
  expireSyncState(upn?: string): void;
  /** A SharePoint site at https://{hostname}/{path}, e.g. ('contoso.sharepoint.com', 'sites/Finance'). */
  addSite(hostname: string, path: string, options?: { displayName?: string }): { id: string };
  /** A document library (drive) with the built-in columns plus `columns`. */
  addDocumentLibrary(siteId: string, name: string, columns?: DriveColumn[]): { id: string };
  /** Every file and folder of a library, root excluded. */
  driveItems(driveId: string): StoredDriveItem[];
  /** Upload sessions begun and not completed or cancelled. */
  openUploadSessions(): number;
  /** Scripts a failure for the next matching Graph requests (see FaultSpec). */
  injectFault(spec: FaultSpec): void;
  /** Faults at random on every Graph request from now on (undefined: stop); clearFaults stops them too. */
  randomFaults(spec: RandomFaults | undefined): void;
  clearFaults(): void;
  counters(): SimulatorCounters;
  resetCounters(): void;
  close(): Promise<void>;
}
