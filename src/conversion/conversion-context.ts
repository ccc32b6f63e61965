import { createHash } from 'node:crypto';
import { mkdirSync, promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { pathInside } from './safe-path';

/**
 * The work directory of one conversion. Parts are first streamed to numbered scratch files in
 * `.parts/`; files that end up in a document are then moved (renamed) to `<document>/<name>`, where
 * the document folder is 'message' for the message document and the part id ('att-1.2') for
 * per-attachment documents. Every path is built by pathInside, so no name can leave the folder.
 */
export class ConversionContext {
  private counter = 0;
  private readonly scratchDir: string;
  /** Most messages (an .eml kept whole) never write a part: the folder is made on first need. */
  private scratchMade = false;

  constructor(readonly workDir: string) {
    this.scratchDir = pathInside(workDir, '.parts');
  }

  async init(): Promise<void> {
    // Nothing to prepare: see scratchPath.
  }

  scratchPath(): string {
    if (!this.scratchMade) {
      mkdirSync(this.scratchDir, { recursive: true });
      this.scratchMade = true;
    }
    this.counter++;
    return pathInside(this.workDir, '.parts', `p${this.counter}`);
  }

  async writeScratch(data: Buffer): Promise<{ path: string; size: number; sha256: string }> {
    const path = this.scratchPath();
    await fs.writeFile(path, data);
    return { path, size: data.length, sha256: createHash('sha256').update(data).digest('hex') };
  }

  /** Where a document's file goes (folder created). */
  async finalPath(documentDir: string, name: string): Promise<string> {
    const target = pathInside(this.workDir, documentDir, name);
    await fs.mkdir(dirname(target), { recursive: true });
    return target;
  }

  async place(scratch: string, documentDir: string, name: string): Promise<string> {
    const target = await this.finalPath(documentDir, name);
    await fs.rename(scratch, target);
    return target;
  }

  /** Removes the scratch files that did not become part of a document. */
  async cleanup(): Promise<void> {
    if (this.scratchMade) await fs.rm(this.scratchDir, { recursive: true, force: true });
  }
}
