import { promises as fs } from 'node:fs';

/**
 * Folders this process has made or found. Most writes go to a handful of folders (a source's
 * spool, a month of the folder backend), and asking again each time costs system calls on every
 * message. A folder removed meanwhile (a sweep, an operator tidying up) is made again when the
 * operation inside it fails with ENOENT.
 */
const known = new Set<string>();

async function make(folder: string): Promise<void> {
  await fs.mkdir(folder, { recursive: true });
  known.add(folder);
}

/** Runs `operation`, which creates something inside `folder`, making the folder first if needed. */
export async function inFolder<T>(folder: string, operation: () => T | Promise<T>): Promise<T> {
  if (!known.has(folder)) await make(folder);
  try {
    return await operation();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    known.delete(folder);
    await make(folder);
    return operation();
  }
}
