import type { FaultSpec, RandomFaults } from '../graph/fault-injector';

export interface PaperlessSimulatorOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0 (ephemeral); a restarted simulator keeps the port it had. */
  port?: number;
  /** API tokens accepted in `Authorization: Token <t>`. Default ['paperless-sim-token']. */
  tokens?: string[];
  /**
   * How long a consumption task takes, in ms: PENDING for the first half, STARTED for the second,
   * then SUCCESS or FAILURE. Default 50.
   */
  consumeMs?: number;
  /**
   * Content types the consumer has a parser for. Paperless reads .eml only with Tika enabled, so a
   * test can leave 'message/rfc822' out to see that failure. Default: every type.
   */
  supportedContentTypes?: string[];
  /** Default 25, as Paperless pages its lists. */
  defaultPageSize?: number;
  /** Concurrent requests above this get 429 with Retry-After, as a reverse proxy's rate limit would. */
  maxConcurrent?: number;
  /** Sent as Retry-After with that 429. Default 1. */
  throttleRetryAfterSeconds?: number;
}

export type PaperlessTaskStatus = 'PENDING' | 'STARTED' | 'SUCCESS' | 'FAILURE';

/** The object kinds a document refers to by id. */
export type PaperlessObjectKind = 'correspondents' | 'document_types' | 'storage_paths' | 'tags';

/** Custom field data types as Paperless names them. */
export type CustomFieldDataType =
  | 'string'
  | 'longtext'
  | 'url'
  | 'date'
  | 'boolean'
  | 'integer'
  | 'float'
  | 'monetary'
  | 'select'
  | 'documentlink';

export interface CustomFieldValue {
  field: number;
  value: string | number | boolean | null;
}

export interface StoredPaperlessDocument {
  id: number;
  title: string;
  /** ISO date (API v9+ returns a date, not a datetime). */
  created: string;
  added: string;
  correspondent: number | null;
  document_type: number | null;
  storage_path: number | null;
  tags: number[];
  archive_serial_number: number | null;
  custom_fields: CustomFieldValue[];
  original_file_name: string;
  mime_type: string;
  /** MD5 of the original file, which is what Paperless compares to refuse duplicates. */
  checksum: string;
  bytes: Buffer;
  /** In the trash: hidden from lists, but still a duplicate for the consumer. */
  deleted: boolean;
}

export interface StoredPaperlessTask {
  task_id: string;
  task_file_name: string;
  status: PaperlessTaskStatus;
  result: string | null;
  related_document: string | null;
  date_created: string;
  date_done: string | null;
}

/** Kinds of request, for counters and fault targeting. */
export type PaperlessRequestKind =
  | 'post_document'
  | 'tasks'
  | 'documents'
  | 'correspondents'
  | 'document_types'
  | 'storage_paths'
  | 'tags'
  | 'custom_fields'
  | 'other';

export interface PaperlessCounters {
  requests: Partial<Record<PaperlessRequestKind, number>>;
  byStatus: Record<string, number>;
  /** Requests that arrived before a Retry-After the simulator sent had passed. */
  retryAfterViolations: number;
  faultsInjected: Record<string, number>;
  maxInFlight: number;
  /** Requests that carried no token or a wrong one. */
  unauthorized: number;
}

export type PaperlessFaultSpec = Omit<FaultSpec, 'kinds' | 'code' | 'trickleMs'> & {
  kinds?: PaperlessRequestKind[];
};
export type PaperlessRandomFaults = Omit<RandomFaults, 'kinds'> & { kinds?: PaperlessRequestKind[] };
