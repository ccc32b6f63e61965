import { createHash } from 'node:crypto';
import MsgReader, { type FieldsData } from '@kenjiuno/msgreader';
import { Reader, type CFolder } from '@kenjiuno/msgreader/lib/Reader';
import type { MessageModel, MsgAddress } from '../../../../src/conversion/msg/message-model';

/**
 * Both sides of the msgreader round trip in one comparable shape: `readWithMsgReader` is what
 * @kenjiuno/msgreader (an independent parser) finds in a .msg file; `expectedView` is what the writer
 * promises for a MessageModel, with its documented mappings applied (display name falls back to the
 * address, bare content ids, importance defaults to normal, …). Attachment bytes are compared as
 * length + SHA-256 so a mismatch in a 5 MB file does not print 5 MB.
 */

export interface RecipientView {
  kind: string | undefined;
  name: string | undefined;
  email: string | undefined;
  smtp: string | undefined;
}

export type AttachmentView =
  | {
      kind: 'file';
      fileName: string | undefined;
      mimeType: string | undefined;
      contentId: string | undefined;
      hidden: boolean | undefined;
      bytes: string;
    }
  | { kind: 'message'; fileName: string | undefined; message: MessageView };

export interface MessageView {
  messageClass: string | undefined;
  subject: string | undefined;
  normalizedSubject: string | undefined;
  senderName: string | undefined;
  senderEmail: string | undefined;
  senderSmtp: string | undefined;
  fromName: string | undefined;
  fromSmtp: string | undefined;
  recipients: RecipientView[];
  displayTo: string | undefined;
  displayCc: string | undefined;
  displayBcc: string | undefined;
  sent: string | undefined;
  received: string | undefined;
  textBody: string | undefined;
  htmlBody: string | undefined;
  headers: string | undefined;
  messageId: string | undefined;
  importance: number | undefined;
  categories: string[] | undefined;
  attachments: AttachmentView[];
}

export function digest(bytes: Uint8Array): string {
  return `${bytes.length}:${createHash('sha256').update(bytes).digest('hex')}`;
}

export function toArrayBuffer(file: Buffer): ArrayBuffer {
  return file.buffer.slice(file.byteOffset, file.byteOffset + file.length) as ArrayBuffer;
}

export function readWithMsgReader(file: Buffer): MessageView {
  const reader = new MsgReader(toArrayBuffer(file));
  reader.parserConfig = { includeRawProps: true };
  const fields = reader.getFileData();
  if (fields.error) throw new Error(`msgreader: ${fields.error}`);
  const cfb = new Reader(toArrayBuffer(file));
  cfb.parse();
  return view(reader, cfb.rootFolder(), cfb.rootFolder(), fields);
}

function raw(fields: FieldsData, tag: string): unknown {
  return fields.rawProps?.find((p) => p.propertyTag === tag)?.value;
}

function view(reader: MsgReader, root: CFolder, folder: CFolder, fields: FieldsData): MessageView {
  const html = fields.html;
  return {
    messageClass: fields.messageClass,
    subject: fields.subject,
    normalizedSubject: fields.normalizedSubject,
    senderName: fields.senderName,
    senderEmail: fields.senderEmail,
    senderSmtp: fields.senderSmtpAddress,
    fromName: raw(fields, '0042001f') as string | undefined,
    fromSmtp: fields.sentRepresentingSmtpAddress,
    recipients: (fields.recipients ?? []).map((r) => ({
      kind: r.recipType,
      name: r.name,
      email: r.email,
      smtp: r.smtpAddress,
    })),
    displayTo: raw(fields, '0e04001f') as string | undefined,
    displayCc: raw(fields, '0e03001f') as string | undefined,
    displayBcc: raw(fields, '0e02001f') as string | undefined,
    sent: fields.clientSubmitTime,
    received: fields.messageDeliveryTime,
    textBody: fields.body,
    htmlBody: html ? Buffer.from(html).toString('utf8') : undefined,
    headers: fields.headers,
    messageId: fields.messageId,
    importance: raw(fields, '00170003') as number | undefined,
    categories: keywords(fields, folder),
    attachments: (fields.attachments ?? []).map((a): AttachmentView => {
      if (a.innerMsgContent && a.innerMsgContentFields && a.folderId !== undefined) {
        const inner = findFolder(root, a.folderId);
        if (!inner) throw new Error(`no storage ${a.folderId}`);
        return {
          kind: 'message',
          fileName: reader.getAttachment(a).fileName,
          message: view(reader, root, inner, a.innerMsgContentFields),
        };
      }
      return {
        kind: 'file',
        fileName: a.fileName,
        mimeType: a.attachMimeTag,
        contentId: a.pidContentId,
        hidden: a.attachmentHidden,
        bytes: digest(reader.getAttachment(a).content),
      };
    }),
  };
}

/**
 * Categories: msgreader resolves the named property through `__nameid_version1.0` (so the name
 * "Keywords" proves the mapping), but does not decode multi-valued strings: the values are read from
 * their streams ([MS-OXMSG] 2.1.4.2) with msgreader's compound-file reader.
 */
function keywords(fields: FieldsData, folder: CFolder): string[] | undefined {
  const prop = fields.rawProps?.find((p) => p.propertyName === 'Keywords');
  if (!prop?.propertyTag) return undefined;
  const stream = `__substg1.0_${prop.propertyTag.toUpperCase()}`;
  const lengths = folder.readFile(stream);
  if (!lengths) throw new Error(`no length stream ${stream}`);
  const out: string[] = [];
  for (let i = 0; i < lengths.length / 4; i++) {
    const value = folder.readFile(`${stream}-${i.toString(16).toUpperCase().padStart(8, '0')}`);
    if (!value) throw new Error(`no value stream ${i} of ${stream}`);
    const length = Buffer.from(lengths).readUInt32LE(4 * i);
    if (length !== value.length) throw new Error(`length ${length} != stream ${value.length}`);
    const text = Buffer.from(value).toString('utf16le');
    if (!text.endsWith('\0')) throw new Error('multi-valued string value without terminating NUL');
    out.push(text.slice(0, -1));
  }
  return out;
}

function findFolder(folder: CFolder, dataId: number): CFolder | undefined {
  if (folder.dataId === dataId) return folder;
  for (const sub of folder.subFolders()) {
    const found = findFolder(sub, dataId);
    if (found) return found;
  }
  return undefined;
}

function displayName(a: MsgAddress): string {
  return a.name?.trim() || a.address?.trim() || '';
}

/** What msgreader should find for a model (the documented mappings of the writer). */
export function expectedView(model: MessageModel): MessageView {
  const sender = model.sender ?? model.from;
  const recipients = model.recipients.filter((r) => displayName(r) !== '');
  const names = (kind: string) =>
    recipients
      .filter((r) => r.kind === kind)
      .map(displayName)
      .join('; ');
  const prefix = model.subject === undefined ? undefined : /^\p{L}{1,3}: /u.exec(model.subject)?.[0];
  return {
    messageClass: model.messageClass,
    subject: model.subject,
    normalizedSubject: model.subject === undefined ? undefined : model.subject.slice(prefix?.length ?? 0),
    senderName: sender ? displayName(sender) || undefined : undefined,
    senderEmail: sender?.address,
    senderSmtp: sender?.address,
    fromName: model.from ? displayName(model.from) || undefined : undefined,
    fromSmtp: model.from?.address,
    recipients: recipients.map((r) => ({
      kind: r.kind,
      name: displayName(r),
      email: r.address,
      smtp: r.address,
    })),
    displayTo: names('to'),
    displayCc: names('cc'),
    displayBcc: names('bcc'),
    sent: model.sent?.toUTCString(),
    received: model.received?.toUTCString(),
    textBody: model.textBody,
    htmlBody: model.htmlBody,
    headers: model.internetHeaders,
    messageId: model.messageId,
    importance: { low: 0, normal: 1, high: 2 }[model.importance ?? 'normal'],
    categories: model.categories?.length ? model.categories : undefined,
    attachments: model.attachments.map((a): AttachmentView => {
      if (a.kind === 'message') {
        return { kind: 'message', fileName: a.fileName, message: expectedView(a.message) };
      }
      const cid = a.contentId?.replace(/^<(.*)>$/, '$1');
      return {
        kind: 'file',
        fileName: a.fileName,
        mimeType: a.contentType,
        contentId: cid,
        hidden: a.inline && cid !== undefined && (model.htmlBody ?? '').includes(`cid:${cid}`),
        bytes: digest(a.data),
      };
    }),
  };
}
