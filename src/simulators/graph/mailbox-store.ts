import { createHash } from 'node:crypto';
import { malformedId, notFoundItem } from './errors';
import { graphDateTime, IdSource, looksLikeExchangeId } from './ids';
import { readMessageMeta, type MessageMeta } from './message-metadata';
import type { AddMessageOptions, StoredMessage } from './types';

/*
 * One change counter per mailbox orders every arrival, change and departure. Delta tokens are
 * positions on that counter, which is what makes them cheap, stateless and resumable.
 */

export interface Departure {
  seq: number;
  regularId: string;
  immutableId: string;
}

export interface FolderRecord {
  id: string;
  displayName: string;
  parentId: string;
  wellKnownName?: string;
  hidden: boolean;
  children: FolderRecord[];
  /** Ordered by placementSeq (arrivals append). */
  messages: MessageRecord[];
  /** Ordered by seq. */
  departures: Departure[];
}

export interface MessageRecord {
  id: string;
  immutableId: string;
  folder: FolderRecord;
  raw: Buffer;
  sha256: string;
  meta: MessageMeta;
  isRead: boolean;
  categories: string[];
  receivedDateTime: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  changeKey: string;
  /** Counter value when the message arrived in its current folder. */
  placementSeq: number;
  /** Counter value of its last change (>= placementSeq). */
  changeSeq: number;
  /** Wall-clock time (ms) of the last PATCH, move or delete; tests compare it with other events. */
  changedAtMs?: number;
}

export interface Mailbox {
  upn: string;
  key: string;
  userId: string;
  root: FolderRecord;
  folders: Map<string, FolderRecord>;
  wellKnown: Map<string, FolderRecord>;
  byId: Map<string, MessageRecord>;
  byImmutableId: Map<string, MessageRecord>;
  seq: number;
  /** Bumped by expireSyncState: tokens from an older epoch answer 410. */
  syncEpoch: number;
}

const WELL_KNOWN: [string, string][] = [
  ['inbox', 'Inbox'],
  ['archive', 'Archive'],
  ['deleteditems', 'Deleted Items'],
  ['drafts', 'Drafts'],
  ['sentitems', 'Sent Items'],
  ['junkemail', 'Junk Email'],
  ['outbox', 'Outbox'],
  ['conversationhistory', 'Conversation History'],
];

function newFolder(
  ids: IdSource,
  displayName: string,
  parentId: string,
  wellKnownName?: string,
  hidden = false,
): FolderRecord {
  return {
    id: ids.folderId(),
    displayName,
    parentId,
    wellKnownName,
    hidden,
    children: [],
    messages: [],
    departures: [],
  };
}

/** Exchange compares display names case-insensitively. */
const sameName = (a: string, b: string): boolean =>
  a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;

export class MailboxStore {
  constructor(private readonly ids: IdSource = new IdSource()) {}

  private readonly mailboxes = new Map<string, Mailbox>();
  private readonly byUserId = new Map<string, Mailbox>();

  addMailbox(upn: string): Mailbox {
    const key = upn.toLowerCase();
    const existing = this.mailboxes.get(key);
    if (existing) return existing;
    const root = newFolder(this.ids, 'Top of Information Store', this.ids.folderId(), 'msgfolderroot');
    const mailbox: Mailbox = {
      upn,
      key,
      userId: this.ids.userId(),
      root,
      folders: new Map([[root.id, root]]),
      wellKnown: new Map([['msgfolderroot', root]]),
      byId: new Map(),
      byImmutableId: new Map(),
      seq: 0,
      syncEpoch: 0,
    };
    for (const [wk, name] of WELL_KNOWN) {
      const folder = this.createChild(mailbox, root, name, false, wk);
      mailbox.wellKnown.set(wk, folder);
    }
    this.mailboxes.set(key, mailbox);
    this.byUserId.set(mailbox.userId, mailbox);
    return mailbox;
  }

  /** By UPN or user id, case-insensitively, as Graph resolves `/users/{id | userPrincipalName}`. */
  find(userKey: string): Mailbox | undefined {
    const key = userKey.toLowerCase();
    return this.mailboxes.get(key) ?? this.byUserId.get(key);
  }

  require(upn: string): Mailbox {
    const mailbox = this.find(upn);
    if (!mailbox) throw new Error(`graph simulator: unknown mailbox ${upn}; call addMailbox first`);
    return mailbox;
  }

  all(): Mailbox[] {
    return [...this.mailboxes.values()];
  }

  private createChild(
    mailbox: Mailbox,
    parent: FolderRecord,
    name: string,
    hidden: boolean,
    wellKnownName?: string,
  ): FolderRecord {
    const folder = newFolder(this.ids, name, parent.id, wellKnownName, hidden);
    parent.children.push(folder);
    mailbox.folders.set(folder.id, folder);
    return folder;
  }

  /** Resolves a folder id or well-known name the way Graph does (ids exact, names any case). */
  resolveFolder(mailbox: Mailbox, idOrName: string): FolderRecord {
    const byId = mailbox.folders.get(idOrName);
    if (byId) return byId;
    const wellKnown = mailbox.wellKnown.get(idOrName.toLowerCase());
    if (wellKnown) return wellKnown;
    throw looksLikeExchangeId(idOrName) ? notFoundItem() : malformedId();
  }

  private walk(mailbox: Mailbox, path: string, create: boolean, hidden = false): FolderRecord | undefined {
    const segments = path.split('/').filter((s) => s.length > 0);
    let folder = mailbox.root;
    for (const [index, segment] of segments.entries()) {
      const wellKnown = index === 0 ? mailbox.wellKnown.get(segment.toLowerCase()) : undefined;
      const child = wellKnown ?? folder.children.find((c) => sameName(c.displayName, segment));
      if (child) folder = child;
      else if (create)
        folder = this.createChild(mailbox, folder, segment, hidden && index === segments.length - 1);
      else return undefined;
    }
    return folder;
  }

  ensureFolder(mailbox: Mailbox, path: string, hidden = false): FolderRecord {
    return this.walk(mailbox, path, true, hidden) as FolderRecord;
  }

  /** A path, a folder id or a well-known name. */
  findFolder(mailbox: Mailbox, pathOrId: string): FolderRecord | undefined {
    return mailbox.folders.get(pathOrId) ?? this.walk(mailbox, pathOrId, false);
  }

  addMessage(
    mailbox: Mailbox,
    folder: FolderRecord,
    raw: Buffer,
    opts: AddMessageOptions = {},
  ): MessageRecord {
    const seq = ++mailbox.seq;
    const received = opts.receivedDateTime ? new Date(opts.receivedDateTime) : new Date();
    if (Number.isNaN(received.getTime()))
      throw new Error(`invalid receivedDateTime ${opts.receivedDateTime}`);
    const now = graphDateTime(new Date());
    const record: MessageRecord = {
      id: this.ids.messageId(),
      immutableId: this.ids.immutableId(),
      folder,
      raw,
      sha256: createHash('sha256').update(raw).digest('hex'),
      meta: readMessageMeta(raw),
      isRead: opts.isRead ?? false,
      categories: [...(opts.categories ?? [])],
      receivedDateTime: graphDateTime(received),
      createdDateTime: now,
      lastModifiedDateTime: now,
      changeKey: this.ids.changeKey(),
      placementSeq: seq,
      changeSeq: seq,
    };
    folder.messages.push(record);
    mailbox.byId.set(record.id, record);
    mailbox.byImmutableId.set(record.immutableId, record);
    return record;
  }

  /** Regular and immutable ids both address a message. */
  findMessage(mailbox: Mailbox, id: string): MessageRecord {
    const found = mailbox.byId.get(id) ?? mailbox.byImmutableId.get(id);
    if (found) return found;
    throw looksLikeExchangeId(id) ? notFoundItem() : malformedId();
  }

  update(mailbox: Mailbox, message: MessageRecord, patch: { isRead?: boolean; categories?: string[] }): void {
    if (patch.isRead !== undefined) message.isRead = patch.isRead;
    if (patch.categories !== undefined) message.categories = [...patch.categories];
    this.touch(mailbox, message);
  }

  private touch(mailbox: Mailbox, message: MessageRecord): void {
    message.changeSeq = ++mailbox.seq;
    message.changeKey = this.ids.changeKey();
    message.changedAtMs = Date.now();
    message.lastModifiedDateTime = graphDateTime(new Date(message.changedAtMs));
  }

  private detach(mailbox: Mailbox, message: MessageRecord): void {
    const source = message.folder;
    const index = source.messages.indexOf(message);
    if (index >= 0) source.messages.splice(index, 1);
    source.departures.push({ seq: ++mailbox.seq, regularId: message.id, immutableId: message.immutableId });
    mailbox.byId.delete(message.id);
  }

  /** Exchange gives a moved item a new regular id; the immutable id stays. */
  move(mailbox: Mailbox, message: MessageRecord, destination: FolderRecord): MessageRecord {
    if (destination === message.folder) return message;
    this.detach(mailbox, message);
    message.id = this.ids.messageId();
    message.folder = destination;
    mailbox.byId.set(message.id, message);
    this.touch(mailbox, message);
    message.placementSeq = message.changeSeq;
    destination.messages.push(message);
    return message;
  }

  /** DELETE moves to Deleted Items; deleting from there removes the item from view. */
  delete(mailbox: Mailbox, message: MessageRecord): 'moved' | 'removed' {
    const deletedItems = mailbox.wellKnown.get('deleteditems') as FolderRecord;
    if (message.folder !== deletedItems) {
      this.move(mailbox, message, deletedItems);
      return 'moved';
    }
    this.detach(mailbox, message);
    mailbox.byImmutableId.delete(message.immutableId);
    return 'removed';
  }

  /** Removes a folder with its subfolders and messages, as emptying it out of Deleted Items does. */
  deleteFolder(mailbox: Mailbox, folder: FolderRecord): void {
    if (folder.wellKnownName)
      throw new Error(`graph simulator: ${folder.displayName} is a well-known folder`);
    const parent = mailbox.folders.get(folder.parentId);
    if (parent) parent.children = parent.children.filter((c) => c !== folder);
    const drop = (f: FolderRecord): void => {
      for (const child of f.children) drop(child);
      for (const m of f.messages) {
        mailbox.byId.delete(m.id);
        mailbox.byImmutableId.delete(m.immutableId);
      }
      mailbox.folders.delete(f.id);
    };
    drop(folder);
  }

  expireSyncState(mailbox?: Mailbox): void {
    for (const target of mailbox ? [mailbox] : this.all()) target.syncEpoch++;
  }

  snapshot(message: MessageRecord): StoredMessage {
    return {
      id: message.id,
      immutableId: message.immutableId,
      folderId: message.folder.id,
      raw: message.raw,
      sha256: message.sha256,
      size: message.raw.length,
      internetMessageId: message.meta.internetMessageId,
      subject: message.meta.subject,
      isRead: message.isRead,
      categories: [...message.categories],
      receivedDateTime: message.receivedDateTime,
      changedAt: message.changedAtMs,
    };
  }

  messagesIn(mailbox: Mailbox, folder?: FolderRecord): MessageRecord[] {
    if (folder) return [...folder.messages];
    return [...mailbox.folders.values()].flatMap((f) => f.messages);
  }
}
