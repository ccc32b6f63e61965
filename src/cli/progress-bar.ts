import type { BackfillProgress } from '../backfill/run-backfill';

const BAR_WIDTH = 30;
/** Without a terminal (a log file, CI), a plain line at most this often. */
const PLAIN_LINE_INTERVAL_MS = 5_000;

export function formatProgress(p: BackfillProgress): string {
  const done = p.imported + p.deadLettered + p.skipped;
  const total = Math.max(p.enqueued, 1);
  const filled = p.enqueued === 0 ? BAR_WIDTH : Math.round((done / total) * BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
  const listing = p.listing ? ' (listing…)' : '';
  return (
    `${bar} ${done}/${p.enqueued} imported ${p.imported}, dead-lettered ${p.deadLettered}, ` +
    `skipped ${p.skipped}; ${p.alreadyDone} of ${p.found} found were done before${listing}`
  );
}

/** Redraws one line on a terminal; prints a line now and then elsewhere. */
export function progressPrinter(stream: NodeJS.WriteStream): {
  update(p: BackfillProgress): void;
  end(): void;
} {
  let last = '';
  let lastPrinted = 0;
  return {
    update(p) {
      last = formatProgress(p);
      if (stream.isTTY) {
        stream.write(`\r${last}\x1b[K`);
      } else if (Date.now() - lastPrinted >= PLAIN_LINE_INTERVAL_MS) {
        stream.write(`${last}\n`);
        lastPrinted = Date.now();
      }
    },
    end() {
      stream.write(stream.isTTY ? '\n' : `${last}\n`);
    },
  };
}
