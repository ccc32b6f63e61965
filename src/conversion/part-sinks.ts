import { createHash, type Hash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { SampleKeeper } from './byte-source';
import type { BodySink } from './mime/mime-scanner';
import { createTransferDecoder, type TransferDecoder } from './mime/transfer-decoding';

/**
 * Where a leaf's body goes while the scanner streams the message: decoded on the fly, hashed and
 * measured, and either written to a scratch file or only sampled (first and last 64 KiB) for
 * sniffing. Writes are queued during a synchronous scanner push and performed by `flush`, which
 * the read loop awaits before reading on: that is the back-pressure keeping memory flat.
 */
export class PartSink implements BodySink {
  size = 0;
  sha256 = '';
  readonly problems: string[] = [];
  private readonly decoder: TransferDecoder;
  private readonly hash: Hash = createHash('sha256');
  private readonly sample: SampleKeeper | undefined;
  private queued: Buffer[] = [];
  private handle: fs.FileHandle | undefined;
  private ended = false;
  private closed = false;

  constructor(
    transferEncoding: string,
    /** Scratch file to write the decoded bytes to, or undefined to keep only samples. */
    readonly path: string | undefined,
  ) {
    this.decoder = createTransferDecoder(transferEncoding);
    this.sample = path ? undefined : new SampleKeeper();
  }

  write(raw: Buffer): void {
    this.accept(this.decoder.write(raw));
  }

  end(): void {
    if (this.ended) return;
    this.accept(this.decoder.end());
    this.ended = true;
    this.sha256 = this.hash.digest('hex');
    this.problems.push(...this.decoder.problems);
  }

  private accept(decoded: Buffer): void {
    if (decoded.length === 0) return;
    this.size += decoded.length;
    this.hash.update(decoded);
    if (this.path) this.queued.push(decoded);
    else this.sample?.add(decoded);
  }

  /** Writes what is queued; closes the file once the part has ended. */
  async flush(): Promise<void> {
    if (!this.path || this.closed) return;
    if (!this.handle) this.handle = await fs.open(this.path, 'w');
    if (this.queued.length > 0) {
      const data = this.queued.length === 1 ? (this.queued[0] as Buffer) : Buffer.concat(this.queued);
      this.queued = [];
      let written = 0;
      while (written < data.length) {
        const { bytesWritten } = await this.handle.write(data, written, data.length - written);
        written += bytesWritten;
      }
    }
    if (this.ended) {
      await this.handle.close();
      this.handle = undefined;
      this.closed = true;
    }
  }

  /** True once the part has ended and its file (if any) is complete and closed. */
  get done(): boolean {
    return this.ended && (!this.path || this.closed);
  }

  samples(): SampleKeeper | undefined {
    return this.sample;
  }

  /** Closes a file left open (after an error elsewhere). */
  async abort(): Promise<void> {
    await this.handle?.close().catch(() => undefined);
    this.handle = undefined;
  }
}

/**
 * A body text part (text/plain, text/html shown as the message): decoded and kept in memory up to
 * `cap` bytes, and for HTML scanned in full for cid: references (which decide whether an inline
 * image is part of the body).
 */
export class TextSink implements BodySink {
  readonly problems: string[] = [];
  private readonly decoder: TransferDecoder;
  private chunks: Buffer[] = [];
  private kept = 0;
  size = 0;
  private carry = '';

  constructor(
    transferEncoding: string,
    private readonly cap: number,
    private readonly cids: Set<string> | undefined,
  ) {
    this.decoder = createTransferDecoder(transferEncoding);
  }

  write(raw: Buffer): void {
    this.accept(this.decoder.write(raw));
  }

  end(): void {
    this.accept(this.decoder.end());
    this.scanCids('', true);
    this.problems.push(...this.decoder.problems);
  }

  private accept(decoded: Buffer): void {
    if (decoded.length === 0) return;
    this.size += decoded.length;
    if (this.kept < this.cap) {
      const take = decoded.subarray(0, this.cap - this.kept);
      this.chunks.push(Buffer.from(take));
      this.kept += take.length;
    }
    if (this.cids) this.scanCids(decoded.toString('latin1'), false);
  }

  /** Collects cid: references; a reference split between two chunks is completed by the carry. */
  private scanCids(text: string, final: boolean): void {
    const cids = this.cids;
    if (!cids) return;
    const all = this.carry + text;
    for (const m of all.matchAll(/cid:([^\s"'<>)\\]+)/gi)) {
      const ref = m[1] as string;
      let id = ref;
      try {
        id = decodeURIComponent(ref);
      } catch {
        // keep the reference as written
      }
      cids.add(id.toLowerCase());
    }
    this.carry = final ? '' : all.slice(-512);
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}
