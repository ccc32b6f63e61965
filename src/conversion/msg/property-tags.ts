/**
 * The MAPI property identifiers and types the .msg writer uses ([MS-OXPROPS], [MS-OXCDATA] 2.11.1).
 * A property tag is (id << 16) | type; the tag names a property's stream (`__substg1.0_TTTTPPPP`,
 * upper-case hex) and its entry in the property stream.
 */

/** Property types: only the ones the writer emits. */
export const PropType = {
  Integer32: 0x0003,
  Boolean: 0x000b,
  Object: 0x000d,
  Time: 0x0040,
  String: 0x001f,
  Binary: 0x0102,
  MultipleString: 0x101f,
} as const;
export type PropType = (typeof PropType)[keyof typeof PropType];

/** Property identifiers (the high 16 bits of a tag). */
export const PropId = {
  // Message envelope and content
  Importance: 0x0017,
  MessageClass: 0x001a,
  Subject: 0x0037,
  ClientSubmitTime: 0x0039,
  SubjectPrefix: 0x003d,
  SentRepresentingEntryId: 0x0041,
  SentRepresentingName: 0x0042,
  SentRepresentingSearchKey: 0x003b,
  SentRepresentingAddrType: 0x0064,
  SentRepresentingEmailAddress: 0x0065,
  ConversationTopic: 0x0070,
  TransportMessageHeaders: 0x007d,
  SenderEntryId: 0x0c19,
  SenderName: 0x0c1a,
  SenderSearchKey: 0x0c1d,
  SenderAddrType: 0x0c1e,
  SenderEmailAddress: 0x0c1f,
  DisplayBcc: 0x0e02,
  DisplayCc: 0x0e03,
  DisplayTo: 0x0e04,
  MessageDeliveryTime: 0x0e06,
  MessageFlags: 0x0e07,
  HasAttachments: 0x0e1b,
  NormalizedSubject: 0x0e1d,
  Body: 0x1000,
  Html: 0x1013,
  InternetMessageId: 0x1035,
  NativeBody: 0x1016,
  CreationTime: 0x3007,
  LastModificationTime: 0x3008,
  StoreSupportMask: 0x340d,
  InternetCodepage: 0x3fde,
  SenderSmtpAddress: 0x5d01,
  SentRepresentingSmtpAddress: 0x5d02,
  // Recipients
  RecipientType: 0x0c15,
  EntryId: 0x0fff,
  ObjectType: 0x0ffe,
  RowId: 0x3000,
  DisplayName: 0x3001,
  AddrType: 0x3002,
  EmailAddress: 0x3003,
  SearchKey: 0x300b,
  DisplayType: 0x3900,
  SmtpAddress: 0x39fe,
  TransmittableDisplayName: 0x3a20,
  // Attachments
  AttachSize: 0x0e20,
  AttachNumber: 0x0e21,
  AttachData: 0x3701,
  AttachExtension: 0x3703,
  AttachFilename: 0x3704,
  AttachMethod: 0x3705,
  AttachLongFilename: 0x3707,
  RenderingPosition: 0x370b,
  AttachMimeTag: 0x370e,
  AttachContentId: 0x3712,
  AttachFlags: 0x3714,
  AttachmentHidden: 0x7ffe,
} as const;

export function propTag(id: number, type: PropType): number {
  return ((id << 16) | type) >>> 0;
}

/** Eight upper-case hex digits, as stream and storage names spell numbers. */
export function hex8(n: number): string {
  return (n >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

/** PidTagImportance values ([MS-OXCMSG] 2.2.1.11). */
export const Importance = { low: 0, normal: 1, high: 2 } as const;

/** PidTagRecipientType values ([MS-OXOMSG] 2.2.3.1). */
export const RecipientType = { to: 1, cc: 2, bcc: 3 } as const;

/** PidTagMessageFlags bits ([MS-OXCMSG] 2.2.1.6): mfRead, mfHasAttach. mfUnsent stays clear. */
export const MessageFlag = { read: 0x0001, hasAttach: 0x0010 } as const;

/** PidTagStoreSupportMask: STORE_UNICODE_OK tells readers the strings are UTF-16 (PT_UNICODE). */
export const STORE_UNICODE_OK = 0x00040000;

/** PidTagNativeBody values ([MS-OXCMSG] 2.2.1.49.1): which body is the original one. */
export const NativeBody = { plain: 1, html: 3 } as const;

/** PidTagAttachMethod values ([MS-OXCMSG] 2.2.2.9). */
export const AttachMethod = { byValue: 1, embeddedMessage: 5 } as const;

/** PidTagAttachFlags: attMhtmlRef, the attachment is referenced by the HTML body (cid:). */
export const ATT_MHTML_REF = 0x00000004;

/** PidTagObjectType values. */
export const ObjectType = { mailUser: 6, attachment: 7 } as const;

/** Code page of PR_HTML's bytes: the writer always stores HTML as UTF-8. */
export const CODEPAGE_UTF8 = 65001;
