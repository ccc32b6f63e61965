/**
 * A deliberately separate, minimal reader of compound-file directories for the tests: it checks
 * what the writer's directory must be ([MS-CFB] 2.6): every storage's children a red-black tree in
 * [MS-CFB] 2.6.4 order, every allocated entry reachable exactly once.
 */

export interface InspectedEntry {
  index: number;
  name: string;
  type: number;
  color: number;
  left: number;
  right: number;
  child: number;
  start: number;
  size: number;
}

const NOSTREAM = 0xffffffff;
const ENDOFCHAIN = 0xfffffffe;

export function readEntries(file: Buffer): InspectedEntry[] {
  expect(file.subarray(0, 8).toString('hex')).toBe('d0cf11e0a1b11ae1');
  expect(file.readUInt16LE(0x1a)).toBe(3); // version 3: 512-byte sectors
  const sectorSize = 512;
  const at = (sector: number) => (sector + 1) * sectorSize;
  const fatSectors: number[] = [];
  const fatCount = file.readUInt32LE(0x2c);
  for (let i = 0; i < Math.min(109, fatCount); i++) fatSectors.push(file.readUInt32LE(0x4c + 4 * i));
  for (let d = file.readUInt32LE(0x44); fatSectors.length < fatCount && d !== ENDOFCHAIN;) {
    for (let i = 0; i < 127 && fatSectors.length < fatCount; i++)
      fatSectors.push(file.readUInt32LE(at(d) + 4 * i));
    d = file.readUInt32LE(at(d) + 508);
  }
  const next = (sector: number) => {
    const fatSector = fatSectors[Math.floor(sector / 128)] as number;
    return file.readUInt32LE(at(fatSector) + 4 * (sector % 128));
  };
  const entries: InspectedEntry[] = [];
  for (let s = file.readUInt32LE(0x30); s !== ENDOFCHAIN; s = next(s)) {
    for (let k = 0; k < 4; k++) {
      const o = at(s) + 128 * k;
      const nameLength = file.readUInt16LE(o + 0x40);
      entries.push({
        index: entries.length,
        name: file.toString('utf16le', o, o + Math.max(0, nameLength - 2)),
        type: file.readUInt8(o + 0x42),
        color: file.readUInt8(o + 0x43),
        left: file.readUInt32LE(o + 0x44),
        right: file.readUInt32LE(o + 0x48),
        child: file.readUInt32LE(o + 0x4c),
        start: file.readUInt32LE(o + 0x74),
        size: file.readUInt32LE(o + 0x78),
      });
    }
  }
  return entries;
}

function cfbOrder(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  const ua = a.toUpperCase();
  const ub = b.toUpperCase();
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

/**
 * Checks one storage's sibling tree and returns its members in order. Red-black rules: the top is
 * black, a red node has no red child, every path to a leaf passes the same number of black nodes.
 */
function checkTree(entries: InspectedEntry[], top: number, seen: Set<number>): InspectedEntry[] {
  const out: InspectedEntry[] = [];
  const walk = (i: number, parentRed: boolean): number => {
    if (i === NOSTREAM) return 1;
    const e = entries[i];
    if (!e) throw new Error(`link to missing entry ${i}`);
    if (seen.has(i)) throw new Error(`entry ${i} reached twice`);
    seen.add(i);
    const red = e.color === 0;
    if (red && parentRed) throw new Error(`red entry ${e.name} under a red parent`);
    const leftHeight = walk(e.left, red);
    out.push(e);
    const rightHeight = walk(e.right, red);
    if (leftHeight !== rightHeight) throw new Error(`black heights differ under ${e.name}`);
    return leftHeight + (red ? 0 : 1);
  };
  if (top !== NOSTREAM && entries[top]?.color === 0) throw new Error('red top of a sibling tree');
  walk(top, false);
  for (let i = 1; i < out.length; i++) {
    if (cfbOrder((out[i - 1] as InspectedEntry).name, (out[i] as InspectedEntry).name) >= 0) {
      throw new Error(`siblings out of order: ${out[i - 1]?.name} / ${out[i]?.name}`);
    }
  }
  return out;
}

/** Every storage's children as paths, after checking all trees; throws on any violation. */
export function checkDirectory(file: Buffer): Map<string, InspectedEntry> {
  const entries = readEntries(file);
  const root = entries[0] as InspectedEntry;
  expect(root.type).toBe(5);
  const seen = new Set<number>([0]);
  const paths = new Map<string, InspectedEntry>();
  const pending: Array<[InspectedEntry, string]> = [[root, '']];
  while (pending.length > 0) {
    const [storage, path] = pending.pop() as [InspectedEntry, string];
    for (const child of checkTree(entries, storage.child, seen)) {
      const childPath = path + child.name;
      paths.set(childPath, child);
      if (child.type === 1) pending.push([child, `${childPath}/`]);
    }
  }
  const unreachable = entries.filter((e) => e.type !== 0 && !seen.has(e.index));
  expect(unreachable.map((e) => e.name)).toEqual([]);
  return paths;
}
