import { PostroomError } from '../../errors/postroom-error';
import type { PaperlessClient } from './paperless-client';

/** Celery's states as Paperless reports them (upper case). */
type TaskStatus = 'PENDING' | 'RECEIVED' | 'STARTED' | 'RETRY' | 'SUCCESS' | 'FAILURE' | 'REVOKED';

interface PaperlessTask {
  task_id: string;
  status: TaskStatus;
  result: string | null;
  related_document: string | number | null;
}

export type TaskOutcome =
  { kind: 'created'; documentId: number } | { kind: 'duplicate'; documentId: number; message: string };

/** "… It is a duplicate of Invoice 12 (#42)." — Paperless' refusal of a file it holds already. */
const DUPLICATE_OF = /duplicate of .*\(#(\d+)\)/is;
/** The success text, for servers that leave related_document empty. */
const NEW_DOCUMENT = /New document id (\d+) created/i;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls a consumption task until Paperless has finished it, within a deadline. A refusal as a
 * duplicate is an outcome (the document exists), not an error; any other failure is permanent,
 * since consuming the same file again fails the same way. Running out of time is retryable: the
 * next attempt finds the document once Paperless has caught up, or sees it refused as a duplicate.
 */
export async function waitForTask(
  client: PaperlessClient,
  taskId: string,
  options: { timeoutMs: number; pollIntervalMs: number; backend: string },
): Promise<TaskOutcome> {
  const deadline = Date.now() + options.timeoutMs;
  let last: PaperlessTask | undefined;
  for (;;) {
    const tasks = await client.getJson<PaperlessTask[]>(`/api/tasks/?task_id=${encodeURIComponent(taskId)}`);
    const found = tasks.find((t) => t.task_id === taskId);
    // Paperless reports Celery's upper-case states; older notes spell them in lower case.
    if (found) last = { ...found, status: String(found.status).toUpperCase() as TaskStatus };
    if (last?.status === 'SUCCESS') {
      const id = Number(last.related_document ?? NEW_DOCUMENT.exec(last.result ?? '')?.[1]);
      if (!Number.isInteger(id))
        throw new PostroomError(
          'DMS_UNAVAILABLE',
          `Paperless task ${taskId} succeeded without naming its document: ${last.result ?? ''}`,
        );
      return { kind: 'created', documentId: id };
    }
    if (last?.status === 'FAILURE' || last?.status === 'REVOKED') {
      const message = last.result ?? last.status;
      const duplicate = DUPLICATE_OF.exec(message);
      if (duplicate) return { kind: 'duplicate', documentId: Number(duplicate[1]), message };
      throw new PostroomError(
        last.status === 'REVOKED' ? 'DMS_UNAVAILABLE' : 'DMS_REJECTED',
        `Paperless backend ${options.backend}: consumption task ${taskId} failed: ${message}`,
      );
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new PostroomError(
        'DMS_UNAVAILABLE',
        `Paperless backend ${options.backend}: consumption task ${taskId} still ${last?.status ?? 'unknown'} after ${Math.round(options.timeoutMs / 1000)} s`,
      );
    }
    // One last look right at the deadline rather than giving up a poll interval early.
    await sleep(Math.min(options.pollIntervalMs, left));
  }
}
