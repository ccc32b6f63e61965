/**
 * Rewrites the directory of a finished compound file ([MS-CFB]) in place so that it is what Windows'
 * own structured storage writes, and what Outlook reads:
 * - each storage's children form a red-black tree ordered by [MS-CFB] 2.6.4 (shorter name first,
 *   then upper-cased code units). cfb 1.2.2 links the children as a right-leaning list of black
 *   nodes: a valid search order that lenient readers walk, but no red-black tree;
 * - cfb's marker stream "\u0001Sh33tJ5" in the root is unlinked and its entry freed, so readers that
 *   list every stream (msgconvert warns "Unknown FILE entry") see only the message;
 * - empty streams start at ENDOFCHAIN, as [MS-CFB] writers do, instead of sector 0.
 * It works on the bytes by the format alone (header, FAT, directory chain), not on cfb's internals.
 */

const NOSTREAM = 0xffffffff;
const ENDOFCHAIN = 0xfffffffe;
const DIR_ENTRY_SIZE = 128;
const TYPE_STORAGE = 1;
const TYPE_STREAM = 2;
const TYPE_ROOT = 5;
const RED = 0;
const BLACK = 1;
const CFB_MARKER_STREAM = '\u0001Sh33tJ5';

interface DirEntry {
  offset: number;
  name: string;
  type: number;
  left: number;
  right: number;
  child: number;
}

export function normalizeDirectory(file: Buffer): void {
  const entries = readDirectory(file);
  const root = entries[0];
  if (!root || root.type !== TYPE_ROOT) throw new Error('compound file: no root entry');
  const seen = new Set<number>([0]);
  const storages = [0];
  while (storages.length > 0) {
    const storage = storages.pop() as number;
    let children = inOrder(entries, (entries[storage] as DirEntry).child, seen);
    if (storage === 0) {
      for (const i of children.filter((c) => (entries[c] as DirEntry).name === CFB_MARKER_STREAM)) {
        freeEntry(file, entries[i] as DirEntry);
      }
      children = children.filter((c) => (entries[c] as DirEntry).name !== CFB_MARKER_STREAM);
    }
    children.sort((a, b) => compareNames((entries[a] as DirEntry).name, (entries[b] as DirEntry).name));
    const top = buildTree(file, entries, children);
    file.writeUInt32LE(top, (entries[storage] as DirEntry).offset + 0x4c);
    for (const c of children) {
      const entry = entries[c] as DirEntry;
      if (entry.type === TYPE_STORAGE) storages.push(c);
      if (entry.type === TYPE_STREAM && file.readUInt32LE(entry.offset + 0x78) === 0) {
        file.writeUInt32LE(ENDOFCHAIN, entry.offset + 0x74);
      }
    }
  }
  const root0 = root.offset;
  file.writeUInt32LE(NOSTREAM, root0 + 0x44);
  file.writeUInt32LE(NOSTREAM, root0 + 0x48);
  file.writeUInt8(BLACK, root0 + 0x43);
}

/** [MS-CFB] 2.6.4: shorter names sort first; equal lengths compare upper-cased UTF-16 code units. */
export function compareNames(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) {
    const diff = upperUnit(a.charCodeAt(i)) - upperUnit(b.charCodeAt(i));
    if (diff !== 0) return diff;
  }
  return 0;
}

/** Simple (one unit to one unit) upper-casing; units whose upper case is longer (ß) stay as they are. */
function upperUnit(unit: number): number {
  const upper = String.fromCharCode(unit).toUpperCase();
  return upper.length === 1 ? upper.charCodeAt(0) : unit;
}

/**
 * Links the sorted children as a balanced binary search tree (middle element on top). Every level
 * but the last is full, so colouring the last, partial level red and the rest black satisfies the
 * red-black rules: no red node has a red child, and every path has the same number of black nodes.
 */
function buildTree(file: Buffer, entries: DirEntry[], sorted: number[]): number {
  const fullLevels = Math.floor(Math.log2(sorted.length + 1));
  const link = (lo: number, hi: number, depth: number): number => {
    if (lo > hi) return NOSTREAM;
    const mid = (lo + hi) >>> 1;
    const index = sorted[mid] as number;
    const at = (entries[index] as DirEntry).offset;
    file.writeUInt32LE(link(lo, mid - 1, depth + 1), at + 0x44);
    file.writeUInt32LE(link(mid + 1, hi, depth + 1), at + 0x48);
    file.writeUInt8(depth >= fullLevels ? RED : BLACK, at + 0x43);
    return index;
  };
  return link(0, sorted.length - 1, 0);
}

/** The entries of one sibling tree, iteratively (cfb's list-shaped trees are as deep as they are long). */
function inOrder(entries: DirEntry[], top: number, seen: Set<number>): number[] {
  const out: number[] = [];
  const stack: number[] = [];
  let node = top;
  while (node !== NOSTREAM || stack.length > 0) {
    while (node !== NOSTREAM) {
      const entry = entries[node];
      if (!entry || seen.has(node)) throw new Error(`compound file: bad directory link ${node}`);
      seen.add(node);
      stack.push(node);
      node = entry.left;
    }
    const current = stack.pop() as number;
    out.push(current);
    node = (entries[current] as DirEntry).right;
  }
  return out;
}

function freeEntry(file: Buffer, entry: DirEntry): void {
  file.fill(0, entry.offset, entry.offset + DIR_ENTRY_SIZE);
  file.writeUInt32LE(NOSTREAM, entry.offset + 0x44);
  file.writeUInt32LE(NOSTREAM, entry.offset + 0x48);
  file.writeUInt32LE(NOSTREAM, entry.offset + 0x4c);
}

function readDirectory(file: Buffer): DirEntry[] {
  const sectorSize = 1 << file.readUInt16LE(0x1e);
  const sectorOffset = (sector: number) => (sector + 1) * sectorSize;
  const fat = readFat(file, sectorSize, sectorOffset);
  const entries: DirEntry[] = [];
  const visited = new Set<number>();
  for (let sector = file.readUInt32LE(0x30); sector !== ENDOFCHAIN; sector = fat[sector] ?? ENDOFCHAIN) {
    if (visited.has(sector) || sectorOffset(sector) + sectorSize > file.length) {
      throw new Error('compound file: broken directory chain');
    }
    visited.add(sector);
    for (let k = 0; k < sectorSize / DIR_ENTRY_SIZE; k++) {
      const offset = sectorOffset(sector) + k * DIR_ENTRY_SIZE;
      const nameBytes = Math.max(0, file.readUInt16LE(offset + 0x40) - 2);
      entries.push({
        offset,
        name: file.toString('utf16le', offset, offset + Math.min(nameBytes, 62)),
        type: file.readUInt8(offset + 0x42),
        left: file.readUInt32LE(offset + 0x44),
        right: file.readUInt32LE(offset + 0x48),
        child: file.readUInt32LE(offset + 0x4c),
      });
    }
  }
  return entries;
}

/** The FAT, from the header's 109 DIFAT slots and the DIFAT sector chain after them. */
function readFat(file: Buffer, sectorSize: number, sectorOffset: (s: number) => number): Uint32Array {
  const fatSectorCount = file.readUInt32LE(0x2c);
  const fatSectors: number[] = [];
  for (let i = 0; i < Math.min(109, fatSectorCount); i++) fatSectors.push(file.readUInt32LE(0x4c + 4 * i));
  const perSector = sectorSize / 4;
  let difat = file.readUInt32LE(0x44);
  for (
    let n = file.readUInt32LE(0x48);
    n > 0 && difat < ENDOFCHAIN && fatSectors.length < fatSectorCount;
    n--
  ) {
    const at = sectorOffset(difat);
    for (let i = 0; i < perSector - 1; i++) fatSectors.push(file.readUInt32LE(at + 4 * i));
    difat = file.readUInt32LE(at + 4 * (perSector - 1));
  }
  const used = fatSectors.slice(0, fatSectorCount);
  const fat = new Uint32Array(used.length * perSector);
  used.forEach((sector, i) => {
    const at = sectorOffset(sector);
    for (let j = 0; j < perSector; j++) fat[i * perSector + j] = file.readUInt32LE(at + 4 * j);
  });
  return fat;
}
