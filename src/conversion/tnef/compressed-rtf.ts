/**
 * Decompression of PR_RTF_COMPRESSED (MS-OXRTFCP): a 16-byte header (compressed size, raw size,
 * "LZFu" or "MELA", CRC) and, for LZFu, an LZ77 stream over a 4096-byte ring dictionary that starts
 * out holding a fixed RTF preamble. Outlook's RTF body of a winmail.dat is stored this way.
 */

const PREBUF =
  '{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern \\fscript ' +
  '\\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n\\par ' +
  '\\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx';

const COMPRESSED = 0x75465a4c; // "LZFu"
const UNCOMPRESSED = 0x414c454d; // "MELA"

/** The RTF, or undefined when the data is not compressed RTF at all. Truncated data gives what was decoded. */
export function decompressRtf(data: Buffer): Buffer | undefined {
  if (data.length < 16) return undefined;
  const compSize = data.readUInt32LE(0);
  const rawSize = data.readUInt32LE(4);
  const type = data.readUInt32LE(8);
  const end = Math.min(data.length, compSize + 4);
  if (type === UNCOMPRESSED) return Buffer.from(data.subarray(16, Math.min(data.length, 16 + rawSize)));
  if (type !== COMPRESSED) return undefined;

  const dictionary = Buffer.alloc(4096);
  const preamble = Buffer.from(PREBUF, 'latin1');
  preamble.copy(dictionary);
  let writePos = preamble.length;
  const out = Buffer.alloc(rawSize);
  let outPos = 0;
  let p = 16;
  while (p < end && outPos < rawSize) {
    const control = data[p++] as number;
    for (let bit = 0; bit < 8 && p < end && outPos < rawSize; bit++) {
      if ((control & (1 << bit)) === 0) {
        const byte = data[p++] as number;
        out[outPos++] = byte;
        dictionary[writePos] = byte;
        writePos = (writePos + 1) & 0xfff;
        continue;
      }
      if (p + 1 >= end) return out.subarray(0, outPos);
      const reference = ((data[p] as number) << 8) | (data[p + 1] as number);
      p += 2;
      const offset = reference >>> 4;
      const length = (reference & 0xf) + 2;
      // A reference to the current write position marks the end of the stream.
      if (offset === writePos) return out.subarray(0, outPos);
      for (let i = 0; i < length && outPos < rawSize; i++) {
        const byte = dictionary[(offset + i) & 0xfff] as number;
        out[outPos++] = byte;
        dictionary[writePos] = byte;
        writePos = (writePos + 1) & 0xfff;
      }
    }
  }
  return out.subarray(0, outPos);
}
