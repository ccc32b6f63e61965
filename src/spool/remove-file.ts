import { promises as fs } from 'node:fs';

/**
 * Deletes a file that may be gone already (moved into a document, or never written): one system
 * call, where `rm --force` first asks what the path is.
 */
export async function removeFile(path: string): Promise<void> {
  try {
    await fs.unlink(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
