import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import type {
  ConversionOptions,
  ConversionResult,
  SpooledMessage,
} from '../../src/conversion/conversion-types';
import { writeMsgFile } from '../../src/conversion/msg/write-msg';

export const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** A spool file in a sandbox next to (not inside) a fresh work directory. */
export function sandbox(
  raw: Buffer,
  label = 'conv',
): { root: string; workDir: string; input: SpooledMessage; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), `postroom-${label}-`));
  mkdirSync(join(root, 'spool'));
  const path = join(root, 'spool', 'message.eml');
  writeFileSync(path, raw);
  return {
    root,
    workDir: join(root, 'work'),
    input: { path, size: raw.length, sha256: sha256(raw) },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d)) {
      const p = join(d, entry);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  // Conversion makes its work folder only when it writes a file there.
  if (existsSync(dir)) walk(dir);
  return out.sort();
}

export function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return !!rel && !rel.startsWith('..') && !isAbsolute(rel);
}

export const optionsFor = (
  format: 'eml' | 'msg',
  attachments: ConversionOptions['attachments'],
  inline: 'keep' | 'skip-images',
  maxNestingDepth = 3,
): ConversionOptions => ({
  format,
  attachments,
  inline: { mode: inline, maxImageBytes: 20 * 1024 },
  maxNestingDepth,
});

export function allFiles(result: ConversionResult) {
  return result.documents.flatMap((d) => d.files);
}

/** Reads back every file of a result and checks its recorded size and hash. */
export function checkRecordedHashes(result: ConversionResult): string[] {
  const wrong: string[] = [];
  for (const file of allFiles(result)) {
    const data = readFileSync(file.path);
    if (data.length !== file.size || sha256(data) !== file.sha256) wrong.push(file.name);
  }
  return wrong;
}

let writerState: boolean | undefined;

/**
 * Whether the real .msg writer is merged. While write-msg.ts is the placeholder, .msg conversions
 * are skipped with a visible message instead of failing.
 */
export async function msgWriterAvailable(): Promise<boolean> {
  if (writerState !== undefined) return writerState;
  const dir = mkdtempSync(join(tmpdir(), 'postroom-msgprobe-'));
  try {
    await writeMsgFile(
      { messageClass: 'IPM.Note', subject: 'probe', recipients: [], attachments: [] },
      join(dir, 'probe.msg'),
    );
    writerState = true;
  } catch (err) {
    writerState = !/has not been merged/.test((err as Error).message);
    if (!writerState)
      console.warn('SKIPPED: .msg conversions need the .msg writer (write-msg.ts is still the placeholder)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return writerState;
}
