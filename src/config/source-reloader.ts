import { statSync } from 'node:fs';
import { errorMessage } from '../errors/postroom-error';
import type { Logger } from '../observability/logger';
import { display, loadSourceFile, sourceFilesIn, type Source } from './load-config';

/** Edits are noticed within this long; the promise to users is "within 5 seconds". */
export const SOURCE_RELOAD_INTERVAL_MS = 1_000;

export interface SourceChanges {
  added: Source[];
  changed: Source[];
  /** Ids of sources whose definition file was removed (or now defines another id). */
  removed: string[];
  /** Every source now in force, in file order. */
  all: Source[];
}

interface FileState {
  /** mtime, size and inode: a save by any editor (in place or by rename) changes one of them. */
  signature: string;
  /** The last good definition from this file; kept running while the file is broken. */
  source: Source | null;
}

export interface SourceReloaderOptions {
  sourcesDir: string;
  backends: ReadonlySet<string>;
  /** The sources loaded at start-up. */
  initial: readonly Source[];
  logger: Logger;
  onChange(changes: SourceChanges): Promise<void> | void;
  intervalMs?: number;
}

function signatureOf(file: string): string | null {
  try {
    const stat = statSync(file);
    return `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
  } catch {
    return null;
  }
}

/**
 * Watches the source definition folder by polling it (fs.watch misses edits on network shares and
 * in some containers; one stat per file per second costs nothing). A file that fails validation is
 * reported with its file and field, and the last good definition from it keeps running.
 */
export class SourceReloader {
  readonly #files = new Map<string, FileState>();
  #current: Map<string, Source>;
  #timer: NodeJS.Timeout | null = null;
  #checking: Promise<void> | null = null;

  constructor(private readonly options: SourceReloaderOptions) {
    this.#current = new Map(options.initial.map((s) => [s.definition.id, s]));
    for (const file of sourceFilesIn(options.sourcesDir)) {
      const source = options.initial.find((s) => s.file === file) ?? null;
      this.#files.set(file, { signature: signatureOf(file) ?? '', source });
    }
  }

  start(): void {
    this.#timer ??= setInterval(
      () => void this.check(),
      this.options.intervalMs ?? SOURCE_RELOAD_INTERVAL_MS,
    );
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#checking;
  }

  /** Looks for edits now; overlapping calls share one check. */
  check(): Promise<void> {
    this.#checking ??= this.#check().finally(() => {
      this.#checking = null;
    });
    return this.#checking;
  }

  async #check(): Promise<void> {
    const { logger } = this.options;
    const files = sourceFilesIn(this.options.sourcesDir);
    let edited = false;
    for (const file of files) {
      const signature = signatureOf(file);
      const known = this.#files.get(file);
      if (signature === null || known?.signature === signature) continue;
      edited = true;
      const problems: string[] = [];
      const source = loadSourceFile(file, this.options.backends, problems);
      if (!source) {
        logger.error('source definition rejected: the last good definition keeps running', {
          file: display(file),
          problems,
          running: known?.source?.definition.id ?? null,
        });
      }
      this.#files.set(file, { signature, source: source ?? known?.source ?? null });
    }
    for (const file of [...this.#files.keys()]) {
      if (!files.includes(file)) {
        this.#files.delete(file);
        edited = true;
      }
    }
    if (!edited) return;

    const next = new Map<string, Source>();
    for (const [file, state] of this.#files) {
      const source = state.source;
      if (!source) continue;
      const earlier = next.get(source.definition.id);
      if (earlier) {
        logger.error('source definition rejected: id already used by another file', {
          file: display(file),
          problems: [
            `${display(file)}: id: "${source.definition.id}" is already used by ${display(earlier.file)}`,
          ],
        });
        continue;
      }
      next.set(source.definition.id, source);
    }
    const added = [...next.values()].filter((s) => !this.#current.has(s.definition.id));
    const changed = [...next.values()].filter((s) => {
      const before = this.#current.get(s.definition.id);
      return before !== undefined && before !== s;
    });
    const removed = [...this.#current.keys()].filter((id) => !next.has(id));
    if (added.length + changed.length + removed.length === 0) return;
    this.#current = next;
    const ids = (list: Source[]) => list.map((s) => s.definition.id);
    logger.info('source definitions reloaded', { added: ids(added), changed: ids(changed), removed });
    try {
      await this.options.onChange({ added, changed, removed, all: [...next.values()] });
    } catch (err) {
      logger.error('could not apply reloaded source definitions', { error: errorMessage(err) });
    }
  }
}
