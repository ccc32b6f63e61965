import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { PostroomError } from '../../errors/postroom-error';
import { buildCompoundFile } from './compound-file';
import type { MessageModel } from './message-model';
import { layoutMessage } from './msg-layout';

/**
 * Writes a MessageModel as an Outlook .msg file ([MS-OXMSG]) at outPath and returns its size and
 * SHA-256. The file is assembled in memory (the model's attachment buffers are referenced, not
 * copied, until the compound file is written), then written in one call; outPath lives in the
 * caller's work directory, which the caller publishes or deletes.
 *
 * Errors: a model the format cannot hold (more than 2048 recipients or attachments, a message that
 * embeds itself, no message class, a file too large for a buffer) is a PostroomError
 * 'MSG_WRITE_FAILED', which is permanent: retrying cannot change it. A failure to write outPath is
 * passed on as the system error itself (ENOSPC, EACCES, …) so the shared classifier judges it by
 * its code.
 */
export async function writeMsgFile(
  model: MessageModel,
  outPath: string,
): Promise<{ size: number; sha256: string }> {
  const file = buildMsg(model);
  await writeFile(outPath, file);
  return { size: file.length, sha256: createHash('sha256').update(file).digest('hex') };
}

/** The .msg bytes of a model, without touching the disk. */
export function buildMsg(model: MessageModel): Buffer {
  try {
    return buildCompoundFile(layoutMessage(model));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new PostroomError('MSG_WRITE_FAILED', `cannot write the message as .msg: ${reason}`, {
      cause: err,
    });
  }
}
