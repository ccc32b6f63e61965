import { hex8, propTag, PropType } from './property-tags';

/**
 * The properties of one .msg object (message, recipient or attachment) and their serialisation as
 * [MS-OXMSG] 2.4 property stream plus one stream per variable-length value (2.1.3, 2.1.4.2).
 */

/** Where a property stream sits decides its header ([MS-OXMSG] 2.4.1). */
export type PropertyStreamKind = 'top-level' | 'embedded' | 'recipient-or-attachment';

export interface ObjectCounts {
  recipients: number;
  attachments: number;
}

/** A stream in the compound file, by path relative to the object's storage. */
export interface StreamEntry {
  name: string;
  content: Buffer;
}

type PropValue =
  | { type: typeof PropType.Integer32; value: number }
  | { type: typeof PropType.Boolean; value: boolean }
  | { type: typeof PropType.Time; value: Date }
  | { type: typeof PropType.String; value: string }
  | { type: typeof PropType.Binary; value: Buffer }
  | { type: typeof PropType.MultipleString; value: string[] }
  | { type: typeof PropType.Object };

/** PROPATTR_READABLE | PROPATTR_WRITABLE: what Outlook writes for ordinary properties. */
const ENTRY_FLAGS = 0x00000006;
/** Milliseconds between 1601-01-01 (FILETIME epoch) and 1970-01-01. */
const FILETIME_EPOCH_OFFSET_MS = 11_644_473_600_000n;
/** Windows' largest FILETIME (a signed 64-bit count). */
const MAX_FILETIME = 0x7fffffffffffffffn;

export const PROPERTIES_STREAM = '__properties_version1.0';

export function substgName(tag: number): string {
  return `__substg1.0_${hex8(tag)}`;
}

/**
 * PT_UNICODE value bytes. A MAPI string ends at its first NUL, so an embedded U+0000 (possible in a
 * broken MIME body) would cut the value short in every reader: it becomes U+FFFD instead.
 */
export function utf16(value: string): Buffer {
  return Buffer.from(value.replaceAll('\u0000', '\ufffd'), 'utf16le');
}

const UTF16_NUL = Buffer.alloc(2);

export class PropertyBag {
  private readonly props = new Map<number, PropValue>();

  setInt32(id: number, value: number): this {
    return this.set(id, { type: PropType.Integer32, value });
  }

  setBoolean(id: number, value: boolean): this {
    return this.set(id, { type: PropType.Boolean, value });
  }

  /** Dates that are not valid, or have no FILETIME (before 1601, after 30828), are left out. */
  setTime(id: number, value: Date | undefined): this {
    if (!value || Number.isNaN(value.getTime())) return this;
    const fileTime = toFileTime(value);
    if (fileTime < 0n || fileTime > MAX_FILETIME) return this;
    return this.set(id, { type: PropType.Time, value });
  }

  /** An undefined value sets nothing, so optional model fields map one to one. */
  setString(id: number, value: string | undefined): this {
    if (value === undefined) return this;
    return this.set(id, { type: PropType.String, value });
  }

  setBinary(id: number, value: Buffer): this {
    return this.set(id, { type: PropType.Binary, value });
  }

  setStrings(id: number, value: string[]): this {
    return this.set(id, { type: PropType.MultipleString, value });
  }

  /** An embedded object (PtypObject): its storage is written by the caller under the same name. */
  setObject(id: number): this {
    return this.set(id, { type: PropType.Object });
  }

  has(id: number): boolean {
    return this.props.has(id);
  }

  /** The property stream and the value streams, ready to go into this object's storage. */
  serialize(
    kind: PropertyStreamKind,
    counts: ObjectCounts = { recipients: 0, attachments: 0 },
  ): StreamEntry[] {
    const ids = [...this.props.keys()].sort((a, b) => a - b);
    const streams: StreamEntry[] = [];
    const table = Buffer.alloc(headerSize(kind) + 16 * ids.length);
    if (kind !== 'recipient-or-attachment') {
      // Next recipient/attachment ID, then the counts: the IDs are the counts, as nothing was deleted.
      table.writeUInt32LE(counts.recipients, 8);
      table.writeUInt32LE(counts.attachments, 12);
      table.writeUInt32LE(counts.recipients, 16);
      table.writeUInt32LE(counts.attachments, 20);
    }
    let offset = headerSize(kind);
    for (const id of ids) {
      const prop = this.props.get(id) as PropValue;
      const tag = propTag(id, prop.type);
      table.writeUInt32LE(tag, offset);
      table.writeUInt32LE(ENTRY_FLAGS, offset + 4);
      writeEntryValue(table, offset + 8, tag, prop, streams);
      offset += 16;
    }
    return [{ name: PROPERTIES_STREAM, content: table }, ...streams];
  }

  private set(id: number, value: PropValue): this {
    this.props.set(id, value);
    return this;
  }
}

function headerSize(kind: PropertyStreamKind): number {
  if (kind === 'top-level') return 32;
  if (kind === 'embedded') return 24;
  return 8;
}

/**
 * Fixed-length values go into the entry's 8 value bytes; variable-length ones into their own stream,
 * with the size in the entry ([MS-OXMSG] 2.4.2.2: for PtypString the size counts a terminating NUL
 * that the stream itself does not hold, as Outlook writes it and msgreader/msgconvert expect).
 */
function writeEntryValue(
  table: Buffer,
  at: number,
  tag: number,
  prop: PropValue,
  streams: StreamEntry[],
): void {
  switch (prop.type) {
    case PropType.Integer32:
      table.writeUInt32LE(prop.value >>> 0, at);
      return;
    case PropType.Boolean:
      table.writeUInt8(prop.value ? 1 : 0, at);
      return;
    case PropType.Time:
      table.writeBigUInt64LE(toFileTime(prop.value), at);
      return;
    case PropType.String: {
      const bytes = utf16(prop.value);
      streams.push({ name: substgName(tag), content: bytes });
      table.writeUInt32LE(bytes.length + 2, at);
      return;
    }
    case PropType.Binary:
      streams.push({ name: substgName(tag), content: prop.value });
      table.writeUInt32LE(prop.value.length, at);
      return;
    case PropType.MultipleString: {
      // [MS-OXMSG] 2.1.4.2: a length stream (4 bytes a value, NUL included) and one stream a value,
      // each value NUL-terminated.
      const lengths = Buffer.alloc(4 * prop.value.length);
      prop.value.forEach((value, index) => {
        const bytes = Buffer.concat([utf16(value), UTF16_NUL]);
        lengths.writeUInt32LE(bytes.length, 4 * index);
        streams.push({ name: `${substgName(tag)}-${hex8(index)}`, content: bytes });
      });
      streams.push({ name: substgName(tag), content: lengths });
      table.writeUInt32LE(lengths.length, at);
      return;
    }
    case PropType.Object:
      // Embedded message storages carry no size ([MS-OXMSG] 2.4.2.2).
      table.writeUInt32LE(0xffffffff, at);
      return;
  }
}

/** 100-nanosecond intervals since 1601-01-01 UTC. */
export function toFileTime(date: Date): bigint {
  return (BigInt(date.getTime()) + FILETIME_EPOCH_OFFSET_MS) * 10_000n;
}
