import { outlookNameCrc32 } from './name-crc32';
import type { StreamEntry } from './property-bag';

/**
 * Named properties (ids 0x8000 and up) and the named property mapping storage `__nameid_version1.0`
 * that maps those ids to (property set GUID, name) ([MS-OXMSG] 2.2.3). One registry serves the whole
 * file: embedded messages have no mapping storage of their own and use the top-level one.
 */

export const NAMEID_STORAGE = '__nameid_version1.0';

/** PS_PUBLIC_STRINGS {00020329-0000-0000-C000-000000000046}: home of Keywords (categories). */
export const PS_PUBLIC_STRINGS = '00020329-0000-0000-c000-000000000046';
/** PS_MAPI {00020328-0000-0000-C000-000000000046}. */
export const PS_MAPI = '00020328-0000-0000-c000-000000000046';

/** GUID indices 1 and 2 are fixed for PS_MAPI and PS_PUBLIC_STRINGS; others follow from 3. */
const FIXED_GUID_INDEX = new Map([
  [PS_MAPI, 1],
  [PS_PUBLIC_STRINGS, 2],
]);
const FIRST_NAMED_ID = 0x8000;
/** Number of name-to-ID mapping streams ([MS-OXMSG] 2.2.3.1.2). */
const MAPPING_STREAM_COUNT = 0x1f;

interface NamedEntry {
  guidIndex: number;
  /** A string name, or a numeric long ID (LID). */
  name: string | number;
  propertyIndex: number;
}

export class NamedPropertyRegistry {
  private readonly entries: NamedEntry[] = [];
  private readonly customGuids: string[] = [];

  /** The property id (0x8000 + index) of a named property, allocating one on first use. */
  idFor(propertySet: string, name: string | number): number {
    const guidIndex = this.guidIndex(propertySet.toLowerCase());
    let entry = this.entries.find((e) => e.guidIndex === guidIndex && e.name === name);
    if (!entry) {
      entry = { guidIndex, name, propertyIndex: this.entries.length };
      this.entries.push(entry);
    }
    return FIRST_NAMED_ID + entry.propertyIndex;
  }

  /** The streams of `__nameid_version1.0`, always present (possibly empty), as readers expect. */
  serialize(): StreamEntry[] {
    const guids = Buffer.concat(this.customGuids.map(guidBytes));
    const entryStream = Buffer.alloc(8 * this.entries.length);
    const strings: Buffer[] = [];
    let stringOffset = 0;
    const buckets = new Map<number, Buffer[]>();
    this.entries.forEach((entry, i) => {
      const kind = typeof entry.name === 'string' ? 1 : 0;
      const indexAndKind = ((entry.propertyIndex << 16) | (entry.guidIndex << 1) | kind) >>> 0;
      let key: number;
      let hashInput: number;
      if (typeof entry.name === 'string') {
        // String stream entry: byte length, UTF-16LE name (no NUL), padded to a multiple of 4.
        const nameBytes = Buffer.from(entry.name, 'utf16le');
        const record = Buffer.alloc(4 + nameBytes.length + ((4 - (nameBytes.length % 4)) % 4));
        record.writeUInt32LE(nameBytes.length, 0);
        nameBytes.copy(record, 4);
        key = stringOffset;
        stringOffset += record.length;
        strings.push(record);
        hashInput = outlookNameCrc32(nameBytes);
      } else {
        key = entry.name >>> 0;
        hashInput = key;
      }
      entryStream.writeUInt32LE(key, 8 * i);
      entryStream.writeUInt32LE(indexAndKind, 8 * i + 4);
      // Name-to-ID mapping stream: the same index/kind word, keyed by the LID or the name's CRC.
      const streamId =
        0x1000 + (((hashInput ^ ((entry.guidIndex << 1) | kind)) >>> 0) % MAPPING_STREAM_COUNT);
      const record = Buffer.alloc(8);
      record.writeUInt32LE(hashInput, 0);
      record.writeUInt32LE(indexAndKind, 4);
      buckets.set(streamId, [...(buckets.get(streamId) ?? []), record]);
    });
    const streams: StreamEntry[] = [
      { name: '__substg1.0_00020102', content: guids },
      { name: '__substg1.0_00030102', content: entryStream },
      { name: '__substg1.0_00040102', content: Buffer.concat(strings) },
    ];
    for (const [streamId, records] of [...buckets].sort((a, b) => a[0] - b[0])) {
      const name = `__substg1.0_${streamId.toString(16).toUpperCase().padStart(4, '0')}0102`;
      streams.push({ name, content: Buffer.concat(records) });
    }
    return streams;
  }

  private guidIndex(guid: string): number {
    const fixed = FIXED_GUID_INDEX.get(guid);
    if (fixed !== undefined) return fixed;
    let index = this.customGuids.indexOf(guid);
    if (index < 0) index = this.customGuids.push(guid) - 1;
    return 3 + index;
  }
}

/** A GUID's 16 bytes in the Windows layout: the first three groups little-endian. */
export function guidBytes(guid: string): Buffer {
  const hex = guid.replace(/[{}-]/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`not a GUID: ${guid}`);
  const b = Buffer.from(hex, 'hex');
  return Buffer.from([b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], ...b.subarray(8)] as number[]);
}
