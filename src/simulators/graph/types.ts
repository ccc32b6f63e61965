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

export interface SimulatorCounters {
  /** By kind: token, discovery, mailFolders, childFolders, delta, value, message, attachments, attachmentValue, patch, move, delete, control, other. */
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
  expireSyncState(upn?: string): void;
  /** Scripts a failure for the next matching Graph requests (see FaultSpec). */
  injectFault(spec: FaultSpec): void;
  /** Faults at random on every Graph request from now on (undefined: stop); clearFaults stops them too. */
  randomFaults(spec: RandomFaults | undefined): void;
  clearFaults(): void;
  counters(): SimulatorCounters;
  resetCounters(): void;
  close(): Promise<void>;
}
