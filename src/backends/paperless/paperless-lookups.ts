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

/** Lists are cached this long; objects created in Paperless meanwhile show up after it. */
const CACHE_TTL_MS = 5 * 60 * 1000;
/** A name not found in a list older than this reloads the list once (someone may just have created it). */
const RELOAD_ON_MISS_AFTER_MS = 30 * 1000;

interface CachedList<T> {
  items: T[];
  loadedAt: number;
}

export type Lookup<T> = { found: T } | { missing: string };

/**
 * Resolves names (and checks ids) of correspondents, document types, storage paths, tags and custom
 * fields against Paperless' own lists, read whole and cached, so a delivery costs no extra request
 * in the common case.
 */
export class PaperlessLookups {
  readonly #lists = new Map<string, CachedList<PaperlessObject>>();
  readonly #loading = new Map<string, Promise<CachedList<PaperlessObject>>>();

  constructor(private readonly client: PaperlessClient) {}

  object(kind: PaperlessObjectKind, ref: string | number): Promise<Lookup<PaperlessObject>> {
    return this.#find(kind, ref);
  }

  customField(ref: string | number): Promise<Lookup<PaperlessCustomField>> {
    return this.#find('custom_fields', ref) as Promise<Lookup<PaperlessCustomField>>;
  }

  async #find(kind: string, ref: string | number): Promise<Lookup<PaperlessObject>> {
    let list = await this.#list(kind, false);
    let match = pick(list.items, ref);
    if (!('found' in match) && Date.now() - list.loadedAt > RELOAD_ON_MISS_AFTER_MS) {
      list = await this.#list(kind, true);
      match = pick(list.items, ref);
    }
    return match;
  }

  async #list(kind: string, reload: boolean): Promise<CachedList<PaperlessObject>> {
    const cached = this.#lists.get(kind);
    if (cached && !reload && Date.now() - cached.loadedAt < CACHE_TTL_MS) return cached;
    // Concurrent deliveries share one load.
    let loading = this.#loading.get(kind);
    if (!loading) {
      loading = this.client
        .listAll<PaperlessObject>(`/api/${kind}/`)
        .then((items) => {
          const fresh = { items, loadedAt: Date.now() };
          this.#lists.set(kind, fresh);
          return fresh;
        })
        .finally(() => this.#loading.delete(kind));
      this.#loading.set(kind, loading);
    }
    return loading;
  }
}

/** By id for numbers; by name for strings, exact first, then ignoring case when that is unambiguous. */
function pick(items: PaperlessObject[], ref: string | number): Lookup<PaperlessObject> {
  if (typeof ref === 'number') {
    const byId = items.find((o) => o.id === ref);
    return byId ? { found: byId } : { missing: `no id ${ref}` };
  }
  const exact = items.filter((o) => o.name === ref);
  if (exact.length === 1) return { found: exact[0]! };
  const folded = items.filter((o) => o.name.toLowerCase() === ref.toLowerCase());
  if (folded.length === 1) return { found: folded[0]! };
  if (folded.length > 1)
    return { missing: `the name is ambiguous (ids ${folded.map((o) => o.id).join(', ')}): use an id` };
  return { missing: 'no such name' };
}
