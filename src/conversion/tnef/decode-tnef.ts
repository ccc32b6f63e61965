import iconv from 'iconv-lite';
import { decompressRtf } from './compressed-rtf';
import { propertyInt, propertyText, PROP, PT, readProperties, type MapiProperty } from './mapi-properties';
import { ATT, isTnef, LEVEL_ATTACHMENT, LEVEL_MESSAGE, readAttributes } from './tnef-attributes';

/**
 * Decodes a TNEF stream (winmail.dat, application/ms-tnef; MS-OXTNEF) into the files it carries.
 *
 * An attachment starts at attAttachRendData. Its name is PR_ATTACH_LONG_FILENAME, else
 * PR_ATTACH_FILENAME, else attAttachTitle, else PR_DISPLAY_NAME. Its bytes are attAttachData or
 * PR_ATTACH_DATA_BIN for attachments by value; for embedded messages and OLE objects they are the
 * PR_ATTACH_DATA_OBJ object without its 16-byte interface id (an embedded message stays a TNEF
 * stream of its own: it is not decoded further). Attachments by reference carry no bytes and are
 * reported, not invented. The body is offered as one file: HTML (PR_BODY_HTML) if present, else
 * the decompressed RTF (PR_RTF_COMPRESSED), else plain text.
 */
export interface TnefFile {
  name?: string;
  data: Buffer;
  kind: 'attachment' | 'embedded-message' | 'ole-object' | 'body';
  contentType?: string;
  contentId?: string;
}

export interface TnefContent {
  /** False when the data is not TNEF at all (wrong signature). */
  valid: boolean;
  messageClass?: string;
  files: TnefFile[];
  problems: string[];
}

const METHOD_BY_VALUE = 1;
const METHOD_EMBEDDED_MESSAGE = 5;
const METHOD_OLE = 6;

interface AttachmentRecord {
  title?: string;
  data?: Buffer;
  properties: MapiProperty[];
}

function codepageDecoder(codepage: number | undefined): (bytes: Buffer) => string {
  let label = 'windows-1252';
  if (codepage === 65001) label = 'utf-8';
  else if (codepage && iconv.encodingExists(`cp${codepage}`)) label = `cp${codepage}`;
  return (bytes) => iconv.decode(bytes, label);
}

function find(props: MapiProperty[], id: number): MapiProperty | undefined {
  return props.find((p) => p.id === id);
}

function cString(data: Buffer, decode: (b: Buffer) => string): string {
  return decode(data).replace(/\0.*$/s, '').trim();
}

function bodyFile(props: MapiProperty[], decode: (b: Buffer) => string): TnefFile | undefined {
  const html = find(props, PROP.bodyHtml);
  if (html?.values[0]?.length) {
    const data =
      html.type === PT.unicode ? Buffer.from(propertyText(html, decode) ?? '', 'utf8') : html.values[0];
    return { name: 'body.html', data, kind: 'body', contentType: 'text/html' };
  }
  const rtf = find(props, PROP.rtfCompressed);
  const decompressed = rtf?.values[0] ? decompressRtf(rtf.values[0]) : undefined;
  if (decompressed?.length)
    return { name: 'body.rtf', data: decompressed, kind: 'body', contentType: 'application/rtf' };
  const text = find(props, PROP.body);
  const plain = text ? propertyText(text, decode) : undefined;
  if (plain)
    return { name: 'body.txt', data: Buffer.from(plain, 'utf8'), kind: 'body', contentType: 'text/plain' };
  return undefined;
}

function attachmentFile(record: AttachmentRecord, decode: (b: Buffer) => string): TnefFile | string {
  const props = record.properties;
  const text = (id: number) => {
    const prop = find(props, id);
    return prop ? propertyText(prop, decode) || undefined : undefined;
  };
  const name =
    text(PROP.attachLongFilename) ??
    text(PROP.attachFilename) ??
    (record.title || undefined) ??
    text(PROP.displayName);
  const methodProp = find(props, PROP.attachMethod);
  const method = (methodProp && propertyInt(methodProp)) ?? METHOD_BY_VALUE;
  const dataProp = find(props, PROP.attachDataBin);
  const propData = dataProp?.values[0];
  let data: Buffer | undefined;
  let kind: TnefFile['kind'] = 'attachment';
  if (method === METHOD_BY_VALUE) data = record.data ?? propData;
  else if (method === METHOD_EMBEDDED_MESSAGE || method === METHOD_OLE) {
    // attAttachData of these is a placeholder text ("This attachment is a MAPI 1.0 embedded
    // message…"); the object property holds the real thing.
    data = propData ?? record.data;
    kind = method === METHOD_OLE ? 'ole-object' : 'embedded-message';
  } else return `TNEF attachment "${name ?? '?'}" is a link (method ${method}), not included`;
  if (!data) return `TNEF attachment "${name ?? '?'}" has no data`;
  const file: TnefFile = { data, kind };
  if (name) file.name = name;
  const mime = text(PROP.attachMimeTag);
  if (mime) file.contentType = mime.toLowerCase();
  if (kind === 'embedded-message' && isTnef(data)) file.contentType = 'application/ms-tnef';
  const cid = text(PROP.attachContentId);
  if (cid) file.contentId = cid;
  return file;
}

export function decodeTnef(data: Buffer): TnefContent {
  if (!isTnef(data)) return { valid: false, files: [], problems: ['not a TNEF stream (bad signature)'] };
  const { attributes, problems } = readAttributes(data);
  let codepage: number | undefined;
  let messageClass: string | undefined;
  const messageProps: MapiProperty[] = [];
  const records: AttachmentRecord[] = [];
  let current: AttachmentRecord | undefined;
  const attachment = () => {
    if (!current) {
      current = { properties: [] };
      records.push(current);
    }
    return current;
  };
  const decode8 = () => codepageDecoder(codepage);

  for (const attr of attributes) {
    if (attr.level === LEVEL_MESSAGE) {
      if (attr.id === ATT.oemCodepage && attr.data.length >= 4) codepage = attr.data.readUInt32LE(0);
      else if (attr.id === ATT.messageClass) messageClass = cString(attr.data, decode8()) || undefined;
      else if (attr.id === ATT.mapiProps) {
        const parsed = readProperties(attr.data);
        messageProps.push(...parsed.properties);
        if (parsed.problem) problems.push(parsed.problem);
      }
      continue;
    }
    if (attr.level !== LEVEL_ATTACHMENT) continue;
    if (attr.id === ATT.attachRendData) {
      current = { properties: [] };
      records.push(current);
    } else if (attr.id === ATT.attachTitle) attachment().title = cString(attr.data, decode8());
    else if (attr.id === ATT.attachData) attachment().data = attr.data;
    else if (attr.id === ATT.attachment) {
      const parsed = readProperties(attr.data);
      attachment().properties.push(...parsed.properties);
      if (parsed.problem) problems.push(parsed.problem);
    }
  }

  const cpid = find(messageProps, PROP.internetCodepage) ?? find(messageProps, PROP.messageCodepage);
  const decode = codepageDecoder((cpid && propertyInt(cpid)) ?? codepage);
  const files: TnefFile[] = [];
  for (const record of records) {
    const file = attachmentFile(record, decode);
    if (typeof file === 'string') problems.push(file);
    else files.push(file);
  }
  const body = bodyFile(messageProps, decode);
  if (body) files.push(body);
  return { valid: true, messageClass, files, problems };
}
