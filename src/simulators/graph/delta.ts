import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FolderRecord, Mailbox, MessageRecord } from './mailbox-store';
import type { ReceivedFilter } from './odata-query';

/*
 * Delta state lives in the tokens, not on the server: a token is a signed position on the
 * mailbox's change counter plus the options of the round's first request (Graph encodes query
 * options into its links the same way). Being plain base64url, a token survives clients that
 * reorder or percent-encode the query string.
 */

export type ChangeType = 'created' | 'updated' | 'deleted';

/** Options fixed by the first request of a round and carried by its links. */
export interface RoundOptions {
  select?: string[];
  top?: number;
  changeType?: ChangeType;
  received?: ReceivedFilter;
}

export interface SkipState extends RoundOptions {
  kind: 'skip';
  mailboxId: string;
  folderId: string;
  epoch: number;
  /** 0 for an initial round; otherwise the counter value of the deltaLink the round started from. */
  from: number;
  /** Counter value when the round started; the round's deltaLink resumes from here. */
  anchor: number;
  /** Counter value of the last entry served. */
  cursor: number;
  roundId: string;
}

export interface DeltaLinkState extends RoundOptions {
  kind: 'delta';
  mailboxId: string;
  folderId: string;
  epoch: number;
  seq: number;
}

export type SyncState = SkipState | DeltaLinkState;

export class SyncTokenCodec {
  private readonly key = randomBytes(32);

  encode(state: SyncState): string {
    const payload = Buffer.from(JSON.stringify(state), 'utf8');
    const mac = createHmac('sha256', this.key).update(payload).digest().subarray(0, 16);
    return `${payload.toString('base64url')}.${mac.toString('base64url')}`;
  }

  /** Undefined when the token was not issued by this simulator (or was altered). */
  decode(token: string): SyncState | undefined {
    const [payloadPart, macPart, extra] = token.trim().split('.');
    if (!payloadPart || !macPart || extra !== undefined) return undefined;
    const payload = Buffer.from(payloadPart, 'base64url');
    const mac = Buffer.from(macPart, 'base64url');
    const expected = createHmac('sha256', this.key).update(payload).digest().subarray(0, 16);
    if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) return undefined;
    try {
      return JSON.parse(payload.toString('utf8')) as SyncState;
    } catch {
      return undefined;
    }
  }
}

export type DeltaEntry = { message: MessageRecord } | { removedId: string };

export interface DeltaPage {
  entries: DeltaEntry[];
  cursor: number;
  /** False when the page is full: the client must follow a nextLink (which may yield an empty page). */
  last: boolean;
}

function firstAfter<T>(items: T[], cursor: number, seqOf: (item: T) => number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (seqOf(items[mid] as T) <= cursor) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function passesReceived(message: MessageRecord, filter: ReceivedFilter | undefined): boolean {
  if (!filter) return true;
  const at = Date.parse(message.receivedDateTime);
  return filter.op === 'ge' ? at >= filter.at : at > filter.at;
}

/**
 * One page of a round. Arrivals and departures are walked together in counter order, so a page
 * boundary is a single cursor value whatever happens to the folder between pages.
 */
export function deltaPage(
  mailbox: Mailbox,
  folder: FolderRecord,
  state: SkipState,
  pageSize: number,
  immutableIds: boolean,
): DeltaPage {
  const { from, anchor, changeType } = state;
  const includeMessage = (m: MessageRecord): boolean => {
    if (!passesReceived(m, state.received)) return false;
    if (from === 0) return true;
    if (m.changeSeq <= from || changeType === 'deleted') return false;
    if (changeType === 'created') return m.placementSeq > from;
    if (changeType === 'updated') return m.placementSeq <= from;
    return true;
  };
  const includeDeparture = (seq: number, immutableId: string): boolean => {
    if (from === 0 || seq <= from || seq > anchor) return false;
    if (changeType === 'created' || changeType === 'updated') return false;
    // With immutable ids a message that left and came back is the same id: it is reported as present.
    return !(immutableIds && mailbox.byImmutableId.get(immutableId)?.folder === folder);
  };

  const entries: DeltaEntry[] = [];
  const seen = new Set<string>();
  let i = firstAfter(folder.messages, state.cursor, (m) => m.placementSeq);
  let j = firstAfter(folder.departures, state.cursor, (d) => d.seq);
  let cursor = state.cursor;
  while (entries.length < pageSize) {
    const message = folder.messages[i];
    const departure = folder.departures[j];
    if (!message && !departure) break;
    if (message && (!departure || message.placementSeq < departure.seq)) {
      i++;
      cursor = message.placementSeq;
      if (includeMessage(message)) entries.push({ message });
    } else if (departure) {
      j++;
      cursor = departure.seq;
      const removedId = immutableIds ? departure.immutableId : departure.regularId;
      if (includeDeparture(departure.seq, departure.immutableId) && !seen.has(removedId)) {
        seen.add(removedId);
        entries.push({ removedId });
      }
    }
  }
  return { entries, cursor, last: entries.length < pageSize };
}
