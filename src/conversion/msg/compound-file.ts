import * as CFB from 'cfb';
import { normalizeDirectory } from './cfb-directory';
import type { StreamEntry } from './property-bag';

/**
 * Packs streams into one compound file ([MS-CFB], version 3, 512-byte sectors) in memory. SheetJS'
 * cfb does the sector, FAT and mini-stream work; normalizeDirectory then gives the directory the
 * red-black trees and details Windows' own writer produces (see cfb-directory.ts).
 */

/** [MS-CFB] 2.6.1: a directory entry name holds at most 31 UTF-16 code units. */
const MAX_NAME_LENGTH = 31;

export function buildCompoundFile(streams: StreamEntry[]): Buffer {
  const container = CFB.utils.cfb_new();
  for (const stream of streams) {
    for (const part of stream.name.split('/')) {
      if (part.length === 0 || part.length > MAX_NAME_LENGTH) {
        throw new Error(`compound file: bad entry name in ${stream.name}`);
      }
    }
    // unsafe: skips a directory rebuild per stream (quadratic); one rebuild follows below.
    CFB.utils.cfb_add(container, stream.name, stream.content, { unsafe: true });
  }
  CFB.utils.cfb_gc(container);
  const file = CFB.write(container, { type: 'buffer', fileType: 'cfb' }) as Buffer;
  normalizeDirectory(file);
  return file;
}
