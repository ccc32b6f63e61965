import { createReadStream, promises as fs } from 'node:fs';
import { classifyPart, contentId, declaredName, isSignedMultipart, type PartKind } from './classify-part';
import { MimeScanner } from './mime/mime-scanner';
import { isMultipart, type MimeNode } from './mime/mime-node';
import { PartSink, TextSink } from './part-sinks';

/**
 * One pass over a message file: the streaming scanner splits it, and each leaf's body goes where
 * its kind needs it. The result describes the message (tree, body text, cid references, leaves
 * with their sizes, hashes and scratch files); it decides nothing about output yet.
 */

export interface PartRecord {
  node: MimeNode;
  kind: PartKind;
  declaredType: string;
  name?: string;
  contentId?: string;
  sink: PartSink;
}

export interface BodyText {
  node: MimeNode;
  kind: 'body-text' | 'body-html';
  sink: TextSink;
}

export interface ParsedMessage {
  path: string;
  /** The file's bytes, when the caller had them in memory. */
  bytes?: Buffer;
  size: number;
  root: MimeNode;
  parts: PartRecord[];
  bodies: BodyText[];
  /** Lower-case Content-IDs referenced by cid: in the HTML bodies. */
  cids: Set<string>;
  /** Problems with the MIME structure or encodings (make the file doubtful for rewriting). */
  problems: string[];
  /** Signed (multipart/signed, any protocol) or opaque S/MIME: never rewritten. */
  signature?: 'smime' | 'other';
  opaqueSmime?: 'encrypted' | 'signed';
}

export interface ParseOptions {
  /** Scratch file for a part, or undefined to keep only samples of it. */
  scratchFor(kind: PartKind, node: MimeNode): string | undefined;
  /** Bytes of each body text kept in memory (the whole body for .msg, 256 KiB for facts). */
  bodyCap: number;
  /** The file's bytes, when the caller has them in memory already: the file is then not read. */
  bytes?: Buffer;
}

const READ_CHUNK = 256 * 1024;

export async function parseMessage(path: string, options: ParseOptions): Promise<ParsedMessage> {
  const parts: PartRecord[] = [];
  const bodies: BodyText[] = [];
  const cids = new Set<string>();
  const active = new Set<PartSink>();
  let signature: ParsedMessage['signature'];
  let opaqueSmime: ParsedMessage['opaqueSmime'];

  const scanner = new MimeScanner({
    onNode(node) {
      if (isMultipart(node)) {
        if (isSignedMultipart(node) && !signature) {
          const protocol = node.typeParams.get('protocol')?.toLowerCase() ?? '';
          signature = protocol.includes('pkcs7-signature') ? 'smime' : 'other';
        }
        if (node.contentType === 'multipart/encrypted' && !signature) signature = 'other';
        return undefined;
      }
      const kind = classifyPart(node);
      if (kind === 'body-text' || kind === 'body-html') {
        const sink = new TextSink(
          node.transferEncoding,
          options.bodyCap,
          kind === 'body-html' ? cids : undefined,
        );
        bodies.push({ node, kind, sink });
        return sink;
      }
      if (kind === 'smime-opaque') {
        const smimeType = node.typeParams.get('smime-type')?.toLowerCase();
        opaqueSmime = smimeType === 'signed-data' ? 'signed' : 'encrypted';
      }
      const sink = new PartSink(node.transferEncoding, options.scratchFor(kind, node));
      active.add(sink);
      const record: PartRecord = { node, kind, declaredType: node.contentType, sink };
      const name = declaredName(node);
      if (name) record.name = name;
      const cid = contentId(node);
      if (cid) record.contentId = cid;
      parts.push(record);
      return sink;
    },
  });

  const flushAll = async () => {
    for (const sink of active) {
      await sink.flush();
      if (sink.done) active.delete(sink);
    }
  };
  let size = 0;
  try {
    for await (const chunk of options.bytes ? [options.bytes] : readChunks(path)) {
      size += chunk.length;
      scanner.push(chunk);
      await flushAll();
    }
    scanner.end();
    await flushAll();
  } catch (err) {
    await Promise.all([...active].map((s) => s.abort()));
    throw err;
  }

  const problems = [...scanner.problems];
  const where = (node: MimeNode) => (node.path ? `part ${node.path}` : 'message body');
  for (const part of parts) for (const p of part.sink.problems) problems.push(`${p} in ${where(part.node)}`);
  for (const body of bodies) for (const p of body.sink.problems) problems.push(`${p} in ${where(body.node)}`);
  return {
    path,
    ...(options.bytes ? { bytes: options.bytes } : {}),
    size,
    root: scanner.root,
    parts,
    bodies,
    cids,
    problems,
    signature,
    opaqueSmime,
  };
}

/**
 * The file's bytes in chunks. Most mail is small: one read of a small file costs one system call
 * where a stream costs several, and the conversion of every message pays it.
 */
async function* readChunks(path: string): AsyncGenerator<Buffer> {
  let whole: Buffer | null = null;
  const handle = await fs.open(path, 'r');
  try {
    if ((await handle.stat()).size <= READ_CHUNK) whole = await handle.readFile();
  } finally {
    await handle.close();
  }
  if (whole) {
    if (whole.length > 0) yield whole;
    return;
  }
  yield* createReadStream(path, { highWaterMark: READ_CHUNK }) as AsyncIterable<Buffer>;
}

/** A byte range of a parsed message, from memory when the bytes were kept there. */
export function readParsedRange(parsed: ParsedMessage, start: number, end: number): Promise<Buffer> {
  if (parsed.bytes) return Promise.resolve(parsed.bytes.subarray(start, Math.max(start, end)));
  return readRange(parsed.path, start, end);
}

/** The raw header block of the message (for .msg transport headers and header rewriting). */
export async function readRange(path: string, start: number, end: number): Promise<Buffer> {
  const length = Math.max(0, end - start);
  if (length === 0) return Buffer.alloc(0);
  const handle = await fs.open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, start);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
