import { oneOffEntryId, smtpSearchKey } from './address-ids';
import type { MessageModel, MsgAddress } from './message-model';
import { NamedPropertyRegistry, PS_PUBLIC_STRINGS } from './named-properties';
import { PropertyBag } from './property-bag';
import {
  CODEPAGE_UTF8,
  Importance,
  MessageFlag,
  NativeBody,
  PropId,
  STORE_UNICODE_OK,
} from './property-tags';
import { displayNameOf, writableRecipients } from './recipient-properties';
import { splitSubject } from './subject-prefix';
import { isHiddenInline, referencedContentIds } from './attachment-properties';

/**
 * The properties of a Message object itself ([MS-OXCMSG] 2.2.1, [MS-OXOMSG] 2.2.1): envelope,
 * bodies and the flags that make Outlook show it as a received, read message.
 */
export function messageProperties(model: MessageModel, named: NamedPropertyRegistry): PropertyBag {
  const visibleAttachments = hasVisibleAttachments(model);
  const bag = new PropertyBag()
    .setString(PropId.MessageClass, model.messageClass)
    .setInt32(PropId.Importance, Importance[model.importance ?? 'normal'])
    .setInt32(PropId.StoreSupportMask, STORE_UNICODE_OK)
    // A delivered message: read, not unsent (Outlook would otherwise open it as a draft to send).
    .setInt32(PropId.MessageFlags, MessageFlag.read | (visibleAttachments ? MessageFlag.hasAttach : 0))
    .setBoolean(PropId.HasAttachments, visibleAttachments);

  if (model.subject !== undefined) {
    const { prefix, normalized } = splitSubject(model.subject);
    bag
      .setString(PropId.Subject, model.subject)
      .setString(PropId.SubjectPrefix, prefix)
      .setString(PropId.NormalizedSubject, normalized)
      .setString(PropId.ConversationTopic, normalized);
  }

  // MAPI's "sent representing" is the author (From); "sender" is who actually sent it (Sender, or
  // From when there is no separate Sender). Outlook shows "Sender on behalf of From" when they differ.
  setAddress(bag, model.from, {
    name: PropId.SentRepresentingName,
    addrType: PropId.SentRepresentingAddrType,
    email: PropId.SentRepresentingEmailAddress,
    smtp: PropId.SentRepresentingSmtpAddress,
    entryId: PropId.SentRepresentingEntryId,
    searchKey: PropId.SentRepresentingSearchKey,
  });
  setAddress(bag, model.sender ?? model.from, {
    name: PropId.SenderName,
    addrType: PropId.SenderAddrType,
    email: PropId.SenderEmailAddress,
    smtp: PropId.SenderSmtpAddress,
    entryId: PropId.SenderEntryId,
    searchKey: PropId.SenderSearchKey,
  });

  const recipients = writableRecipients(model.recipients);
  for (const [kind, id] of [
    ['to', PropId.DisplayTo],
    ['cc', PropId.DisplayCc],
    ['bcc', PropId.DisplayBcc],
  ] as const) {
    const names = recipients.filter((r) => r.kind === kind).map(displayNameOf);
    bag.setString(id, names.join('; '));
  }

  bag
    .setTime(PropId.ClientSubmitTime, model.sent)
    .setTime(PropId.MessageDeliveryTime, model.received)
    // Creation/modification follow the message's own dates, not the clock, so the same model always
    // gives the same bytes (and the same sha256).
    .setTime(PropId.CreationTime, model.received ?? model.sent)
    .setTime(PropId.LastModificationTime, model.received ?? model.sent);

  if (model.textBody !== undefined) bag.setString(PropId.Body, model.textBody);
  if (model.htmlBody !== undefined) {
    bag
      .setBinary(PropId.Html, Buffer.from(model.htmlBody, 'utf8'))
      .setInt32(PropId.InternetCodepage, CODEPAGE_UTF8);
  }
  if (model.htmlBody !== undefined || model.textBody !== undefined) {
    bag.setInt32(PropId.NativeBody, model.htmlBody !== undefined ? NativeBody.html : NativeBody.plain);
  }
  bag
    .setString(PropId.TransportMessageHeaders, model.internetHeaders)
    .setString(PropId.InternetMessageId, model.messageId);

  const categories = (model.categories ?? []).filter((c) => c !== '');
  if (categories.length > 0) {
    // Outlook's categories: the string named property "Keywords" in PS_PUBLIC_STRINGS, PtypMultipleString.
    bag.setStrings(named.idFor(PS_PUBLIC_STRINGS, 'Keywords'), categories);
  }
  return bag;
}

/** The paperclip: inline images shown in the HTML body do not count, as in Outlook. */
function hasVisibleAttachments(model: MessageModel): boolean {
  const shown = referencedContentIds(model.htmlBody);
  return model.attachments.some((a) => !isHiddenInline(a, shown));
}

interface AddressPropIds {
  name: number;
  addrType: number;
  email: number;
  smtp: number;
  entryId: number;
  searchKey: number;
}

function setAddress(bag: PropertyBag, who: MsgAddress | undefined, ids: AddressPropIds): void {
  if (!who) return;
  const name = displayNameOf(who);
  const address = who.address?.trim() || undefined;
  if (name) bag.setString(ids.name, name);
  if (!address) return;
  bag
    .setString(ids.addrType, 'SMTP')
    .setString(ids.email, address)
    .setString(ids.smtp, address)
    .setBinary(ids.entryId, oneOffEntryId(name, address))
    .setBinary(ids.searchKey, smtpSearchKey(address));
}
