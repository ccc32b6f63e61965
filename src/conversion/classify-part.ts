import type { MimeNode } from './mime/mime-node';

/**
 * What a leaf of the MIME tree is to conversion. Decided from headers alone, before the body
 * streams past, because it chooses where the body goes (memory, scratch file, samples only).
 */
export type PartKind =
  /** text/plain or text/html shown as the message (no name, not disposition attachment). */
  | 'body-text'
  | 'body-html'
  /** Any other leaf: a file the message carries. */
  | 'attachment'
  | 'calendar'
  /** application/ms-tnef (winmail.dat): decoded into the files it carries. */
  | 'tnef'
  /** message/rfc822 (forwarded mail, Graph item attachments). */
  | 'message'
  /** The signature of a multipart/signed: part of the signing, not a file. */
  | 'signature'
  /** The whole message is application/pkcs7-mime: opaque without the recipient's key. */
  | 'smime-opaque'
  /** A part of multipart/encrypted (PGP/MIME): opaque, stored only as part of the message. */
  | 'encrypted';

/** The name a part declares (RFC 2231/2047 already decoded), unsanitised. */
export function declaredName(node: MimeNode): string | undefined {
  const name = node.dispositionParams.get('filename') ?? node.typeParams.get('name');
  if (name && name.trim()) return name;
  // Some clients (Apple Mail, old Notes) only give a Content-Location.
  const location = node.headers.find((h) => h.name.toLowerCase() === 'content-location')?.value;
  const last = location?.split(/[/\\]/).pop()?.trim();
  return last && /\.[A-Za-z0-9]{1,8}$/.test(last) ? last : undefined;
}

export function contentId(node: MimeNode): string | undefined {
  const raw = node.headers.find((h) => h.name.toLowerCase() === 'content-id')?.value;
  const id = raw?.trim().replace(/^<|>$/g, '').trim();
  return id ? id : undefined;
}

export function isSignedMultipart(node: MimeNode): boolean {
  return node.contentType === 'multipart/signed';
}

export function isPkcs7Mime(type: string): boolean {
  return type === 'application/pkcs7-mime' || type === 'application/x-pkcs7-mime';
}

export function classifyPart(node: MimeNode): PartKind {
  const type = node.contentType;
  const name = declaredName(node);
  if (node.parent && isSignedMultipart(node.parent) && node.parent.children[0] !== node) return 'signature';
  if (node.parent?.contentType === 'multipart/encrypted') return 'encrypted';
  if (!node.parent && isPkcs7Mime(type)) return 'smime-opaque';
  if (!node.parent && type === 'application/octet-stream' && /^smime\.p7m$/i.test(name ?? ''))
    return 'smime-opaque';
  if (type === 'application/ms-tnef' || type === 'application/vnd.ms-tnef') return 'tnef';
  if (/^winmail\.dat$/i.test(name ?? '') && type === 'application/octet-stream') return 'tnef';
  if (type === 'message/rfc822' || type === 'message/global') return 'message';
  if (type === 'text/calendar' || type === 'application/ics') return 'calendar';
  const bodyLike = node.disposition !== 'attachment' && !name;
  if (type === 'text/plain' && bodyLike) return 'body-text';
  if (type === 'text/html' && bodyLike) return 'body-html';
  // A body part whose Content-Type was missing altogether defaults to text/plain above.
  return 'attachment';
}
