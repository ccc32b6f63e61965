import { utf16 } from './property-bag';

/**
 * Entry IDs and search keys for SMTP addresses that live in no address book: Outlook resolves
 * Reply / Reply All and recipient look-ups through them, so a .msg without them shows the names but
 * cannot answer.
 */

/** MAPI_ONE_OFF_UID {A41F2B81-A3BE-1910-9D6E-00DD010F5402}, in its on-disk byte order. */
const ONE_OFF_PROVIDER_UID = Buffer.from('812b1fa4bea310199d6e00dd010f5402', 'hex');
/** MAPI_ONE_OFF_UNICODE | MAPI_ONE_OFF_NO_RICH_INFO (no TNEF to an internet address). */
const ONE_OFF_FLAGS = 0x8001;
const NUL16 = Buffer.alloc(2);

/** A One-Off EntryID ([MS-OXCDATA] 2.2.5.1) for an SMTP address. */
export function oneOffEntryId(displayName: string, address: string): Buffer {
  const head = Buffer.alloc(4 + 16 + 2 + 2);
  ONE_OFF_PROVIDER_UID.copy(head, 4);
  head.writeUInt16LE(0, 20);
  head.writeUInt16LE(ONE_OFF_FLAGS, 22);
  return Buffer.concat([head, utf16(displayName), NUL16, utf16('SMTP'), NUL16, utf16(address), NUL16]);
}

/** PidTagSearchKey: "ADDRTYPE:ADDRESS" upper-cased, ASCII-ish bytes, NUL-terminated. */
export function smtpSearchKey(address: string): Buffer {
  return Buffer.concat([Buffer.from(`SMTP:${address.toUpperCase()}`, 'utf8'), Buffer.alloc(1)]);
}
