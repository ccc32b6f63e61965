import { promises as fs } from 'node:fs';

/**
 * Random access to a part's decoded bytes for content sniffing: either the file the part was
 * written to, or (when the part was not written out, as with embedded attachments) the first and
 * last bytes kept while it streamed past. Reads outside what is available return fewer bytes.
 */
export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Buffer>;
}

export function fileByteSource(path: string, size: number): ByteSource {
  return {
    size,
    async read(offset, length) {
      const wanted = Math.max(0, Math.min(length, size - offset));
      if (wanted === 0) return Buffer.alloc(0);
      const handle = await fs.open(path, 'r');
      try {
        const buffer = Buffer.alloc(wanted);
        const { bytesRead } = await handle.read(buffer, 0, wanted, offset);
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },
  };
}

export function bufferByteSource(data: Buffer): ByteSource {
  return {
    size: data.length,
    read: async (offset, length) => data.subarray(offset, offset + length),
  };
}

/** Keeps the first and last `keep` bytes of a stream for sniffing without storing the stream. */
export class SampleKeeper {
  private head: Buffer[] = [];
  private headSize = 0;
  private tail: Buffer[] = [];
  private tailSize = 0;
  private total = 0;

  constructor(private readonly keep = 64 * 1024) {}

  add(chunk: Buffer): void {
    if (this.headSize < this.keep) {
      const take = chunk.subarray(0, this.keep - this.headSize);
      this.head.push(Buffer.from(take));
      this.headSize += take.length;
    }
    this.total += chunk.length;
    this.tail.push(Buffer.from(chunk.subarray(Math.max(0, chunk.length - this.keep))));
    this.tailSize += Math.min(chunk.length, this.keep);
    while (this.tail.length > 1 && this.tailSize - (this.tail[0] as Buffer).length >= this.keep) {
      this.tailSize -= (this.tail.shift() as Buffer).length;
    }
  }

  get size(): number {
    return this.total;
  }

  source(): ByteSource {
    const head = Buffer.concat(this.head);
    const tailAll = Buffer.concat(this.tail);
    const tail = tailAll.subarray(Math.max(0, tailAll.length - this.keep));
    const total = this.total;
    const tailStart = total - tail.length;
    return {
      size: total,
      read: async (offset, length) => {
        if (offset + length <= head.length) return head.subarray(offset, offset + length);
        if (offset >= tailStart) return tail.subarray(offset - tailStart, offset - tailStart + length);
        if (offset < head.length) return head.subarray(offset);
        return Buffer.alloc(0);
      },
    };
  }

  /** The first bytes, for parsing a nested message's headers. */
  headBytes(): Buffer {
    return Buffer.concat(this.head);
  }
}
