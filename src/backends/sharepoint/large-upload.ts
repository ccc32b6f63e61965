import { promises as fs } from 'node:fs';
import { PostroomError } from '../../errors/postroom-error';
import type { Logger } from '../../observability/logger';
import type { DocumentFile } from '../document-sink';
import type { DriveClient } from './drive-client';

/** How often one fragment may be re-synchronised with the server (416) before giving up. */
const MAX_RESYNCS = 5;

interface UploadSessionJson {
  uploadUrl: string;
  nextExpectedRanges?: string[];
}

/** The first missing byte the server names ("26-" or "26-127"), or undefined. */
function nextStart(body: { nextExpectedRanges?: string[] }): number | undefined {
  const first = body.nextExpectedRanges?.[0];
  const start = first === undefined ? NaN : Number(first.split('-')[0]);
  return Number.isInteger(start) ? start : undefined;
}

async function readRange(path: string, start: number, length: number): Promise<Buffer> {
  const handle = await fs.open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, start);
    if (bytesRead !== length)
      throw new PostroomError('SINK_WRITE_FAILED', `${path} is shorter than expected`);
    return buffer;
  } finally {
    await handle.close();
  }
}

/**
 * Uploads a large file through an upload session (conflictBehavior fail): fragments of
 * `chunkBytes` (a multiple of 320 KiB) in order, each PUT to the pre-authenticated upload URL
 * without the bearer token. A fragment the server already has (416, e.g. after a lost response) is
 * answered by asking the session where to go on. A name conflict surfaces as Graph's 409 for the
 * caller. An abandoned session is cancelled so SharePoint need not keep the bytes.
 */
export async function uploadLarge<T>(
  client: DriveClient,
  itemPath: string,
  file: DocumentFile,
  chunkBytes: number,
  logger: Logger,
): Promise<T> {
  const session = await client.json<UploadSessionJson>('POST', `${itemPath}:/createUploadSession`, {
    item: { '@microsoft.graph.conflictBehavior': 'fail' },
  });
  let finished = false;
  try {
    let offset = 0;
    let resyncs = 0;
    for (;;) {
      const length = Math.min(chunkBytes, file.size - offset);
      const bytes = await readRange(file.path, offset, length);
      let response: { status: number; body: (T & UploadSessionJson) | undefined };
      try {
        response = await client.preauthorized<T & UploadSessionJson>(session.uploadUrl, {
          method: 'PUT',
          headers: { 'Content-Range': `bytes ${offset}-${offset + length - 1}/${file.size}` },
          body: bytes,
        });
      } catch (err) {
        if (!(err instanceof PostroomError) || err.status !== 416 || ++resyncs > MAX_RESYNCS) throw err;
        const status = await client.preauthorized<UploadSessionJson>(session.uploadUrl, { method: 'GET' });
        const resume = nextStart(status.body ?? {});
        if (resume === undefined) throw err;
        logger.debug('upload session resynchronised', { file: file.name, from: offset, to: resume });
        offset = resume;
        continue;
      }
      if (response.status === 200 || response.status === 201) {
        finished = true;
        return response.body as T;
      }
      offset = nextStart(response.body ?? {}) ?? offset + length;
    }
  } finally {
    if (!finished) {
      await client.preauthorized(session.uploadUrl, { method: 'DELETE' }).catch(() => undefined);
    }
  }
}
