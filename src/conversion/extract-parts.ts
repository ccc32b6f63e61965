import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { bufferByteSource, fileByteSource, type ByteSource } from './byte-source';
import type { ConversionContext } from './conversion-context';
import type { ConversionOptions, ConvertedFileRole, SkippedPart } from './conversion-types';
import { fallbackName, messageFileName, NameRegistry, sanitizeFileName } from './file-names';
import { displayValue, headerValue, parseHeaderBlock } from './mime/header-fields';
import type { MimeNode } from './mime/mime-node';
import { headerNotes } from './message-facts';
import { parseMessage, readRange, type ParsedMessage, type PartRecord } from './parse-message';
import { decideType, fixExtension, sniffType } from './sniff-type';
import { decodeTnef } from './tnef/decode-tnef';

/**
 * Turns one parsed message (the top level, or a nested message) into the files it carries:
 * names made safe and fitted to the sniffed type, the inline policy applied, TNEF decoded and
 * nested messages unpacked down to maxNestingDepth. Also records which MIME parts leave the
 * message file when attachments are separated.
 */

export interface ExtractedFile {
  role: ConvertedFileRole;
  /** Safe name with a fitting extension; made unique when documents are assembled. */
  name: string;
  contentType: string;
  declaredContentType?: string;
  /** Scratch file with the decoded bytes (absent in embedded .eml mode, where nothing is written). */
  path?: string;
  size: number;
  sha256: string;
  contentId?: string;
  /** Rendered in the HTML body (a cid-referenced image): it stays in the message file too. */
  inline: boolean;
  /** A nested message that was unpacked: its own level. */
  nested?: MessageLevel;
}

export interface MessageLevel {
  parsed: ParsedMessage;
  /** What the message carries, in order (skipped inline images not included). */
  files: ExtractedFile[];
  /** Inline images the policy skipped: they stay in the message (and in a .msg as inline). */
  inlineKept: ExtractedFile[];
  skipped: SkippedPart[];
  /** MIME parts whose bytes leave the message file with separate/documents. */
  remove: Set<MimeNode>;
  /** Structural problems: the message file should not be rewritten. */
  problems: string[];
  /** Header oddities (no Date, no Message-ID…): reported, harmless for rewriting. */
  notes: string[];
  tnef: boolean;
  calendar: boolean;
  /** METHOD of a text/calendar part that is the message itself (not an attachment). */
  calendarMethod?: string;
}

export interface ExtractSettings {
  options: ConversionOptions;
  /** Write every part to scratch (separate/documents, or .msg which needs the bytes). */
  persist: boolean;
  /** Parse nested messages (for unpacking, or for the .msg model). */
  descend: boolean;
  bodyCap: number;
}

/** TNEF is decoded in memory; a winmail.dat above this size is kept as it is. */
const MAX_TNEF_BYTES = 64 * 1024 * 1024;

export async function parseLevel(
  path: string,
  ctx: ConversionContext,
  settings: ExtractSettings,
): Promise<ParsedMessage> {
  return parseMessage(path, {
    bodyCap: settings.bodyCap,
    scratchFor: (kind) => {
      if (kind === 'tnef' || (settings.persist && kind !== 'signature' && kind !== 'encrypted'))
        return ctx.scratchPath();
      if (kind === 'message' && settings.descend) return ctx.scratchPath();
      return undefined;
    },
  });
}

function sourceOf(record: PartRecord): ByteSource {
  const path = record.sink.path;
  if (path) return fileByteSource(path, record.sink.size);
  return record.sink.samples()?.source() ?? bufferByteSource(Buffer.alloc(0));
}

async function nestedSubject(record: PartRecord): Promise<string | undefined> {
  const head = record.sink.path
    ? await readRange(record.sink.path, 0, 64 * 1024)
    : (record.sink.samples()?.headBytes() ?? Buffer.alloc(0));
  const m = /\r?\n\r?\n/.exec(head.toString('latin1'));
  const block = m ? head.subarray(0, m.index) : head;
  const subject = headerValue(parseHeaderBlock(block).fields, 'subject');
  return subject ? displayValue(subject) : undefined;
}

function isImage(type: string): boolean {
  return type.startsWith('image/');
}

export async function extractLevel(
  parsed: ParsedMessage,
  ctx: ConversionContext,
  settings: ExtractSettings,
  depth: number,
): Promise<MessageLevel> {
  const { options } = settings;
  const level: MessageLevel = {
    parsed,
    files: [],
    inlineKept: [],
    skipped: [],
    remove: new Set(),
    problems: [...parsed.problems],
    notes: headerNotes(parsed),
    tnef: false,
    calendar: false,
  };
  const hasOwnBody = parsed.bodies.length > 0;
  const fallback = (type: string) => fallbackName(level.files.length + 1, type);

  for (const record of parsed.parts) {
    const { node, kind, sink } = record;
    if (kind === 'signature' || kind === 'smime-opaque' || kind === 'encrypted') continue;
    const base = { size: sink.size, sha256: sink.sha256, inline: false, path: sink.path } as const;

    if (kind === 'tnef') {
      level.tnef = true;
      const decoded =
        sink.path && sink.size <= MAX_TNEF_BYTES ? decodeTnef(await fs.readFile(sink.path)) : undefined;
      const carried = decoded?.valid ? decoded.files.filter((f) => f.kind !== 'body' || !hasOwnBody) : [];
      if (decoded)
        level.problems.push(
          ...decoded.problems.map((p) => `${p} (winmail.dat in part ${node.path || 'root'})`),
        );
      if (decoded?.valid && decoded.files.length > 0 && carried.length === 0) continue; // body only: stays
      level.remove.add(node);
      if (carried.length === 0) {
        if (!decoded) level.problems.push(`winmail.dat in part ${node.path || 'root'} too large to decode`);
        const name = sanitizeFileName(record.name) || 'winmail.dat';
        level.files.push({ ...base, role: 'raw-part', name, contentType: 'application/ms-tnef' });
        continue;
      }
      for (const file of carried) {
        const stored = settings.persist ? await ctx.writeScratch(file.data) : undefined;
        const sniffed = await sniffType(bufferByteSource(file.data));
        const declared = file.contentType ?? 'application/octet-stream';
        const decision = decideType(declared, sniffed, file.name);
        const name = fixExtension(sanitizeFileName(file.name) || fallback(decision.contentType), decision);
        const extracted: ExtractedFile = {
          role: 'tnef-file',
          name,
          contentType: decision.contentType,
          size: file.data.length,
          sha256: stored?.sha256 ?? createHash('sha256').update(file.data).digest('hex'),
          inline: false,
        };
        if (stored) extracted.path = stored.path;
        if (decision.declaredContentType && file.contentType)
          extracted.declaredContentType = decision.declaredContentType;
        if (file.contentId) extracted.contentId = file.contentId;
        level.files.push(extracted);
      }
      continue;
    }

    if (kind === 'message') {
      level.remove.add(node);
      const stem = sanitizeFileName(record.name);
      const name = stem
        ? fixExtension(stem, { contentType: 'message/rfc822', fromBytes: false })
        : messageFileName((await nestedSubject(record)) ?? `attachment-${level.files.length + 1}`, '.eml');
      const file: ExtractedFile = { ...base, role: 'nested-message', name, contentType: 'message/rfc822' };
      if (record.declaredType !== 'message/rfc822') file.declaredContentType = record.declaredType;
      if (settings.descend && sink.path && depth + 1 <= options.maxNestingDepth) {
        const nestedParsed = await parseLevel(sink.path, ctx, settings);
        file.nested = await extractLevel(nestedParsed, ctx, settings, depth + 1);
      }
      level.files.push(file);
      continue;
    }

    const sniffed = await sniffType(sourceOf(record));
    const decision = decideType(record.declaredType, sniffed, record.name);
    const unnamed =
      kind === 'calendar'
        ? fallbackName(level.files.length + 1, decision.contentType, 'invite')
        : fallback(decision.contentType);
    const name = fixExtension(sanitizeFileName(record.name) || unnamed, decision);
    const file: ExtractedFile = {
      ...base,
      role: kind === 'calendar' ? 'calendar' : 'attachment',
      name,
      contentType: decision.contentType,
    };
    if (decision.declaredContentType) file.declaredContentType = decision.declaredContentType;
    if (record.contentId) file.contentId = record.contentId;

    if (kind === 'calendar') {
      level.calendar = true;
      if (node.disposition !== 'attachment' && !level.calendarMethod) {
        level.calendarMethod = node.typeParams.get('method')?.toUpperCase() ?? (await calendarMethod(record));
      }
      level.remove.add(node);
      level.files.push(file);
      continue;
    }

    const referenced = !!record.contentId && parsed.cids.has(record.contentId.toLowerCase());
    if (referenced && isImage(decision.contentType)) {
      file.inline = true;
      if (options.inline.mode === 'skip-images' && sink.size <= options.inline.maxImageBytes) {
        level.skipped.push({
          name,
          contentType: decision.contentType,
          size: sink.size,
          reason: `inline image referenced by the HTML body, ${sink.size} bytes (limit ${options.inline.maxImageBytes})`,
        });
        level.inlineKept.push(file);
        continue;
      }
      // Kept as a file, and left in the message too, so the message still renders.
      level.files.push(file);
      continue;
    }
    level.remove.add(node);
    level.files.push(file);
  }
  return level;
}

async function calendarMethod(record: PartRecord): Promise<string | undefined> {
  const head = await sourceOf(record).read(0, 16 * 1024);
  return /^METHOD:([A-Za-z-]+)/m.exec(head.toString('utf8'))?.[1]?.toUpperCase();
}

/** Names are claimed message first, then each level's files, then nested levels: stable and unique. */
export function claimNames(level: MessageLevel, registry: NameRegistry, format: 'eml' | 'msg'): void {
  for (const file of level.files) {
    if (format === 'msg' && file.nested) file.name = file.name.replace(/\.eml$/i, '') + '.msg';
    file.name = registry.claim(file.name);
  }
  for (const file of level.files) if (file.nested) claimNames(file.nested, registry, format);
}
