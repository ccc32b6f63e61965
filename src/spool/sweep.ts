import { promises as fs } from 'node:fs';
import { join } from 'node:path';

/**
 * Removes the entries of `dir` (files or folders) last modified more than `olderThanMs` ago: what a
 * killed process left in a spool or staging folder. Young entries may belong to work in progress
 * in another process and are left alone. Returns how many were removed.
 */
export async function removeStaleEntries(
  dir: string,
  olderThanMs: number,
  now = Date.now(),
): Promise<number> {
  let entries: string[];
  try {
    entries = await fs.readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const entry of entries) {
    const path = join(dir, entry);
    const stat = await fs.stat(path).catch(() => null);
    if (stat && now - stat.mtimeMs > olderThanMs) {
      await fs.rm(path, { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}
