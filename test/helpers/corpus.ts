import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The shared real-world corpus; absent in a user's fresh clone, where its tests skip visibly. */
export const CORPUS_DIR = process.env.POSTROOM_CORPUS ?? join(__dirname, '../../../shared/corpus');

export function corpusAvailable(): boolean {
  const available = existsSync(join(CORPUS_DIR, 'README.md'));
  if (!available) {
    console.warn(
      `SKIPPED: corpus tests need the shared mail corpus at ${CORPUS_DIR} (set POSTROOM_CORPUS); it is not there`,
    );
  }
  return available;
}

/**
 * Whole RFC 822 messages of the corpus: mail-gem's .eml files, MimeKit's messages, DKIM-signed
 * (.msg there is RFC 822 text), S/MIME and message/partial samples. Body-part fixtures (body.N.txt)
 * are not messages and are left out.
 */
export function corpusMessages(): Array<{ name: string; path: string }> {
  const picked: Array<{ name: string; path: string }> = [];
  const walk = (dir: string, accept: (file: string) => boolean) => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path, accept);
      else if (accept(entry)) picked.push({ name: relative(CORPUS_DIR, path), path });
    }
  };
  walk(join(CORPUS_DIR, 'mail-gem'), (f) => f.endsWith('.eml'));
  walk(join(CORPUS_DIR, 'mimekit/messages'), (f) => /\.(eml|txt)$/.test(f) && !/^body\.\d+\.txt$/.test(f));
  walk(join(CORPUS_DIR, 'mimekit/dkim'), (f) => f.endsWith('.msg'));
  walk(join(CORPUS_DIR, 'mimekit/smime'), (f) => f.endsWith('.txt'));
  walk(join(CORPUS_DIR, 'mimekit/partial'), (f) => f.endsWith('.eml'));
  return picked;
}
