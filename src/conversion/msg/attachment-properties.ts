import type { MsgAttachment, MsgEmbeddedMessage, MsgFileAttachment } from './message-model';
import { PropertyBag } from './property-bag';
import { ATT_MHTML_REF, AttachMethod, ObjectType, PropId } from './property-tags';
import { fileExtension, shortFileName } from './short-file-name';

/** One attachment storage's own properties ([MS-OXCMSG] 2.2.2); the data goes in separately. */

/** PidTagAttachContentId holds the bare id: MIME's angle brackets are not part of it. */
export function bareContentId(contentId: string | undefined): string | undefined {
  const bare = contentId?.trim().replace(/^<(.*)>$/, '$1');
  return bare || undefined;
}

/**
 * The content ids an HTML body shows ("cid:" URLs, [RFC 2392], percent-decoded), lower-cased. Built
 * once per message: checking each attachment against the whole body would cost attachments × body.
 */
export function referencedContentIds(htmlBody: string | undefined): ReadonlySet<string> {
  const ids = new Set<string>();
  for (const match of (htmlBody ?? '').matchAll(/cid:([^\s"'<>)]+)/gi)) {
    const raw = match[1] as string;
    ids.add(raw.toLowerCase());
    try {
      ids.add(decodeURIComponent(raw).toLowerCase());
    } catch {
      // a stray '%' that is no escape: the raw form is all there is
    }
  }
  return ids;
}

/**
 * Outlook hides an attachment (PidTagAttachmentHidden) when the HTML body shows it. Only an inline
 * part whose content id the HTML actually references counts: an "inline" part nobody references
 * would otherwise vanish from the reader's view altogether.
 */
export function isHiddenInline(attachment: MsgAttachment, shownIds: ReadonlySet<string>): boolean {
  if (attachment.kind !== 'file' || !attachment.inline) return false;
  const cid = bareContentId(attachment.contentId);
  return cid !== undefined && shownIds.has(cid.toLowerCase());
}

function commonProperties(index: number, method: number): PropertyBag {
  return new PropertyBag()
    .setInt32(PropId.AttachNumber, index)
    .setInt32(PropId.ObjectType, ObjectType.attachment)
    .setInt32(PropId.AttachMethod, method)
    .setInt32(PropId.RenderingPosition, 0xffffffff); // not placed in an RTF body
}

export function fileAttachmentProperties(
  attachment: MsgFileAttachment,
  index: number,
  shownIds: ReadonlySet<string>,
): PropertyBag {
  const bag = commonProperties(index, AttachMethod.byValue);
  const name = attachment.fileName;
  if (name) {
    bag
      .setString(PropId.DisplayName, name)
      .setString(PropId.AttachLongFilename, name)
      .setString(PropId.AttachFilename, shortFileName(name, index))
      .setString(PropId.AttachExtension, fileExtension(name));
  }
  const hidden = isHiddenInline(attachment, shownIds);
  return bag
    .setString(PropId.AttachMimeTag, attachment.contentType || undefined)
    .setString(PropId.AttachContentId, bareContentId(attachment.contentId))
    .setInt32(PropId.AttachFlags, hidden ? ATT_MHTML_REF : 0)
    .setBoolean(PropId.AttachmentHidden, hidden)
    .setInt32(PropId.AttachSize, attachment.data.length)
    .setBinary(PropId.AttachData, attachment.data);
}

/**
 * An embedded message (afEmbeddedMessage). Outlook lists it under PidTagDisplayName, which carries no
 * ".msg"; readers that save it (msgreader) add the extension back. The long file name keeps the
 * model's name for readers that only look there (msgconvert).
 */
export function embeddedAttachmentProperties(attachment: MsgEmbeddedMessage, index: number): PropertyBag {
  const name = attachment.fileName;
  const displayName = name.replace(/\.(msg|eml)$/i, '') || name;
  return commonProperties(index, AttachMethod.embeddedMessage)
    .setString(PropId.DisplayName, displayName || undefined)
    .setString(PropId.AttachLongFilename, name || undefined)
    .setInt32(PropId.AttachFlags, 0)
    .setBoolean(PropId.AttachmentHidden, false)
    .setObject(PropId.AttachData);
}
