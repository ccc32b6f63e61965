import { RefreshingList } from '../refreshing-list';
import type { PaperlessClient } from './paperless-client';

/** The object lists documents refer to by id. */
export type PaperlessObjectKind = 'correspondents' | 'document_types' | 'storage_paths' | 'tags';

export interface PaperlessObject {
  id: number;
  name: string;
}

export interface PaperlessCustomField extends PaperlessObject {
  data_type: string;
  extra_data?: { select_options?: Array<{ id: string | number; label: string } | string> } | null;
}

export type Lookup<T> = { found: T } | { missing: string };

/**
 * Resolves names (and checks ids) of correspondents, document types, storage paths, tags and custom
 * fields against Paperless' own lists, read whole and cached.
 */
export class PaperlessLookups {
  readonly #lists = new Map<string, RefreshingList<PaperlessObject>>();

  constructor(private readonly client: PaperlessClient) {}

  object(kind: PaperlessObjectKind, ref: string | number): Promise<Lookup<PaperlessObject>> {
    return this.#find(kind, ref);
  }

  customField(ref: string | number): Promise<Lookup<PaperlessCustomField>> {
    return this.#find('custom_fields', ref) as Promise<Lookup<PaperlessCustomField>>;
  }

  async #find(kind: string, ref: string | number): Promise<Lookup<PaperlessObject>> {
    let list = this.#lists.get(kind);
    if (!list) {
      list = new RefreshingList(() => this.client.listAll<PaperlessObject>(`/api/${kind}/`));
      this.#lists.set(kind, list);
    }
    const found = await list.find((items) => pick(items, ref));
    return found ? { found } : { missing: whyMissing(await list.items(), ref) };
  }
}

/** By id for numbers; by name for strings, exact first, then ignoring case when that is unambiguous. */
function pick(items: PaperlessObject[], ref: string | number): PaperlessObject | undefined {
  if (typeof ref === 'number') return items.find((o) => o.id === ref);
  const exact = items.filter((o) => o.name === ref);
  if (exact.length === 1) return exact[0];
  const folded = items.filter((o) => o.name.toLowerCase() === ref.toLowerCase());
  return folded.length === 1 ? folded[0] : undefined;
}

function whyMissing(items: PaperlessObject[], ref: string | number): string {
  if (typeof ref === 'number') return `no id ${ref}`;
  const folded = items.filter((o) => o.name.toLowerCase() === ref.toLowerCase());
  if (folded.length > 1)
    return `the name is ambiguous (ids ${folded.map((o) => o.id).join(', ')}): use an id`;
  return 'no such name';
}
