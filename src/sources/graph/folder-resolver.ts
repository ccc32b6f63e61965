import { PostroomError } from '../../errors/postroom-error';
import type { GraphApi } from './graph-api';

/** Locale-independent names Graph accepts in place of a folder id (GRAPH.md). */
const WELL_KNOWN_FOLDERS = new Set([
  'inbox',
  'archive',
  'deleteditems',
  'drafts',
  'sentitems',
  'junkemail',
  'msgfolderroot',
  'outbox',
  'conversationhistory',
  'clutter',
  'recoverableitemsdeletions',
  'scheduled',
  'searchfolders',
  'serverfailures',
  'syncissues',
]);

/** Display names users type for the well-known folders, mapped to the names Graph accepts. */
const DISPLAY_ALIASES: Record<string, string> = {
  'deleted items': 'deleteditems',
  'sent items': 'sentitems',
  'junk email': 'junkemail',
  'conversation history': 'conversationhistory',
};

interface FolderPage {
  value: Array<{ id: string; displayName: string }>;
}

/** Quotes a value for an OData string literal: a single quote is doubled. */
function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * Resolves a folder path such as `Inbox/Invoices` to a folder id. Graph has no path addressing, so
 * each segment below the first is one childFolders request filtered on its display name; a
 * well-known first segment costs nothing.
 */
export async function resolveFolder(api: GraphApi, mailbox: string, path: string): Promise<string> {
  const segments = path.split('/').map((s) => s.trim());
  const user = `/users/${encodeURIComponent(mailbox)}`;
  let parentId: string | null = null;
  let walked = '';
  for (const segment of segments) {
    const wellKnown = DISPLAY_ALIASES[segment.toLowerCase()] ?? segment.toLowerCase();
    if (parentId === null && WELL_KNOWN_FOLDERS.has(wellKnown)) {
      parentId = wellKnown;
      walked = segment;
      continue;
    }
    const list: string =
      parentId === null
        ? `${user}/mailFolders`
        : `${user}/mailFolders/${encodeURIComponent(parentId)}/childFolders`;
    const filter = encodeURIComponent(`displayName eq ${odataString(segment)}`);
    const page: FolderPage = await api.getJson<FolderPage>(
      `${list}?$filter=${filter}&includeHiddenFolders=true`,
    );
    const match = page.value.find((f) => f.displayName.toLowerCase() === segment.toLowerCase());
    if (!match) {
      throw new PostroomError(
        'FOLDER_NOT_FOUND',
        `folder "${segment}" does not exist ${walked ? `under "${walked}"` : 'at the top of the mailbox'} of ${mailbox} (looking for "${path}")`,
      );
    }
    parentId = match.id;
    walked = walked ? `${walked}/${segment}` : segment;
  }
  return parentId!;
}
