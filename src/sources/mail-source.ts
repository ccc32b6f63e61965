import type { Readable } from 'node:stream';

export interface MailAddress {
  name?: string;
  address?: string;
}

/** What a source knows about a message before downloading it: enough for metadata and logs. */
export interface MessageSummary {
  /** Stable id within the source (Graph: the immutable id, which survives moves). */
  id: string;
  internetMessageId?: string;
  subject?: string;
  from?: MailAddress;
  to: MailAddress[];
  cc: MailAddress[];
  sentDateTime?: string;
  receivedDateTime: string;
  hasAttachments?: boolean;
}

export interface ChangePage {
  /** New or changed messages; a message may appear again in later rounds. */
  messages: MessageSummary[];
  /** Ids of messages deleted or moved out of the folder. */
  removed: string[];
}

export interface ChangesOptions {
  /**
   * Only messages received at or after this time (ISO). Used with a null checkpoint for a one-off
   * backfill round, whose returned checkpoint is not stored.
   */
  receivedSince?: string;
}

/**
 * The port every mail source implements (Graph now; IMAP, POP3, Gmail later).
 *
 * Deliberately left out: after-import actions on the mailbox (mark read, move, delete), push
 * notifications and folder browsing. They arrive with the issues that need them; a source that
 * cannot do one will say so through its own method rather than a flag here.
 */
export interface MailSource {
  readonly sourceId: string;

  /**
   * Runs one round over the changes since `checkpoint` (null: everything in the folder), handing
   * each page to `onPage` in order and waiting for it. Returns the checkpoint to store once every
   * page has been handled. Throws a PostroomError with code SYNC_STATE_EXPIRED when the checkpoint
   * is no longer accepted; the caller then starts again from null.
   */
  changes(
    checkpoint: string | null,
    onPage: (page: ChangePage) => Promise<void>,
    options?: ChangesOptions,
  ): Promise<string>;

  /**
   * Streams a message's raw RFC 822 bytes to `consume`. `consume` may be called again after a
   * failed attempt and must then start its output afresh.
   */
  download(messageId: string, consume: (mime: Readable) => Promise<void>): Promise<void>;

  /** Requests left in the mailbox's current budget window, for sources whose server has one. */
  remainingBudget?(): Promise<number>;
}
