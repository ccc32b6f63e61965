import { createHash } from 'node:crypto';
import { closeSync, openSync, promises as fs, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { inFolder } from './known-folders';

export interface HashedFile {
  path: string;
  size: number;
  sha256: string;
  /**
   * The same bytes in memory, when the caller asked for them and the file is no larger than it
   * allowed: the next reader then needs no system call.
   */
  bytes?: Buffer;
  /** False when the bytes are only in memory (`writeSmall: false`): `path` names no file then. */
  written: boolean;
}

export interface WriteHashedOptions {
  /** fsyncs before the file is closed, for writes that must survive a power cut. */
  flush?: boolean;
  /**
   * A stream of at most this many bytes is gathered in memory, written in one go and returned as
   * `bytes`; a longer one is streamed to the file as it arrives. Only for files on a local disk
   * (the spool): the one write is synchronous.
   */
  keepUpTo?: number;
  /**
   * False leaves a body kept in memory unwritten, for a caller whose every reader takes the bytes
   * (saving a file creation per message); true when omitted.
   */
  writeSmall?: boolean;
}

/**
 * Small files are written with synchronous calls, as pino does for its log lines: on a local disk
 * they finish in microseconds, while each asynchronous call costs a hand-over to libuv's thread
 * pool and back, which on small virtual machines costs more than the write itself.
 */
function writeAllSync(path: string, data: Buffer): void {
  const fd = openSync(path, 'w');
  try {
    for (let written = 0; written < data.length;) {
      written += writeSync(fd, data, written, data.length - written);
    }
  } finally {
    closeSync(fd);
  }
}

async function writeAll(handle: fs.FileHandle, chunk: Buffer): Promise<void> {
  for (let written = 0; written < chunk.length;) {
    written += (await handle.write(chunk, written, chunk.length - written)).bytesWritten;
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
  const hash = createHash('sha256');
  const keepUpTo = options.keepUpTo ?? -1;
  const kept: Buffer[] = [];
  let handle: fs.FileHandle | undefined;
  let size = 0;
  /** Opens the file and writes the chunks gathered in memory so far. */
  const openFile = async (): Promise<fs.FileHandle> => {
    handle = await inFolder(dirname(path), () => fs.open(path, 'w'));
    for (const chunk of kept.splice(0)) await writeAll(handle, chunk);
    return handle;
  };
  try {
    // Awaiting each write is the backpressure on the source.
    for await (const data of body as AsyncIterable<Uint8Array>) {
      // Web streams (fetch) yield plain Uint8Arrays: seen as Buffers without copying.
      const chunk = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      hash.update(chunk);
      size += chunk.length;
      if (!handle && size <= keepUpTo) {
        kept.push(chunk);
        continue;
      }
      await writeAll(handle ?? (await openFile()), chunk);
    }
    // Nothing asked for memory (a backend's durable copy, an empty body): the asynchronous path.
    if (!handle && (options.flush || keepUpTo < 0)) await openFile();
    if (handle && options.flush) await handle.sync();
  } finally {
    await handle?.close();
  }
  const file: HashedFile = { path, size, sha256: hash.digest('hex'), written: true };
  if (!handle) {
    const bytes = kept.length === 1 ? kept[0]! : Buffer.concat(kept, size);
    file.bytes = bytes;
    if (options.writeSmall === false) file.written = false;
    else await inFolder(dirname(path), () => writeAllSync(path, bytes));
  }
  return file;
}
