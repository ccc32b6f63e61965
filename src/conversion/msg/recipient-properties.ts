import { oneOffEntryId, smtpSearchKey } from './address-ids';
import type { MsgAddress, MsgRecipient } from './message-model';
import { PropertyBag } from './property-bag';
import { ObjectType, PropId, RecipientType } from './property-tags';

/**
 * One recipient storage's properties ([MS-OXMSG] 2.2.1, [MS-OXOMSG] 2.2.3). All recipients are
 * one-off SMTP recipients: the addresses come from MIME, not from an Exchange directory.
 */

/**
 * The name Outlook shows: the display name, else the address (what Outlook itself does for a bare
 * address). PidTagDisplayTo/Cc/Bcc are built from the same names, and readers such as msgconvert
 * find the recipient rows by matching the two.
 */
export function displayNameOf(address: MsgAddress): string {
  return address.name?.trim() || address.address?.trim() || '';
}

/** Undefined for a recipient with neither name nor address: there is nothing to write for it. */
export function recipientProperties(recipient: MsgRecipient, rowId: number): PropertyBag | undefined {
  const displayName = displayNameOf(recipient);
  const address = recipient.address?.trim() || undefined;
  if (!displayName) return undefined;
  const bag = new PropertyBag()
    .setInt32(PropId.RowId, rowId)
    .setInt32(PropId.RecipientType, RecipientType[recipient.kind])
    .setInt32(PropId.ObjectType, ObjectType.mailUser)
    .setInt32(PropId.DisplayType, 0) // DT_MAILUSER
    .setString(PropId.DisplayName, displayName)
    .setString(PropId.TransmittableDisplayName, displayName);
  if (address) {
    bag
      .setString(PropId.AddrType, 'SMTP')
      .setString(PropId.EmailAddress, address)
      .setString(PropId.SmtpAddress, address)
      .setBinary(PropId.EntryId, oneOffEntryId(displayName, address))
      .setBinary(PropId.SearchKey, smtpSearchKey(address));
  }
  return bag;
}

/** The recipients that get a storage, in model order, each with the row id it is written with. */
export function writableRecipients(recipients: MsgRecipient[]): MsgRecipient[] {
  return recipients.filter((r) => displayNameOf(r) !== '');
}
