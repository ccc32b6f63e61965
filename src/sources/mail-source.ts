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
  /** The thread the message belongs to (Graph's conversationId). */
  conversationId?: string;
  /** Outlook categories at the time of the listing. */
  categories?: string[];
  importance?: 'low' | 'normal' | 'high';
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

/** What is done to a message in the mailbox once every document of it is committed. */
export type MailboxAction =
  | { kind: 'markRead' }
  | { kind: 'category'; name: string }
  /** A folder path such as `Archive/Imported` (a well-known first segment in any language). */
  | { kind: 'move'; folder: string }
  | { kind: 'delete' };

export interface ActionHints {
  /**
   * The message's categories as last listed, when they can be trusted: adding a category then
   * costs no read. Without it the source reads the current list first.
   */
  knownCategories?: string[];
}

export interface ActionOutcome {
  /** False when the mailbox already was as asked (category present, message gone for delete). */
  changed: boolean;
  /** Why nothing changed, for the log. */
  note?: string;
}

/**
 * The port every mail source implements (Graph now; IMAP, POP3, Gmail later).
 *
 * Deliberately left out: push notifications and folder browsing; for after-import actions, undo,
 * acting on many messages in one request, and creating a missing destination folder (a move to a
 * folder that does not exist fails with FOLDER_NOT_FOUND, so a typo cannot scatter mail).
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

  /**
   * Applies an after-import action to a message. Must be safe to repeat: a retry after a lost answer
   * sends the same request again. A source that cannot act on its mailbox leaves this out, and
   * sources configured with an action then fail with ACTION_UNSUPPORTED.
   */
  applyAction?(messageId: string, action: MailboxAction, hints?: ActionHints): Promise<ActionOutcome>;

  /** Requests left in the mailbox's current budget window, for sources whose server has one. */
  remainingBudget?(): Promise<number>;
}
