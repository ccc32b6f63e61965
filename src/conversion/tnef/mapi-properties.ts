/**
 * MAPI property lists as TNEF carries them in attMAPIProps and attAttachment (MS-OXTNEF section
 * 2.1.3.4): a count, then per property its type and id, a name for named properties (id ≥ 0x8000),
 * and the value(s), every value padded to four bytes. Variable-size types (strings, binary, object)
 * carry a value count even when single-valued; objects start with a 16-byte interface id.
 */

export const PT = {
  short: 0x0002,
  long: 0x0003,
  float: 0x0004,
  double: 0x0005,
  currency: 0x0006,
  appTime: 0x0007,
  error: 0x000a,
  boolean: 0x000b,
  object: 0x000d,
  i8: 0x0014,
  string8: 0x001e,
  unicode: 0x001f,
  sysTime: 0x0040,
  clsid: 0x0048,
  binary: 0x0102,
  multiValue: 0x1000,
} as const;

export const PROP = {
  body: 0x1000,
  rtfCompressed: 0x1009,
  bodyHtml: 0x1013,
  displayName: 0x3001,
  attachDataBin: 0x3701,
  attachFilename: 0x3704,
  attachMethod: 0x3705,
  attachLongFilename: 0x3707,
  attachMimeTag: 0x370e,
  attachContentId: 0x3712,
  attachFlags: 0x3714,
  internetCodepage: 0x3fde,
  messageCodepage: 0x3ffd,
} as const;

export interface MapiProperty {
  id: number;
  type: number;
  /** Raw values (strings and binaries without their length; objects without their IID). */
  values: Buffer[];
}

const FIXED_SIZES: Record<number, number> = {
  0x0001: 0,
  [PT.short]: 2,
  [PT.long]: 4,
  [PT.float]: 4,
  [PT.double]: 8,
  [PT.currency]: 8,
  [PT.appTime]: 8,
  [PT.error]: 4,
  [PT.boolean]: 2,
  [PT.i8]: 8,
  [PT.sysTime]: 8,
  [PT.clsid]: 16,
};

const pad4 = (n: number) => (n + 3) & ~3;

class Cursor {
  constructor(
    private readonly data: Buffer,
    public pos = 0,
  ) {}
  need(n: number): void {
    if (n < 0 || this.pos + n > this.data.length) throw new RangeError('MAPI property list truncated');
  }
  u16(): number {
    this.need(2);
    const v = this.data.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.data.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }
  bytes(n: number): Buffer {
    this.need(n);
    const v = this.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }
}

export function readProperties(data: Buffer): { properties: MapiProperty[]; problem?: string } {
  const properties: MapiProperty[] = [];
  const cursor = new Cursor(data);
  try {
    const count = cursor.u32();
    for (let i = 0; i < count; i++) {
      const rawType = cursor.u16();
      const id = cursor.u16();
      if (id >= 0x8000) {
        cursor.skip(16); // property set GUID
        const kind = cursor.u32();
        if (kind === 0) cursor.skip(4);
        else cursor.skip(pad4(cursor.u32()));
      }
      const multi = (rawType & PT.multiValue) !== 0;
      const type = rawType & ~PT.multiValue;
      const values: Buffer[] = [];
      const variable = type === PT.string8 || type === PT.unicode || type === PT.binary || type === PT.object;
      const valueCount = multi || variable ? cursor.u32() : 1;
      if (valueCount > data.length) throw new RangeError('implausible MAPI value count');
      for (let v = 0; v < valueCount; v++) {
        if (variable) {
          const length = cursor.u32();
          const value = cursor.bytes(length);
          cursor.skip(pad4(length) - length);
          values.push(type === PT.object ? value.subarray(16) : value);
        } else {
          const size = FIXED_SIZES[type];
          if (size === undefined) throw new RangeError(`unknown MAPI property type 0x${type.toString(16)}`);
          values.push(cursor.bytes(size));
          cursor.skip(pad4(size) - size);
        }
      }
      properties.push({ id, type, values });
    }
    return { properties };
  } catch (err) {
    return { properties, problem: `TNEF: ${(err as Error).message}` };
  }
}

/** A string property's text (PT_UNICODE is UTF-16LE; PT_STRING8 is in the message's code page). */
export function propertyText(prop: MapiProperty, decode8bit: (bytes: Buffer) => string): string | undefined {
  const value = prop.values[0];
  if (!value) return undefined;
  if (prop.type === PT.unicode) return value.toString('utf16le').replace(/\0+$/, '');
  if (prop.type === PT.string8) return decode8bit(value).replace(/\0+$/, '');
  return undefined;
}

export function propertyInt(prop: MapiProperty): number | undefined {
  const value = prop.values[0];
  if (!value) return undefined;
  if (prop.type === PT.long || prop.type === PT.error) return value.readInt32LE(0);
  if (prop.type === PT.short || prop.type === PT.boolean) return value.readInt16LE(0);
  return undefined;
}
