import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { removeSpoolFile } from '../../../src/spool/remove-file';
import { writeHashed } from '../../../src/spool/write-hashed';
import { tempDir } from '../../helpers/temp-dir';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
/** A body arriving in pieces, as a download does; web streams hand out plain Uint8Arrays. */
const pieces = (data: Buffer, size: number, plain = false) =>
  Readable.from(
    Array.from({ length: Math.ceil(data.length / size) }, (_, i) => {
      const piece = data.subarray(i * size, (i + 1) * size);
      return plain ? new Uint8Array(piece) : piece;
    }),
  );

describe('writeHashed', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir('spool')));
  afterEach(() => dir.cleanup());

  it('keeps a body within keepUpTo in memory as well as on disk, byte for byte', async () => {
    const data = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7) % 256));
    const path = join(dir.path, 'a', 'b', 'small.eml');
    const file = await writeHashed(pieces(data, 1000, true), path, { keepUpTo: 5000 });
    expect(file).toMatchObject({ path, size: 5000, sha256: sha256(data) });
    expect(Buffer.isBuffer(file.bytes)).toBe(true);
    expect(file.bytes!.equals(data)).toBe(true);
    expect(readFileSync(path).equals(data)).toBe(true);
  });

  it('streams a body over keepUpTo to the file and keeps nothing in memory', async () => {
    const data = Buffer.alloc(300_000, 0xe4);
    const path = join(dir.path, 'large.eml');
    const file = await writeHashed(pieces(data, 64 * 1024), path, { keepUpTo: 100_000 });
    expect(file).toMatchObject({ size: data.length, sha256: sha256(data) });
    expect(file.bytes).toBeUndefined();
    expect(readFileSync(path).equals(data)).toBe(true);
  });

  it('writes empty bodies, durable copies and truncates what a failed attempt left', async () => {
    const path = join(dir.path, 'c', 'x.eml');
    await writeHashed(pieces(Buffer.from('a much longer first attempt'), 4), path, { keepUpTo: 1024 });
    const again = await writeHashed(pieces(Buffer.from('short'), 2), path, { flush: true });
    expect(again.size).toBe(5);
    expect(readFileSync(path, 'utf8')).toBe('short');
    const empty = await writeHashed(Readable.from([]), join(dir.path, 'c', 'empty.eml'), { keepUpTo: 10 });
    expect(empty).toMatchObject({ size: 0, sha256: sha256(Buffer.alloc(0)) });
    expect(readFileSync(empty.path)).toHaveLength(0);
  });

  it('makes a folder again when it was removed after an earlier write', async () => {
    const folder = join(dir.path, 'source-1');
    await writeHashed(pieces(Buffer.from('one'), 3), join(folder, '1.eml'), { keepUpTo: 10 });
    rmSync(folder, { recursive: true });
    await writeHashed(pieces(Buffer.from('two'), 3), join(folder, '2.eml'), { keepUpTo: 10 });
    await writeHashed(pieces(Buffer.from('three!'), 3), join(folder, '3.eml'), { keepUpTo: 2 });
    expect(readFileSync(join(folder, '2.eml'), 'utf8')).toBe('two');
    expect(readFileSync(join(folder, '3.eml'), 'utf8')).toBe('three!');
  });

  it('leaves the file behind for the caller when the body breaks off', async () => {
    const path = join(dir.path, 'broken.eml');
    const body = new Readable({
      read() {
        this.push(Buffer.from('partial'));
        this.destroy(new Error('connection reset'));
      },
    });
    await expect(writeHashed(body, path, { keepUpTo: 1 })).rejects.toThrow('connection reset');
    removeSpoolFile(path);
    removeSpoolFile(path);
    expect(() => readFileSync(path)).toThrow(/ENOENT/);
  });
});
