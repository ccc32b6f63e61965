import {
  embeddedAttachmentProperties,
  fileAttachmentProperties,
  referencedContentIds,
} from './attachment-properties';
import type { MessageModel } from './message-model';
import { messageProperties } from './message-properties';
import { NAMEID_STORAGE, NamedPropertyRegistry } from './named-properties';
import { substgName, type PropertyStreamKind, type StreamEntry } from './property-bag';
import { hex8, propTag, PropId, PropType } from './property-tags';
import { recipientProperties, writableRecipients } from './recipient-properties';

/**
 * Lays a MessageModel out as the storages and streams of a .msg file ([MS-OXMSG] 2.2): the message's
 * property streams at the root, one `__recip_version1.0_#N` storage a recipient, one
 * `__attach_version1.0_#N` storage an attachment, an embedded message as a full message (its own
 * recipients and attachments) inside its attachment's `__substg1.0_3701000D` storage, and the one
 * named property mapping storage at the top.
 */

/** [MS-OXMSG] 2.2.1 and 2.2.2: a .msg holds at most 2048 recipient and 2048 attachment storages. */
export const MAX_RECIPIENTS = 2048;
export const MAX_ATTACHMENTS = 2048;

export class MsgLayoutError extends Error {
  override readonly name = 'MsgLayoutError';
}

/** Every stream of the file, by '/'-separated path below the root storage. */
export function layoutMessage(model: MessageModel): StreamEntry[] {
  const named = new NamedPropertyRegistry();
  const entries: StreamEntry[] = [];
  addMessage(entries, '', model, 'top-level', named, new Set());
  // Named ids are handed out while the messages are laid out, so the mapping comes last.
  for (const stream of named.serialize()) {
    entries.push({ name: `${NAMEID_STORAGE}/${stream.name}`, content: stream.content });
  }
  return entries;
}

function addMessage(
  entries: StreamEntry[],
  prefix: string,
  model: MessageModel,
  kind: PropertyStreamKind,
  named: NamedPropertyRegistry,
  ancestors: Set<MessageModel>,
): void {
  if (ancestors.has(model)) throw new MsgLayoutError('an embedded message contains itself');
  if (!model.messageClass) throw new MsgLayoutError('a message has no message class');
  const recipients = writableRecipients(model.recipients);
  if (recipients.length > MAX_RECIPIENTS) {
    throw new MsgLayoutError(`${recipients.length} recipients: a .msg holds at most ${MAX_RECIPIENTS}`);
  }
  if (model.attachments.length > MAX_ATTACHMENTS) {
    throw new MsgLayoutError(
      `${model.attachments.length} attachments: a .msg holds at most ${MAX_ATTACHMENTS}`,
    );
  }
  const inside = new Set(ancestors).add(model);

  const counts = { recipients: recipients.length, attachments: model.attachments.length };
  add(entries, prefix, messageProperties(model, named).serialize(kind, counts));

  recipients.forEach((recipient, i) => {
    const bag = recipientProperties(recipient, i);
    if (bag)
      add(entries, `${prefix}__recip_version1.0_#${hex8(i)}/`, bag.serialize('recipient-or-attachment'));
  });

  const shownIds = referencedContentIds(model.htmlBody);
  model.attachments.forEach((attachment, i) => {
    const storage = `${prefix}__attach_version1.0_#${hex8(i)}/`;
    if (attachment.kind === 'file') {
      const bag = fileAttachmentProperties(attachment, i, shownIds);
      add(entries, storage, bag.serialize('recipient-or-attachment'));
    } else {
      add(entries, storage, embeddedAttachmentProperties(attachment, i).serialize('recipient-or-attachment'));
      const objectStorage = `${storage}${substgName(propTag(PropId.AttachData, PropType.Object))}/`;
      addMessage(entries, objectStorage, attachment.message, 'embedded', named, inside);
    }
  });
}

function add(entries: StreamEntry[], prefix: string, streams: StreamEntry[]): void {
  for (const stream of streams) entries.push({ name: prefix + stream.name, content: stream.content });
}
