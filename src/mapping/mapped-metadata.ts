import type { MailAddress } from '../sources/mail-source';

/**
 * The contract between metadata mapping (issue 4) and the backends. Mapping turns what is known
 * about a message into backend-neutral property values; each backend resolves names to its own ids
 * and converts the values to its own data types, and names the source, the property and the value
 * when a conversion fails.
 */

/** Everything a rule, a filter or a property mapping may read about one message. */
export interface MessageInfo {
  sourceId: string;
  mailbox: string;
  folder: string;
  /** The source's id (Graph immutable id). */
  messageId: string;
  internetMessageId?: string;
  conversationId?: string;
  subject?: string;
  from?: MailAddress;
  to: MailAddress[];
  cc: MailAddress[];
  /** ISO times. */
  sent?: string;
  received: string;
  categories: string[];
  importance?: 'low' | 'normal' | 'high';
  hasAttachments: boolean;
  attachmentNames: string[];
  /** Header lookup by case-insensitive name; absent headers give []. */
  headers: Array<[name: string, value: string]>;
  /** Plain-text body (capped), for body filters. */
  bodyText?: string;
}

/** A value as mapping produced it; the backend converts it to the property's data type. */
export type MappedValue = string | number | boolean | string[] | null;

export interface MappedProperty {
  /** The backend's property: an id (M-Files property definition id) or a name. */
  property: string | number;
  value: MappedValue;
  /** Where the value came from, for error messages ("from: sender.address"). */
  origin: string;
}

export interface MappedMetadata {
  /** Class (M-Files), document type (Paperless) or content type (SharePoint): id or name. */
  class?: string | number;
  /** The document's title (M-Files Name or title, Paperless title, SharePoint Title column). */
  title?: string;
  properties: MappedProperty[];
}
