/**
 * What the Outlook .msg writer (MS-OXMSG) needs to know about a message: built by conversion from
 * the parsed MIME, written by write-msg.ts. Bodies and attachment bytes are in memory: the .msg
 * compound file is assembled in memory too.
 */
export interface MsgAddress {
  name?: string;
  address?: string;
}

export interface MsgRecipient extends MsgAddress {
  kind: 'to' | 'cc' | 'bcc';
}

export interface MsgFileAttachment {
  kind: 'file';
  fileName: string;
  contentType: string;
  contentId?: string;
  inline: boolean;
  data: Buffer;
}

export interface MsgEmbeddedMessage {
  kind: 'message';
  /** Display name of the attachment, e.g. "Forwarded message.msg". */
  fileName: string;
  message: MessageModel;
}

export type MsgAttachment = MsgFileAttachment | MsgEmbeddedMessage;

export interface MessageModel {
  /** IPM.Note, IPM.Note.SMIME.MultipartSigned, IPM.Note.SMIME, IPM.Schedule.Meeting.Request, … */
  messageClass: string;
  subject?: string;
  from?: MsgAddress;
  /** The Sender header when it differs from From. */
  sender?: MsgAddress;
  recipients: MsgRecipient[];
  sent?: Date;
  received?: Date;
  textBody?: string;
  htmlBody?: string;
  /** The message's RFC 822 header block, as received (PR_TRANSPORT_MESSAGE_HEADERS). */
  internetHeaders?: string;
  messageId?: string;
  importance?: 'low' | 'normal' | 'high';
  categories?: string[];
  attachments: MsgAttachment[];
}
