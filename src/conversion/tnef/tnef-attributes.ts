/**
 * The attribute layer of a TNEF stream (MS-OXTNEF section 2.1.3): a signature, a legacy key, then
 * attributes of the form level (1 message, 2 attachment), id (low 16 bits) and type (high 16 bits),
 * length, data and a 16-bit checksum. Reading is tolerant: a bad checksum is noted, a truncated
 * attribute or garbage after the last one ends the stream with a note; attributes read so far stay.
 */

export const TNEF_SIGNATURE = 0x223e9f78;

export const LEVEL_MESSAGE = 0x01;
export const LEVEL_ATTACHMENT = 0x02;

/** Attribute ids (low 16 bits of the attribute tag) used by the decoder. */
export const ATT = {
  attachRendData: 0x9002,
  attachData: 0x800f,
  attachTitle: 0x8010,
  attachment: 0x9005,
  attachTransportFilename: 0x9001,
  mapiProps: 0x9003,
  messageClass: 0x8008,
  oemCodepage: 0x9007,
  body: 0x800c,
  subject: 0x8004,
} as const;

export interface TnefAttribute {
  level: number;
  id: number;
  type: number;
  data: Buffer;
}

export interface TnefAttributes {
  attributes: TnefAttribute[];
  problems: string[];
}

export function isTnef(data: Buffer): boolean {
  return data.length >= 6 && data.readUInt32LE(0) === TNEF_SIGNATURE;
}

export function readAttributes(data: Buffer): TnefAttributes {
  const problems: string[] = [];
  const attributes: TnefAttribute[] = [];
  let p = 6; // signature (4) + legacy attach key (2)
  let badChecksums = 0;
  while (p < data.length) {
    if (p + 9 > data.length) {
      problems.push('TNEF stream truncated');
      break;
    }
    const level = data.readUInt8(p);
    if (level !== LEVEL_MESSAGE && level !== LEVEL_ATTACHMENT) {
      problems.push(`TNEF: unexpected data at offset ${p} (ignored)`);
      break;
    }
    const tag = data.readUInt32LE(p + 1);
    const length = data.readUInt32LE(p + 5);
    const start = p + 9;
    if (start + length > data.length) {
      problems.push('TNEF stream truncated');
      break;
    }
    const value = data.subarray(start, start + length);
    if (start + length + 2 <= data.length) {
      let sum = 0;
      for (const b of value) sum = (sum + b) & 0xffff;
      if (sum !== data.readUInt16LE(start + length)) badChecksums++;
    }
    attributes.push({ level, id: tag & 0xffff, type: tag >>> 16, data: value });
    p = start + length + 2;
  }
  if (badChecksums > 0) problems.push(`TNEF: ${badChecksums} attribute checksum(s) wrong`);
  return { attributes, problems };
}
