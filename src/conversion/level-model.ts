import { promises as fs } from 'node:fs';
import { buildMessageModel } from './build-msg-model';
import { ConversionContext } from './conversion-context';
import type { ConversionOptions } from './conversion-types';
import { normaliseOptions } from './conversion-options';
import { claimNames, extractLevel, parseLevel, type ExtractedFile, type MessageLevel } from './extract-parts';
import { messageFileName, NameRegistry } from './file-names';
import { headerBlockText } from './mime/header-fields';
import type { MimeNode } from './mime/mime-node';
import type { MessageModel, MsgAttachment } from './msg/message-model';
import { bodyString } from './message-facts';
import { readParsedRange } from './parse-message';

/**
 * Gathers what the .msg model needs from an extracted message level: bodies in full and
 * attachment bytes read into memory (the .msg compound file is built in memory: a known limit for
 * very large messages). S/MIME follows MS-OXOSMIME: a signed message carries its whole
 * multipart/signed entity as the attachment "smime.p7m", an opaque one its PKCS #7 blob.
 */

function findSigned(node: MimeNode): MimeNode | undefined {
  if (node.contentType === 'multipart/signed') return node;
  for (const child of node.children) {
    const found = findSigned(child);
    if (found) return found;
  }
  return undefined;
}

async function fileAttachment(file: ExtractedFile): Promise<MsgAttachment> {
  const attachment: MsgAttachment = {
    kind: 'file',
    fileName: file.name,
    contentType: file.contentType,
    inline: file.inline,
    data: file.path ? await fs.readFile(file.path) : Buffer.alloc(0),
  };
  if (file.contentId) attachment.contentId = file.contentId;
  return attachment;
}

/**
 * The model of one level. `embedAll`: every attachment goes into the .msg (embedded mode);
 * otherwise only what renders in the body (inline images) does, the rest being separate files.
 */
export async function modelForLevel(level: MessageLevel, embedAll: boolean): Promise<MessageModel> {
  const { parsed } = level;
  const attachments: MsgAttachment[] = [];
  let smime: 'signed' | 'encrypted' | undefined;
  const signed = parsed.signature === 'smime' ? findSigned(parsed.root) : undefined;
  if (signed) {
    smime = 'signed';
    const entity = await readParsedRange(parsed, signed.start, signed.end);
    attachments.push({
      kind: 'file',
      fileName: 'smime.p7m',
      contentType: 'multipart/signed',
      inline: false,
      data: entity,
    });
  } else if (parsed.opaqueSmime) {
    smime = parsed.opaqueSmime;
    const blob = parsed.parts.find((p) => p.kind === 'smime-opaque')?.sink.path;
    attachments.push({
      kind: 'file',
      fileName: 'smime.p7m',
      contentType: 'application/pkcs7-mime',
      inline: false,
      data: blob ? await fs.readFile(blob) : Buffer.alloc(0),
    });
  } else {
    // In the order the message has them: a skipped inline image keeps its place among the others.
    const wanted = [...level.inlineKept, ...level.files.filter((f) => embedAll || f.inline)].sort(
      (a, b) => a.order - b.order,
    );
    for (const file of wanted) {
      if (file.role === 'nested-message' && file.nested) {
        attachments.push({
          kind: 'message',
          fileName: file.name,
          message: await modelForLevel(file.nested, true),
        });
      } else attachments.push(await fileAttachment(file));
    }
  }
  const text = parsed.bodies.find((b) => b.kind === 'body-text');
  const html = parsed.bodies.find((b) => b.kind === 'body-html');
  const headerBlock = headerBlockText(
    await readParsedRange(parsed, 0, Math.min(parsed.root.bodyStart, 1024 * 1024)),
  );
  return buildMessageModel({
    headers: parsed.root.headers,
    headerBlock: headerBlock.replace(/(\r?\n)+$/, '$1'),
    textBody: text ? bodyString(text) : undefined,
    htmlBody: html ? bodyString(html) : undefined,
    smime,
    calendarMethod: level.calendarMethod,
    attachments,
  });
}

/**
 * The .msg model conversion would hand to the writer for a message file, without writing it: the
 * model building can be checked without the writer. Scratch files go to `workDir/.parts` and are
 * removed again.
 */
export async function messageModelOf(
  path: string,
  workDir: string,
  options: ConversionOptions,
): Promise<MessageModel> {
  const opts = normaliseOptions({ ...options, format: 'msg' });
  const ctx = new ConversionContext(workDir);
  await ctx.init();
  try {
    const settings = {
      options: opts,
      persist: true,
      descend: opts.maxNestingDepth > 0,
      bodyCap: Number.MAX_SAFE_INTEGER,
    };
    const level = await extractLevel(await parseLevel(path, ctx, settings), ctx, settings, 0);
    const registry = new NameRegistry();
    registry.claim(messageFileName(undefined, '.msg'));
    claimNames(level, registry, 'msg');
    return await modelForLevel(level, opts.attachments === 'embedded');
  } finally {
    await ctx.cleanup();
  }
}
