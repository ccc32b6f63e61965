import { createHash } from 'node:crypto';
import { simpleParser, type Attachment } from 'mailparser';

/** Above this size only headers are read for message JSON (bodyPreview and body stay empty). */
export const FULL_PARSE_LIMIT = 8 * 1024 * 1024;
const CACHE_ENTRIES = 64;

export interface AttachmentInfo {
  id: string;
  kind: 'file' | 'item';
  name: string;
  contentType: string;
  size: number;
  isInline: boolean;
  contentId?: string;
  content: Buffer;
}

export interface ParsedContent {
  text: string;
  html?: string;
  attachments: AttachmentInfo[];
}

/** What every message JSON needs; small enough to keep for every stored message. */
export interface ContentSummary {
  bodyPreview: string;
  hasAttachments: boolean;
}

function declaredContentType(att: Attachment): string {
  const header = att.headers.get('content-type');
  if (header && typeof header === 'object' && 'value' in header && typeof header.value === 'string') {
    return header.value.toLowerCase();
  }
  return att.contentType;
}

/*
 * A text/calendar alternative is how Exchange receives a meeting request, not an attachment; a
 * calendar part only counts when it is explicitly disposed as one.
 */
function isBodyPart(att: Attachment): boolean {
  return att.contentType === 'text/calendar' && att.contentDisposition !== 'attachment';
}

function attachmentId(key: string, index: number): string {
  const digest = createHash('sha256').update(`${key}:${index}`).digest('base64url').slice(0, 40);
  return `AAMkAGI2TG93AAABEgAQA${digest}=`;
}

async function parse(raw: Buffer, key: string): Promise<ParsedContent> {
  const mail = await simpleParser(raw, {
    skipImageLinks: true,
    skipTextLinks: true,
    ignoreEmbedded: true,
    checksumAlgo: false,
  });
  const attachments = mail.attachments.filter((a) => !isBodyPart(a));
  return {
    text: mail.text ?? '',
    html: typeof mail.html === 'string' ? mail.html : (mail.textAsHtml ?? undefined),
    attachments: attachments.map((att, index) => {
      const contentType = declaredContentType(att);
      const item = contentType === 'message/rfc822';
      return {
        id: attachmentId(key, index),
        kind: item ? 'item' : 'file',
        name: att.filename ?? (item ? 'Attached message' : `attachment-${index + 1}`),
        contentType,
        size: att.content.length,
        isInline: att.contentDisposition === 'inline' || att.related === true,
        contentId: att.contentId ? att.contentId.replace(/^<|>$/g, '') : undefined,
        content: att.content,
      };
    }),
  };
}

function preview(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 255);
}

/** Parses message bodies lazily; the full parse is cached for a few messages only. */
export class ContentCache {
  private readonly full = new Map<string, Promise<ParsedContent>>();
  private readonly summaries = new Map<string, ContentSummary>();

  /** `key` must be stable for the stored bytes (the immutable id is). */
  content(key: string, raw: Buffer): Promise<ParsedContent> {
    const cached = this.full.get(key);
    if (cached) {
      this.full.delete(key);
      this.full.set(key, cached);
      return cached;
    }
    const pending = parse(raw, key);
    this.full.set(key, pending);
    pending.catch(() => this.full.delete(key));
    while (this.full.size > CACHE_ENTRIES) {
      const oldest = this.full.keys().next().value as string;
      this.full.delete(oldest);
    }
    return pending;
  }

  async summary(key: string, raw: Buffer, topContentType: string): Promise<ContentSummary> {
    const known = this.summaries.get(key);
    if (known) return known;
    let summary: ContentSummary;
    if (raw.length > FULL_PARSE_LIMIT) {
      summary = { bodyPreview: '', hasAttachments: topContentType === 'multipart/mixed' };
    } else {
      try {
        const parsed = await this.content(key, raw);
        summary = {
          bodyPreview: preview(parsed.text),
          hasAttachments: parsed.attachments.some((a) => !a.isInline),
        };
      } catch {
        summary = { bodyPreview: '', hasAttachments: false };
      }
    }
    this.summaries.set(key, summary);
    return summary;
  }

  forget(key: string): void {
    this.full.delete(key);
    this.summaries.delete(key);
  }
}
