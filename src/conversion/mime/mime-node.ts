import type { HeaderField } from './header-fields';
import { headerValue } from './header-fields';
import { normaliseMediaType, parseStructured } from './header-params';

/**
 * One entity of a MIME tree as the streaming scanner found it: its headers and where it sits in
 * the file. Offsets let conversion copy or drop whole parts byte-exactly without re-serialising.
 */
export interface MimeNode {
  /** '' for the message itself, then '1', '1.2', … (structural position). */
  path: string;
  parent?: MimeNode;
  children: MimeNode[];
  headers: HeaderField[];
  /** 'type/subtype', lower-case; defaulted (text/plain, message/rfc822 in a digest) when absent. */
  contentType: string;
  typeParams: Map<string, string>;
  /** 'attachment', 'inline', … lower-case; '' when there is no Content-Disposition. */
  disposition: string;
  dispositionParams: Map<string, string>;
  /** Lower-case Content-Transfer-Encoding, '' when absent. */
  transferEncoding: string;
  /** First byte of the entity's headers. */
  start: number;
  /** First byte of the body. */
  bodyStart: number;
  /** End of the body (exclusive): the line break before the next delimiter belongs to the delimiter. */
  end: number;
  /**
   * Where dropping this part from its multipart begins: the line break before its delimiter line
   * (or the delimiter line itself when nothing precedes it). [removeFrom, end) can be cut out and
   * the multipart stays well-formed.
   */
  removeFrom: number;
  /** Multipart only: whether its closing delimiter was seen. */
  closed: boolean;
}

export function createNode(path: string, start: number, parent?: MimeNode): MimeNode {
  return {
    path,
    parent,
    children: [],
    headers: [],
    contentType: 'text/plain',
    typeParams: new Map(),
    disposition: '',
    dispositionParams: new Map(),
    transferEncoding: '',
    start,
    bodyStart: start,
    end: start,
    removeFrom: start,
    closed: false,
  };
}

/** Fills in the content fields from the node's headers; returns problems found. */
export function applyHeaders(node: MimeNode, headers: HeaderField[]): string[] {
  const problems: string[] = [];
  node.headers = headers;
  const inDigest = node.parent?.contentType === 'multipart/digest';
  const fallback = inDigest ? 'message/rfc822' : 'text/plain';
  const rawType = headerValue(headers, 'content-type');
  const ct = parseStructured(rawType);
  const media = normaliseMediaType(ct.value, fallback);
  if (!media.valid) problems.push(`invalid Content-Type "${ct.value}" in part ${node.path || 'root'}`);
  node.contentType = media.type;
  node.typeParams = ct.params;
  const cd = parseStructured(headerValue(headers, 'content-disposition'));
  node.disposition = cd.value;
  node.dispositionParams = cd.params;
  node.transferEncoding = (headerValue(headers, 'content-transfer-encoding') ?? '')
    .replace(/[;\s].*$/, '')
    .trim()
    .toLowerCase();
  return problems;
}

export function isMultipart(node: MimeNode): boolean {
  return node.contentType.startsWith('multipart/');
}

export function describePart(node: MimeNode): string {
  return node.path ? `part ${node.path}` : 'message body';
}
