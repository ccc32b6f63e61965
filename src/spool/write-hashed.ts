import { createHash } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface HashedFile {
  path: string;
  size: number;
  sha256: string;
}

/**
 * Writes a byte stream to `path` (truncating whatever a failed attempt left), measuring and hashing
 * it on the way. Bytes are never decoded: a message's 8-bit content must reach the document
 * unchanged. Used for the spool and again when a backend copies a file, to prove it is unchanged.
 */
export async function writeHashed(
  body: Readable,
  path: string,
  options: { flush?: boolean } = {},
): Promise<HashedFile> {
  await fs.mkdir(dirname(path), { recursive: true });
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  // `flush` fsyncs before the file is closed, for writes that must survive a power cut.
  await pipeline(body, meter, createWriteStream(path, { flags: 'w', flush: options.flush ?? false }));
  return { path, size, sha256: hash.digest('hex') };
}
