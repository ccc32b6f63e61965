import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isMultipart, type MimeNode } from './mime/mime-node';
import { readRange } from './parse-message';

/**
 * Writes a message without some of its parts, for `separate` and `documents`. Nothing is
 * re-serialised: the output is the original bytes with the cut parts' byte ranges left out (a part
 * runs from the line break before its delimiter to the line break before the next one, so the
 * multipart stays well-formed). Every header, boundary and kept part is byte-identical.
 *
 * Two cases need new bytes: a multipart left without children gets an empty text/plain part (an
 * empty multipart is invalid), and a message whose only body is itself the removed part (a bare
 * PDF sent as the message body) gets its Content-* headers replaced by an empty text/plain body.
 */

type Segment = { from: number; to: number } | Buffer;

const CONTENT_FIELDS =
  /^(content-type|content-transfer-encoding|content-disposition|content-id|content-description|content-location|content-md5)\s*:/i;

/** The nodes to cut: a multipart whose children all go is cut whole (unless it is the root). */
function effectiveCuts(root: MimeNode, remove: Set<MimeNode>): { cuts: MimeNode[]; emptied: MimeNode[] } {
  const cuts: MimeNode[] = [];
  const emptied: MimeNode[] = [];
  const visit = (node: MimeNode): boolean => {
    if (remove.has(node)) return true;
    if (!isMultipart(node) || node.children.length === 0) return false;
    const gone = node.children.map(visit);
    if (gone.every(Boolean) && node.parent) return true;
    if (gone.every(Boolean)) emptied.push(node);
    node.children.forEach((child, i) => {
      if (gone[i]) cuts.push(child);
    });
    return false;
  };
  if (visit(root)) return { cuts: [root], emptied: [] };
  return { cuts, emptied };
}

function replaceContentHeaders(block: Buffer, eol: string): Buffer {
  const text = block.toString('latin1');
  const lines = text.split(/(?<=\n)/);
  const kept: string[] = [];
  let dropping = false;
  for (const line of lines) {
    if (/^[ \t]/.test(line)) {
      if (!dropping) kept.push(line);
      continue;
    }
    if (line.trim() === '') continue; // the blank line ending the block is written below
    dropping = CONTENT_FIELDS.test(line);
    if (!dropping) kept.push(line);
  }
  return Buffer.from(`${kept.join('')}Content-Type: text/plain; charset=us-ascii${eol}${eol}`, 'latin1');
}

export async function writeWithoutParts(
  path: string,
  size: number,
  root: MimeNode,
  remove: Set<MimeNode>,
  outPath: string,
): Promise<{ size: number; sha256: string }> {
  const headerBlock = await readRange(path, 0, Math.min(root.bodyStart, 1024 * 1024));
  const eol = headerBlock.includes('\r\n') ? '\r\n' : '\n';
  const { cuts, emptied } = effectiveCuts(root, remove);
  let segments: Segment[];
  if (cuts.length === 1 && cuts[0] === root) {
    segments = [replaceContentHeaders(headerBlock, eol)];
  } else {
    const ranges = cuts.map((n) => ({ from: n.removeFrom, to: n.end })).sort((a, b) => a.from - b.from);
    // A multipart that lost every child keeps one empty text part where its first child was.
    const inserts = new Map<number, Buffer>();
    for (const node of emptied) {
      const first = node.children[0];
      if (!first) continue;
      const boundary = node.typeParams.get('boundary') ?? '';
      const part = `${eol}--${boundary}${eol}Content-Type: text/plain; charset=us-ascii${eol}${eol}`;
      inserts.set(first.removeFrom, Buffer.from(part, 'latin1'));
    }
    segments = [];
    let cursor = 0;
    for (const range of ranges) {
      if (range.from > cursor) segments.push({ from: cursor, to: range.from });
      const insert = inserts.get(range.from);
      if (insert) segments.push(insert);
      cursor = Math.max(cursor, range.to);
    }
    segments.push({ from: cursor, to: size });
  }
  return writeSegments(path, segments, outPath);
}

async function writeSegments(
  path: string,
  segments: Segment[],
  outPath: string,
): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let total = 0;
  async function* bytes(): AsyncGenerator<Buffer> {
    for (const segment of segments) {
      if (Buffer.isBuffer(segment)) {
        yield segment;
        continue;
      }
      if (segment.to <= segment.from) continue;
      yield* createReadStream(path, { start: segment.from, end: segment.to - 1, highWaterMark: 256 * 1024 });
    }
  }
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      total += chunk.length;
      callback(null, chunk);
    },
  });
  await pipeline(Readable.from(bytes()), meter, createWriteStream(outPath));
  return { size: total, sha256: hash.digest('hex') };
}
