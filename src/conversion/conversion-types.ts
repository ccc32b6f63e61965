import type { MailAddress } from '../sources/mail-source';

/**
 * The contract between the ingest worker and message conversion (issue 3). Conversion reads the
 * spooled RFC 822 file from disk and writes what it produces into a work directory the caller owns
 * (and deletes afterwards); it never touches Redis, Graph or a backend.
 */

export type MessageFormat = 'eml' | 'msg';
/**
 * embedded: attachments stay inside the message file.
 * separate: one document with the message (without its attachments) plus each attachment as a file.
 * documents: the message document plus one document per attachment, each naming its parent.
 */
export type AttachmentMode = 'embedded' | 'separate' | 'documents';

export interface InlinePolicy {
  /** skip-images: drop images the HTML body references by cid: and that are under `maxImageBytes`. */
  mode: 'keep' | 'skip-images';
  /** Default 20 KB (20 * 1024). */
  maxImageBytes: number;
}

export interface ConversionOptions {
  format: MessageFormat;
  attachments: AttachmentMode;
  inline: InlinePolicy;
  /** How deep nested messages (message/rfc822, item attachments) are unpacked with separate/documents. */
  maxNestingDepth: number;
}

export const DEFAULT_INLINE_MAX_IMAGE_BYTES = 20 * 1024;

export type ConvertedFileRole =
  'message' | 'attachment' | 'nested-message' | 'calendar' | 'tnef-file' | 'raw-part';

export interface ConvertedFile {
  /** Safe file name inside its document (see file-names rules in issue 3): never a path. */
  name: string;
  /** Where the bytes are (the spool file itself, or a file in the work directory). */
  path: string;
  size: number;
  sha256: string;
  /** The type decided from the bytes where the declared one was generic or wrong. */
  contentType: string;
  /** What the message declared, when it differs from contentType. */
  declaredContentType?: string;
  role: ConvertedFileRole;
  /** Inside nested mail: the chain of parent names, outermost first. */
  within?: string[];
}

export interface ConvertedDocument {
  /** '' for the message document; a stable, unique id for per-attachment documents ('att-1', 'att-1.2'). */
  part: string;
  /** A human title: the subject for the message, the file name for an attachment document. */
  title: string;
  files: ConvertedFile[];
}

/** What the MIME itself says about the message, for metadata, rules and filters. */
export interface MessageFacts {
  subject?: string;
  from?: MailAddress;
  to: MailAddress[];
  cc: MailAddress[];
  bcc: MailAddress[];
  /** ISO date from the Date header, when it parses. */
  date?: string;
  messageId?: string;
  /** Every header in order, names as written, values unfolded and RFC 2047-decoded. */
  headers: Array<[name: string, value: string]>;
  /** The plain-text body (or the HTML body turned into text), capped at 64 KiB, for filters. */
  bodyText?: string;
  /** Names of the attachments the message carries (after inline skipping: what a user would see). */
  attachmentNames: string[];
  hasAttachments: boolean;
}

export interface ConversionFlags {
  smime?: 'signed' | 'encrypted';
  tnef?: boolean;
  calendar?: boolean;
  /** Problems found while parsing (e.g. 'missing closing boundary', 'bad base64 in part 2'). */
  malformed: string[];
}

export interface SkippedPart {
  name: string;
  contentType: string;
  size: number;
  reason: string;
}

export interface ConversionResult {
  /** documents[0] is always the message document (part ''). */
  documents: ConvertedDocument[];
  facts: MessageFacts;
  flags: ConversionFlags;
  skipped: SkippedPart[];
}

export interface SpooledMessage {
  /** The RFC 822 bytes exactly as Graph served them. */
  path: string;
  size: number;
  sha256: string;
  /** The same bytes, when the spool kept a small message in memory: parsed without reading the file. */
  bytes?: Buffer;
}
