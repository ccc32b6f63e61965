import { PostroomError } from '../../errors/postroom-error';
import type { ActionHints, ActionOutcome, MailboxAction } from '../mail-source';
import { resolveFolder } from './folder-resolver';
import type { GraphApi } from './graph-api';

const isNotFound = (err: unknown): boolean => err instanceof PostroomError && err.code === 'GRAPH_NOT_FOUND';

/**
 * After-import actions on one mailbox through GraphApi (so the per-mailbox gate, the budget and
 * Retry-After apply). Every request states the end result, so repeating one is harmless:
 *
 * - markRead: PATCH isRead true.
 * - category: PATCH the whole category list with the name added; the list comes from the delta page
 *   when the caller can vouch for it, otherwise from one GET. Nothing is sent when it is there.
 * - move: POST move to the folder resolved from its path (cached per process, re-resolved once when
 *   the cached folder has gone).
 * - delete: POST move to Deleted Items. That is what Graph's DELETE does to a message, but a DELETE
 *   repeated after a lost answer would find the message in Deleted Items and delete it from there
 *   too; a repeated move changes nothing. A message already gone counts as deleted.
 *
 * Message ids are immutable ids (GraphApi asks for them on every request), which a move keeps.
 */
export class GraphActions {
  readonly #folders = new Map<string, string>();

  constructor(
    private readonly api: GraphApi,
    private readonly mailbox: string,
  ) {}

  async apply(messageId: string, action: MailboxAction, hints: ActionHints = {}): Promise<ActionOutcome> {
    const path = `/users/${encodeURIComponent(this.mailbox)}/messages/${encodeURIComponent(messageId)}`;
    switch (action.kind) {
      case 'markRead':
        await this.api.send('PATCH', path, { isRead: true });
        return { changed: true };
      case 'category':
        return this.#addCategory(path, action.name, hints.knownCategories);
      case 'move':
        await this.#move(path, action.folder);
        return { changed: true };
      case 'delete':
        try {
          await this.api.send('POST', `${path}/move`, { destinationId: 'deleteditems' });
          return { changed: true };
        } catch (err) {
          if (isNotFound(err)) return { changed: false, note: 'the message is no longer in the mailbox' };
          throw err;
        }
    }
  }

  async #addCategory(path: string, name: string, known: string[] | undefined): Promise<ActionOutcome> {
    const current =
      known ??
      (await this.api.getJson<{ categories?: string[] }>(`${path}?$select=categories`)).categories ??
      [];
    // Outlook treats category names case-insensitively.
    if (current.some((c) => c.toLowerCase() === name.toLowerCase())) {
      return { changed: false, note: `the message already has category "${name}"` };
    }
    await this.api.send('PATCH', path, { categories: [...current, name] });
    return { changed: true };
  }

  async #folderId(folder: string): Promise<{ id: string; cached: boolean }> {
    const key = folder.toLowerCase();
    const cached = this.#folders.get(key);
    if (cached) return { id: cached, cached: true };
    const id = await resolveFolder(this.api, this.mailbox, folder);
    this.#folders.set(key, id);
    return { id, cached: false };
  }

  async #move(path: string, folder: string): Promise<void> {
    const target = await this.#folderId(folder);
    try {
      await this.api.send('POST', `${path}/move`, { destinationId: target.id });
    } catch (err) {
      if (!(target.cached && isNotFound(err))) throw err;
      // The folder may have been deleted and made again under the same path since it was cached.
      this.#folders.delete(folder.toLowerCase());
      const fresh = await this.#folderId(folder);
      if (fresh.id === target.id) throw err;
      await this.api.send('POST', `${path}/move`, { destinationId: fresh.id });
    }
  }
}
