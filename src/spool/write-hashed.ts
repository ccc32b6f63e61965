import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';

export interface HashedFile {
  path: string;
  size: number;
  sha256: string;
  /**
   * The same bytes in memory, when the caller asked for them and the file is no larger than it
   * allowed: the next reader then needs no system call.
   */
  bytes?: Buffer;
}

export interface WriteHashedOptions {
  /** fsyncs before the file is closed, for writes that must survive a power cut. */
  flush?: boolean;
  /** Keeps the bytes in memory as well when the whole file is at most this long. */
  keepUpTo?: number;
}

/**
 * Folders this process has made or found: most writes go to a handful of folders, and asking again
 * each time costs system calls on every message. A folder removed meanwhile (a sweep, an operator)
 * is made again when the open fails.
 */
const knownFolders = new Set<string>();

async function openForWrite(path: string): Promise<fs.FileHandle> {
  const folder = dirname(path);
  if (!knownFolders.has(folder)) {
    await fs.mkdir(folder, { recursive: true });
    knownFolders.add(folder);
  }
  try {
    return await fs.open(path, 'w');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    knownFolders.delete(folder);
    await fs.mkdir(folder, { recursive: true });
    knownFolders.add(folder);
    return fs.open(path, 'w');
  }
}

/**
 * Writes a byte stream to `path` (truncating whatever a failed attempt left), measuring and hashing
 * it on the way. Bytes are never decoded: a message's 8-bit content must reach the document
 * unchanged. Used for the spool and again when a backend copies a file, to prove it is unchanged.
 */
export async function writeHashed(
  body: Readable,
  path: string,
  options: WriteHashedOptions = {},
): Promise<HashedFile> {
  const handle = await openForWrite(path);
  const hash = createHash('sha256');
  const keepUpTo = options.keepUpTo ?? -1;
  let kept: Buffer[] | undefined = keepUpTo >= 0 ? [] : undefined;
  let size = 0;
  try {
    // Written chunk by chunk as it arrives; awaiting each write is the backpressure on the source.
    for await (const data of body as AsyncIterable<Uint8Array>) {
      // Web streams (fetch) yield plain Uint8Arrays: seen as Buffers without copying.
      const chunk = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      hash.update(chunk);
      size += chunk.length;
      if (kept) kept = size <= keepUpTo ? (kept.push(chunk), kept) : undefined;
      let written = 0;
      while (written < chunk.length) {
        written += (await handle.write(chunk, written, chunk.length - written)).bytesWritten;
      }
    }
    if (options.flush) await handle.sync();
  } finally {
    await handle.close();
  }
  const file: HashedFile = { path, size, sha256: hash.digest('hex') };
  if (kept) file.bytes = kept.length === 1 ? kept[0] : Buffer.concat(kept, size);
  return file;
}
