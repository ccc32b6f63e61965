import { unlinkSync } from 'node:fs';

/**
 * Deletes a spool file that may be gone already (moved into a document, or never written). The
 * spool is a local folder: a synchronous unlink takes microseconds, less than handing the call to
 * libuv's thread pool and back (see writeHashed).
 */
export function removeSpoolFile(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
