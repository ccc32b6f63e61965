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
  /** Position among everything its level carries, skipped inline images included: source order. */
  order: number;
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
  bytes?: Buffer,
): Promise<ParsedMessage> {
  return parseMessage(path, {
    bodyCap: settings.bodyCap,
    ...(bytes ? { bytes } : {}),
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
  for (const record of parsed.parts) {
    switch (record.kind) {
      case 'signature':
      case 'smime-opaque':
      case 'encrypted':
        break; // part of signing or encryption: stays in the message, never a file
      case 'tnef':
        await addTnef(level, record, ctx, settings);
        break;
      case 'message':
        await addNested(level, record, ctx, settings, depth);
        break;
      default:
        await addPart(level, record, settings.options);
    }
  }
  return level;
}

/** The source-order position of the next file a level carries (in `files` or `inlineKept`). */
function nextOrder(level: MessageLevel): number {
  return level.files.length + level.inlineKept.length;
}

function baseOf(record: PartRecord, level: MessageLevel) {
  const { size, sha256, path } = record.sink;
  return { size, sha256, path, inline: false, order: nextOrder(level) };
}

/** "attachment-N.<ext>" for the next file of this level that has no usable name. */
function unnamed(level: MessageLevel, type: string, stem?: string): string {
  return fallbackName(level.files.length + 1, type, stem);
}

/** winmail.dat: the files it carries; kept whole (raw-part) when it cannot be decoded. */
async function addTnef(
  level: MessageLevel,
  record: PartRecord,
  ctx: ConversionContext,
  settings: ExtractSettings,
) {
  const { node, sink } = record;
  const where = `winmail.dat in part ${node.path || 'root'}`;
  level.tnef = true;
  const decoded =
    sink.path && sink.size <= MAX_TNEF_BYTES ? decodeTnef(await fs.readFile(sink.path)) : undefined;
  if (decoded) level.problems.push(...decoded.problems.map((p) => `${p} (${where})`));
  else level.problems.push(`${where} too large to decode`);
  // Its body only matters when the MIME message has none of its own.
  const hasOwnBody = level.parsed.bodies.length > 0;
  const carried = decoded?.valid ? decoded.files.filter((f) => f.kind !== 'body' || !hasOwnBody) : [];
  if (decoded?.valid && decoded.files.length > 0 && carried.length === 0) return; // only a body: stays
  level.remove.add(node);
  if (carried.length === 0) {
    const name = sanitizeFileName(record.name) || 'winmail.dat';
    level.files.push({
      ...baseOf(record, level),
      role: 'raw-part',
      name,
      contentType: 'application/ms-tnef',
    });
    return;
  }
  for (const file of carried) {
    const stored = settings.persist ? await ctx.writeScratch(file.data) : undefined;
    const sniffed = await sniffType(bufferByteSource(file.data));
    const decision = decideType(file.contentType ?? 'application/octet-stream', sniffed, file.name);
    const name = fixExtension(sanitizeFileName(file.name) || unnamed(level, decision.contentType), decision);
    const extracted: ExtractedFile = {
      role: 'tnef-file',
      name,
      contentType: decision.contentType,
      size: file.data.length,
      sha256: stored?.sha256 ?? createHash('sha256').update(file.data).digest('hex'),
      inline: false,
      order: nextOrder(level),
    };
    if (stored) extracted.path = stored.path;
    if (decision.declaredContentType && file.contentType)
      extracted.declaredContentType = decision.declaredContentType;
    if (file.contentId) extracted.contentId = file.contentId;
    level.files.push(extracted);
  }
}

/** message/rfc822: a file of its own, unpacked in turn down to maxNestingDepth. */
async function addNested(
  level: MessageLevel,
  record: PartRecord,
  ctx: ConversionContext,
  settings: ExtractSettings,
  depth: number,
) {
  const { node, sink } = record;
  level.remove.add(node);
  const stem = sanitizeFileName(record.name);
  const name = stem
    ? fixExtension(stem, { contentType: 'message/rfc822', fromBytes: false })
    : messageFileName((await nestedSubject(record)) ?? `attachment-${level.files.length + 1}`, '.eml');
  const file: ExtractedFile = {
    ...baseOf(record, level),
    role: 'nested-message',
    name,
    contentType: 'message/rfc822',
  };
  if (record.declaredType !== 'message/rfc822') file.declaredContentType = record.declaredType;
  if (settings.descend && sink.path && depth + 1 <= settings.options.maxNestingDepth) {
    file.nested = await extractLevel(await parseLevel(sink.path, ctx, settings), ctx, settings, depth + 1);
  }
  level.files.push(file);
}

/** Any other leaf: an attachment or a calendar part, subject to the inline policy. */
async function addPart(level: MessageLevel, record: PartRecord, options: ConversionOptions) {
  const { node, kind, sink } = record;
  const calendar = kind === 'calendar';
  const decision = decideType(record.declaredType, await sniffType(sourceOf(record)), record.name);
  const fallback = unnamed(level, decision.contentType, calendar ? 'invite' : undefined);
  const name = fixExtension(sanitizeFileName(record.name) || fallback, decision);
  const file: ExtractedFile = {
    ...baseOf(record, level),
    role: calendar ? 'calendar' : 'attachment',
    name,
    contentType: decision.contentType,
  };
  if (decision.declaredContentType) file.declaredContentType = decision.declaredContentType;
  if (record.contentId) file.contentId = record.contentId;

  if (calendar) {
    level.calendar = true;
    if (node.disposition !== 'attachment' && !level.calendarMethod) {
      level.calendarMethod = node.typeParams.get('method')?.toUpperCase() ?? (await calendarMethod(record));
    }
  }
  // Only images the HTML body shows are inline; a PDF marked inline is an attachment like any other.
  const referenced = !!record.contentId && level.parsed.cids.has(record.contentId.toLowerCase());
  if (!calendar && referenced && isImage(decision.contentType)) {
    file.inline = true;
    if (options.inline.mode === 'skip-images' && sink.size <= options.inline.maxImageBytes) {
      level.skipped.push({
        name,
        contentType: decision.contentType,
        size: sink.size,
        reason: `inline image referenced by the HTML body, ${sink.size} bytes (limit ${options.inline.maxImageBytes})`,
      });
      level.inlineKept.push(file);
      return;
    }
    // Kept as a file, and left in the message too, so the message still renders.
    level.files.push(file);
    return;
  }
  level.remove.add(node);
  level.files.push(file);
}

async function calendarMethod(record: PartRecord): Promise<string | undefined> {
  const head = await sourceOf(record).read(0, 16 * 1024);
  return /^METHOD:([A-Za-z-]+)/m.exec(head.toString('utf8'))?.[1]?.toUpperCase();
}

/**
 * With format msg an unpacked nested message is written as a .msg file: "Fwd.eml" → "Fwd.msg",
 * "notes.txt" → "notes.txt.msg"; a name that already ends in .msg keeps it ("x.msg", not "x.msg.msg").
 */
export function msgFileName(name: string): string {
  if (/\.msg$/i.test(name)) return name;
  return `${name.replace(/\.eml$/i, '')}.msg`;
}

/** Names are claimed message first, then each level's files, then nested levels: stable and unique. */
export function claimNames(level: MessageLevel, registry: NameRegistry, format: 'eml' | 'msg'): void {
  for (const file of level.files) {
    if (format === 'msg' && file.nested) file.name = msgFileName(file.name);
    file.name = registry.claim(file.name);
  }
  for (const file of level.files) if (file.nested) claimNames(file.nested, registry, format);
}
