import { createHash, randomUUID } from 'node:crypto';
import { constants, createReadStream, promises as fs } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { PostroomError } from '../../errors/postroom-error';
import { inFolder } from '../../spool/known-folders';
import { removeStaleEntries } from '../../spool/sweep';
import { writeHashed } from '../../spool/write-hashed';
import type {
  DeliveryKey,
  DocumentFile,
  DocumentRef,
  DocumentSink,
  DocumentToDeliver,
} from '../document-sink';

const METADATA_FILE = 'metadata.json';
const STAGING_DIR = '.staging';
/** Staging folders older than this belong to a crashed delivery and are swept away. */
const STALE_STAGING_MS = 60 * 60 * 1000;

/**
 * Conversion makes names safe; this backend still never lets a name leave its folder, and keeps
 * an attachment called metadata.json from replacing the document's own.
 */
function storedName(name: string): string {
  if (basename(name) !== name || name === '..' || name === '.' || name.includes('\\')) {
    throw new PostroomError('DMS_REJECTED', `refusing file name ${JSON.stringify(name)}: not a plain name`);
  }
  return name.toLowerCase() === METADATA_FILE ? 'metadata (attachment).json' : name;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Opens, flushes and closes: a rename must never publish bytes still only in the page cache. */
async function fsyncPath(path: string): Promise<void> {
  const handle = await fs.open(path, constants.O_RDONLY);
  try {
    await handle.sync();
  } catch (err) {
    // Windows cannot fsync directories; a file sync failing is real.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM' && (err as NodeJS.ErrnoException).code !== 'EISDIR')
      throw err;
  } finally {
    await handle.close();
  }
}

/**
 * The embedded default backend: one folder per document,
 * `<root>/<sourceId>/<YYYY>/<MM>/<stable-name>/` holding the files and `metadata.json`.
 *
 * The folder name comes from the receive time and a hash of the delivery key, so the same message
 * always maps to the same folder and the folder's existence is the "already delivered?" answer.
 * A document is assembled in a staging folder under the root and published with one rename, so
 * nobody ever sees a half-written document.
 */
export class FolderSink implements DocumentSink {
  readonly takesBytes = true;

  constructor(
    readonly name: string,
    private readonly root: string,
  ) {}

  documentDir(key: DeliveryKey): string {
    const received = new Date(key.receivedDateTime);
    const at = Number.isNaN(received.getTime()) ? new Date(0) : received;
    const yyyy = String(at.getUTCFullYear());
    const mm = pad(at.getUTCMonth() + 1);
    const stamp = `${yyyy}${mm}${pad(at.getUTCDate())}-${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}`;
    // A part's key extends the message's; the message's own document keeps the name it always had.
    const identity = key.part
      ? `${key.sourceId}\0${key.messageId}\0${key.part}`
      : `${key.sourceId}\0${key.messageId}`;
    const hash = createHash('sha256').update(identity).digest('hex').slice(0, 16);
    return join(this.root, key.sourceId, yyyy, mm, `${stamp}-${hash}`);
  }

  #ref(dir: string): DocumentRef {
    return { backend: this.name, ref: relative(this.root, dir).split('\\').join('/') };
  }

  /** Writes and removes a file in the staging folder: the same write access a delivery needs. */
  async probe(): Promise<string> {
    const dir = join(this.root, STAGING_DIR);
    const file = join(dir, `probe-${randomUUID()}`);
    try {
      await fs.mkdir(dir, { recursive: true });
      await fs.writeFile(file, 'postroom write probe');
      await fs.rm(file);
    } catch (err) {
      throw new PostroomError(
        'SINK_WRITE_FAILED',
        `cannot write to ${this.root} (${(err as NodeJS.ErrnoException).code ?? 'error'}): the service user needs write access`,
        { cause: err },
      );
    }
    return `documents folder ${this.root} is writable`;
  }

  async find(key: DeliveryKey): Promise<DocumentRef | null> {
    const dir = this.documentDir(key);
    try {
      await fs.access(join(dir, METADATA_FILE));
      return this.#ref(dir);
    } catch {
      return null;
    }
  }

  /**
   * An existing document is not looked for first: callers have just asked `find`, and publishing
   * onto an existing document fails, which returns that document (below).
   */
  async deliver(document: DocumentToDeliver): Promise<DocumentRef> {
    const target = this.documentDir(document.key);
    const files = document.files.map((f) => ({ ...f, name: storedName(f.name) }));
    const stagingRoot = join(this.root, STAGING_DIR);
    const staging = join(stagingRoot, randomUUID());
    // A recursive mkdir costs three times a plain one: the staging root is made once per process.
    await inFolder(stagingRoot, () => fs.mkdir(staging));
    let published = false;
    try {
      for (const file of files) await this.#stage(file, join(staging, file.name));
      const metadata = {
        ...document.metadata,
        part: document.key.part || undefined,
        parent: document.parent,
        mapped: document.mapped,
        files: files.map((f) => ({
          name: f.name,
          size: f.size,
          sha256: f.sha256,
          contentType: f.contentType,
        })),
        deliveredAt: new Date().toISOString(),
      };
      const metadataPath = join(staging, METADATA_FILE);
      await fs.writeFile(metadataPath, JSON.stringify(metadata, null, 2) + '\n', { flush: true });
      await fsyncPath(staging);

      const parent = join(target, '..');
      try {
        // The month folder is made only when this process has not seen it yet.
        await inFolder(parent, () => fs.rename(staging, target));
        published = true;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        // Another worker published the same document first: that one stands.
        if (
          (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'EPERM') &&
          (await this.find(document.key))
        ) {
          return this.#ref(target);
        }
        throw err;
      }
      await fsyncPath(parent).catch(() => undefined);
      return this.#ref(target);
    } catch (err) {
      if (err instanceof PostroomError) throw err;
      throw new PostroomError(
        'SINK_WRITE_FAILED',
        `cannot write document ${relative(this.root, target)}: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    } finally {
      if (!published) await fs.rm(staging, { recursive: true, force: true });
    }
  }

  /**
   * Puts one file into the staging folder, durably. A movable file (the caller's own spool file) is
   * renamed when it is on the same filesystem; otherwise it is copied with its hash checked, so a
   * file changed or cut short since it was spooled is never published.
   */
  async #stage(file: DocumentFile, dest: string): Promise<void> {
    if (file.bytes) {
      await fs.writeFile(dest, file.bytes, { flush: true });
      return;
    }
    if (file.movable) {
      try {
        await fs.rename(file.path, dest);
        await fsyncPath(dest);
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      }
    }
    const copied = await writeHashed(createReadStream(file.path), dest, { flush: true });
    if (copied.sha256 !== file.sha256 || copied.size !== file.size) {
      throw new PostroomError(
        'SINK_WRITE_FAILED',
        `${file.name} changed since it was spooled (sha256 ${copied.sha256}, expected ${file.sha256})`,
      );
    }
  }

  /** Removes staging folders left by a crash. Safe while other workers deliver: it skips young ones. */
  sweepStaging(now = Date.now()): Promise<number> {
    return removeStaleEntries(join(this.root, STAGING_DIR), STALE_STAGING_MS, now);
  }
}
