import type { MessageModel } from './message-model';

/** Placeholder until the .msg writer lands on its branch (issue 3); replaced there. */
export async function writeMsgFile(
  _model: MessageModel,
  _outPath: string,
): Promise<{ size: number; sha256: string }> {
  throw new Error('writeMsgFile: the .msg writer has not been merged yet');
}
