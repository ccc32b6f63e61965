/**
 * The checksum [MS-OXMSG] 2.2.3.1.2 uses to pick the name-to-ID mapping stream of a string named
 * property. It is the reflected CRC-32 (polynomial 0xEDB88320) but, as Outlook computes it, started at
 * 0 and without the final inversion: checked against Outlook-written files, whose mapping streams
 * hold the entries exactly where this variant (and not the zlib one) puts them.
 */

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function outlookNameCrc32(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8)) >>> 0;
  return crc;
}
