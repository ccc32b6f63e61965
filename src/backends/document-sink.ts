import type { MappedMetadata } from '../mapping/mapped-metadata';
import type { MailAddress } from '../sources/mail-source';

/** Identifies one message's document across deliveries: the idempotency key. */
export interface DeliveryKey {
  sourceId: string;
  /** The source's stable message id (Graph immutable id). */
  messageId: string;
  /** ISO time the message was received; backends may file by it. Never changes for a message. */
  receivedDateTime: string;
  /**
   * Absent or '' for the message's own document; with `attachments: documents` each attachment is
   * its own document, keyed by the message plus this part id ('att-1', 'att-1.2').
   */
  part?: string;
}

export interface DocumentFile {
  /** File name inside the document: a plain name, never a path. */
  name: string;
  /** Where the bytes are now (spool or scratch); the sink copies them, or moves them if `movable`. */
  path: string;
  /**
   * The caller hands the file over (a spool file of this attempt alone, deleted afterwards anyway):
   * a sink on the same filesystem may move it instead of copying and re-hashing it.
   */
  movable?: boolean;
  /**
   * The content, held in memory by the caller (a small message). Only ever given to a sink that
   * declares `takesBytes`; `path` then names no file.
   */
  bytes?: Buffer;
  size: number;
  sha256: string;
  contentType: string;
}

export interface DocumentMetadata {
  sourceId: string;
  mailbox: string;
  folder: string;
  messageId: string;
  internetMessageId?: string;
  subject?: string;
  from?: MailAddress;
  to: MailAddress[];
  cc: MailAddress[];
  sent?: string;
  received: string;
  /** What conversion found: S/MIME, TNEF, calendar, malformed MIME, parts left out. */
  conversion?: {
    format: 'eml' | 'msg';
    attachments: 'embedded' | 'separate' | 'documents';
    smime?: 'signed' | 'encrypted';
    tnef?: boolean;
    calendar?: boolean;
    malformed?: string[];
    skipped?: Array<{ name: string; contentType: string; size: number; reason: string }>;
  };
}

export interface DocumentToDeliver {
  key: DeliveryKey;
  /** One file, or several for a multi-file document (message plus separated attachments). */
  files: DocumentFile[];
  metadata: DocumentMetadata;
  /** Class, title and properties from the source's metadata mapping; absent when none is configured. */
  mapped?: MappedMetadata;
  /** For a per-attachment document: the message it came from. */
  parent?: { messageId: string; internetMessageId?: string; subject?: string };
}

/** Where a delivered document is, in the backend's own terms (a path, an object id, a URL). */
export interface DocumentRef {
  backend: string;
  ref: string;
}

/**
 * The port every backend implements (folder now; M-Files, SharePoint, Paperless-ngx later).
 *
 * Deliberately left out: updating or deleting documents, metadata mapping rules and searching by
 * anything but the delivery key. The key lookup is the backend's own answer to "already
 * delivered?", which must hold even when Redis (and with it the ledger) is lost.
 */
export interface DocumentSink {
  readonly name: string;
  /**
   * True when the sink writes `DocumentFile.bytes` itself: small messages then never touch the
   * spool. Sinks without it always get files on disk.
   */
  readonly takesBytes?: boolean;
  /** The document delivered under `key`, or null. Must not report a half-written document. */
  find(key: DeliveryKey): Promise<DocumentRef | null>;
  /** Delivers atomically. Delivering the same key again leaves one document and returns its ref. */
  deliver(document: DocumentToDeliver): Promise<DocumentRef>;
  /**
   * Checks that documents can be written (credentials, permissions, free path) without creating
   * one; returns a line for `postroom test-source`. Optional: a backend without it is not probed.
   */
  probe?(): Promise<string>;
}
