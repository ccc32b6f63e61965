/** Lists are cached this long; objects created in the backend meanwhile show up after it. */
const CACHE_TTL_MS = 5 * 60 * 1000;
/** A lookup that misses in a list older than this reloads it once (someone may just have added the entry). */
const RELOAD_ON_MISS_AFTER_MS = 30 * 1000;

/**
 * A backend's list (tags, custom fields, library columns) read whole and cached, so resolving names
 * costs no request per delivery. Concurrent loads share one request; a miss in a list that is no
 * longer fresh reloads it once before the name is declared unknown.
 */
export class RefreshingList<T> {
  #cached: { items: T[]; loadedAt: number } | undefined;
  #loading: Promise<{ items: T[]; loadedAt: number }> | undefined;

  constructor(private readonly load: () => Promise<T[]>) {}

  /** The first item `match` accepts, reloading a stale list once when none does. */
  async find(match: (items: T[]) => T | undefined): Promise<T | undefined> {
    let list = await this.#get(false);
    let found = match(list.items);
    if (found === undefined && Date.now() - list.loadedAt > RELOAD_ON_MISS_AFTER_MS) {
      list = await this.#get(true);
      found = match(list.items);
    }
    return found;
  }

  /** The items, for messages that list what exists. */
  async items(): Promise<T[]> {
    return (await this.#get(false)).items;
  }

  #get(reload: boolean): Promise<{ items: T[]; loadedAt: number }> {
    const cached = this.#cached;
    if (cached && !reload && Date.now() - cached.loadedAt < CACHE_TTL_MS) return Promise.resolve(cached);
    this.#loading ??= this.load()
      .then((items) => (this.#cached = { items, loadedAt: Date.now() }))
      .finally(() => (this.#loading = undefined));
    return this.#loading;
  }
}
