import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface DeliveredDocument {
  dir: string;
  metadata: {
    messageId: string;
    internetMessageId?: string;
    files: Array<{ name: string; size: number; sha256: string }>;
    [key: string]: unknown;
  };
}

/** Every published document under a folder-backend root (staging excluded). */
export function listDocuments(root: string): DeliveredDocument[] {
  const found: DeliveredDocument[] = [];
  const walk = (dir: string, depth: number) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir)) {
      if (entry === '.staging') continue;
      const path = join(dir, entry);
      if (!statSync(path).isDirectory()) continue;
      const metadataFile = join(path, 'metadata.json');
      if (depth === 2 && existsSync(metadataFile)) {
        found.push({ dir: path, metadata: JSON.parse(readFileSync(metadataFile, 'utf8')) });
      } else if (depth < 2) {
        walk(path, depth + 1);
      }
    }
  };
  // <root>/<sourceId>/<YYYY>/<MM>/<document>
  for (const source of existsSync(root) ? readdirSync(root) : []) {
    if (source !== '.staging') walk(join(root, source), 0);
  }
  return found;
}

/** The message file of a document (the first file: its name comes from the subject). */
export function messageFilePath(doc: DeliveredDocument): string {
  const first = doc.metadata.files[0];
  if (!first) throw new Error(`document ${doc.dir} lists no files`);
  return join(doc.dir, first.name);
}
