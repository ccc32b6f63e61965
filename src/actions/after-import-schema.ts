import { z } from 'zod';
import type { MailboxAction } from '../sources/mail-source';

/*
 * `afterImport` in a source definition: what happens to a message in the mailbox once every
 * document of it is committed. `none` (the default) leaves the mailbox untouched, which is all the
 * Mail.Read permission allows; the others need Mail.ReadWrite.
 */

const folderPath = z
  .string()
  .min(1)
  .refine(
    (v) => v.split('/').every((segment) => segment.trim() !== ''),
    'must be a folder path like Archive/Imported',
  );

export const afterImportSchema = z
  .union(
    [
      z.enum(['none', 'markRead', 'delete']),
      z.strictObject({ move: folderPath }),
      z.strictObject({ category: z.string().trim().min(1, 'must name a category') }),
    ],
    {
      error: 'must be none, markRead, delete, { move: "Folder/Path" } or { category: "Name" }',
    },
  )
  .default('none');

export type AfterImport = z.infer<typeof afterImportSchema>;

/** The action for the mail source, or null for `none`. */
export function mailboxActionOf(afterImport: AfterImport | undefined): MailboxAction | null {
  if (afterImport === undefined || afterImport === 'none') return null;
  if (afterImport === 'markRead') return { kind: 'markRead' };
  if (afterImport === 'delete') return { kind: 'delete' };
  if ('move' in afterImport) return { kind: 'move', folder: afterImport.move };
  return { kind: 'category', name: afterImport.category };
}

/** The action in words, for logs and the ledger: `move to Archive/Imported`. */
export function describeAction(action: MailboxAction): string {
  switch (action.kind) {
    case 'markRead':
      return 'mark read';
    case 'delete':
      return 'delete (move to Deleted Items)';
    case 'move':
      return `move to ${action.folder}`;
    case 'category':
      return `add category "${action.name}"`;
  }
}
