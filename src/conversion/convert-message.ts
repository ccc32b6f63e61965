import { errorMessage, PostroomError } from '../errors/postroom-error';
import { ConversionContext } from './conversion-context';
import {
  type ConversionFlags,
  type ConversionOptions,
  type ConversionResult,
  type ConvertedDocument,
  type ConvertedFile,
  type SkippedPart,
  type SpooledMessage,
} from './conversion-types';
import {
  claimNames,
  extractLevel,
  parseLevel,
  type ExtractedFile,
  type ExtractSettings,
  type MessageLevel,
} from './extract-parts';
import { normaliseOptions } from './conversion-options';
import { messageFileName, NameRegistry } from './file-names';
import { modelForLevel } from './level-model';
import { buildFacts } from './message-facts';
import { writeWithoutParts } from './strip-parts';

/**
 * Message conversion (issue 3): turns a spooled RFC 822 file into the documents a backend
 * delivers. The spool file is read as a stream; part bodies are decoded straight into the work
 * directory. With `embedded` and .eml the message document is the spool file itself, untouched, so
 * DKIM and S/MIME signatures still verify. Bad MIME never throws: what could be parsed is delivered
 * and flags.malformed says what was wrong. Only I/O errors throw, and a permanent PostroomError
 * when a message cannot be converted at all: MSG_WRITE_FAILED from the .msg writer (a message or
 * nested message the format cannot hold, such as more than 2048 recipients), passed on as it is,
 * or CONVERSION_FAILED.
 */

/** Body text kept in memory for facts (bodyText is cut to 64 Ki characters from it). */
const FACTS_BODY_CAP = 256 * 1024;

function isIoError(err: unknown): boolean {
  const e = err as { code?: unknown; syscall?: unknown };
  return typeof e?.syscall === 'string' || (typeof e?.code === 'string' && /^E[A-Z0-9]+$/.test(e.code));
}

export async function convertMessage(
  input: SpooledMessage,
  workDir: string,
  options: ConversionOptions,
): Promise<ConversionResult> {
  const opts = normaliseOptions(options);
  const ctx = new ConversionContext(workDir);
  await ctx.init();
  try {
    return await convert(input, ctx, opts);
  } catch (err) {
    if (err instanceof PostroomError || isIoError(err)) throw err;
    // A failure on some unforeseen input. An .eml can still be delivered exactly as received;
    // a .msg cannot be produced, which retrying will not change.
    if (opts.format === 'eml') return asReceived(input, `conversion failed: ${errorMessage(err)}`);
    throw new PostroomError('CONVERSION_FAILED', `message conversion failed: ${errorMessage(err)}`, {
      cause: err,
    });
  } finally {
    await ctx.cleanup();
  }
}

/** The message as received and nothing else, with the reason in flags.malformed. */
function asReceived(input: SpooledMessage, reason: string): ConversionResult {
  const file: ConvertedFile = {
    name: 'message.eml',
    path: input.path,
    size: input.size,
    sha256: input.sha256,
    contentType: 'message/rfc822',
    role: 'message',
  };
  return {
    documents: [{ part: '', title: '(no subject)', files: [file] }],
    facts: { to: [], cc: [], bcc: [], headers: [], attachmentNames: [], hasAttachments: false },
    flags: { malformed: [reason] },
    skipped: [],
  };
}

function collect<T>(
  level: MessageLevel,
  pick: (l: MessageLevel, chain: string[]) => T[],
  chain: string[] = [],
): T[] {
  const own = pick(level, chain);
  return own.concat(
    level.files.flatMap((f) => (f.nested ? collect(f.nested, pick, [...chain, f.name]) : [])),
  );
}

/** Whether a level's message file may be rewritten without some parts. */
function rewritable(level: MessageLevel): boolean {
  const { parsed } = level;
  return level.problems.length === 0 && !parsed.signature && !parsed.opaqueSmime && level.remove.size > 0;
}

async function convert(
  input: SpooledMessage,
  ctx: ConversionContext,
  opts: ConversionOptions,
): Promise<ConversionResult> {
  const persist = opts.attachments !== 'embedded' || opts.format === 'msg';
  const settings: ExtractSettings = {
    options: opts,
    persist,
    descend: persist && opts.maxNestingDepth > 0,
    bodyCap: opts.format === 'msg' ? Number.MAX_SAFE_INTEGER : FACTS_BODY_CAP,
  };
  const parsed = await parseLevel(input.path, ctx, settings, input.bytes);
  const top = await extractLevel(parsed, ctx, settings, 0);

  const subject = buildFacts(parsed, []).subject;
  const messageName = messageFileName(subject, opts.format === 'msg' ? '.msg' : '.eml');
  const registry = new NameRegistry();
  registry.claim(messageName);
  claimNames(top, registry, opts.format);
  const facts = buildFacts(
    parsed,
    top.files.map((f) => f.name),
  );

  const assembler = new Assembler(ctx, opts);
  const messageFile = await assembler.messageFile(top, messageName, {
    path: input.path,
    size: input.size,
    sha256: input.sha256,
  });
  const outputs = opts.attachments === 'embedded' ? [] : await assembler.attachments(top);
  const title = facts.subject?.trim() || '(no subject)';
  const documents: ConvertedDocument[] =
    opts.attachments === 'documents'
      ? [
          { part: '', title, files: [messageFile] },
          ...outputs.map((o) => ({ part: o.part, title: o.file.name, files: [o.file] })),
        ]
      : [{ part: '', title, files: [messageFile, ...outputs.map((o) => o.file)] }];

  const flags: ConversionFlags = {
    malformed: collect(top, (l, chain) =>
      [...l.problems, ...l.notes].map((p) =>
        chain.length ? `in nested message "${chain.join('" > "')}": ${p}` : p,
      ),
    ),
  };
  if (parsed.signature === 'smime') flags.smime = 'signed';
  else if (parsed.opaqueSmime) flags.smime = parsed.opaqueSmime;
  if (top.tnef) flags.tnef = true;
  if (top.calendar) flags.calendar = true;
  const skipped: SkippedPart[] = collect(top, (l) => l.skipped);
  return { documents, facts, flags, skipped };
}

interface Output {
  part: string;
  file: ConvertedFile;
}

/** Puts files in their document folders and writes the message files (.eml cut, or .msg). */
class Assembler {
  constructor(
    private readonly ctx: ConversionContext,
    private readonly opts: ConversionOptions,
  ) {}

  private get separated(): boolean {
    return this.opts.attachments !== 'embedded';
  }

  /** The message file of a level: the original, the original without its separated parts, or a .msg. */
  async messageFile(
    level: MessageLevel,
    name: string,
    original: { path: string; size: number; sha256: string },
    dir = 'message',
    inPlace = true,
  ): Promise<ConvertedFile> {
    if (this.opts.format === 'msg') {
      const model = await modelForLevel(level, !this.separated);
      const path = await this.ctx.finalPath(dir, name);
      // The .msg writer (and cfb) is loaded by sources that write .msg only (require, not import():
      // under tsx's require hook a dynamic import() would be native ESM and find no .ts file).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { writeMsgFile } = require('./msg/write-msg') as typeof import('./msg/write-msg');
      const written = await writeMsgFile(model, path);
      return {
        name,
        path,
        size: written.size,
        sha256: written.sha256,
        contentType: 'application/vnd.ms-outlook',
        role: 'message',
      };
    }
    const base = { name, contentType: 'message/rfc822', role: 'message' as const };
    if (!this.separated || !rewritable(level)) {
      // The file as received: the spool file itself (never copied), or a nested message's scratch file.
      const path = inPlace ? original.path : await this.ctx.place(original.path, dir, name);
      return { ...base, path, size: original.size, sha256: original.sha256 };
    }
    const scratch = this.ctx.scratchPath();
    const cut = await writeWithoutParts(
      level.parsed.path,
      level.parsed.size,
      level.parsed.root,
      level.remove,
      scratch,
    );
    const path = await this.ctx.place(scratch, dir, name);
    return { ...base, path, size: cut.size, sha256: cut.sha256 };
  }

  async attachments(level: MessageLevel, prefix = '', within?: string[]): Promise<Output[]> {
    const outputs: Output[] = [];
    let index = 0;
    for (const file of level.files) {
      index++;
      const part = prefix ? `${prefix}.${index}` : `att-${index}`;
      const dir = this.opts.attachments === 'documents' ? part : 'message';
      const converted = await this.place(file, dir);
      if (within) converted.within = within;
      outputs.push({ part, file: converted });
      if (file.nested)
        outputs.push(...(await this.attachments(file.nested, part, [...(within ?? []), file.name])));
    }
    return outputs;
  }

  private async place(file: ExtractedFile, dir: string): Promise<ConvertedFile> {
    if (!file.path) throw new PostroomError('CONVERSION_FAILED', `part "${file.name}" was not written out`);
    if (file.nested) {
      const message = await this.messageFile(
        file.nested,
        file.name,
        { path: file.path, size: file.size, sha256: file.sha256 },
        dir,
        false,
      );
      // What the MIME declared for the part (message/rfc822, message/global), where the file's
      // type differs: always for a .msg, for an .eml only when it was not message/rfc822.
      const declared = file.declaredContentType ?? file.contentType;
      const nested: ConvertedFile = { ...message, role: 'nested-message' };
      if (declared !== message.contentType) nested.declaredContentType = declared;
      return nested;
    }
    const path = await this.ctx.place(file.path, dir, file.name);
    const converted: ConvertedFile = {
      name: file.name,
      path,
      size: file.size,
      sha256: file.sha256,
      contentType: file.contentType,
      role: file.role,
    };
    if (file.declaredContentType) converted.declaredContentType = file.declaredContentType;
    return converted;
  }
}
