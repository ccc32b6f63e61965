import type { MFilesClient } from './mfiles-client';
import type { ObjectClassJson, PropertyDefJson, Results, ValueListItemJson } from './mfws-types';

/** Classes, property definitions and value lists change rarely: re-read them this often. */
export const STRUCTURE_TTL_MS = 10 * 60 * 1000;

export interface ClassInfo {
  id: number;
  name: string;
  objectType: number;
  properties: Array<{ property: number; required: boolean }>;
}

export interface PropertyInfo {
  id: number;
  name: string;
  dataType: number;
  valueList?: number;
}

export interface ValueListItem {
  id: number;
  name: string;
}

export interface ValueListItems {
  items: ValueListItem[];
  /** False when the server had more items than it returned (MoreResults). */
  complete: boolean;
}

interface Cached<T> {
  at: number;
  value: Promise<T>;
}

interface Structure {
  classes: ClassInfo[];
  properties: PropertyInfo[];
}

function matches(entry: { id: number; name: string }, ref: string | number): boolean {
  if (typeof ref === 'number') return entry.id === ref;
  return entry.name.trim().toLowerCase() === ref.trim().toLowerCase();
}

/** A reference that is all digits names an id; anything else a name. */
function normalizeRef(ref: string | number): string | number {
  return typeof ref === 'string' && /^\d+$/.test(ref.trim()) ? Number(ref.trim()) : ref;
}

/**
 * The vault's structure as the sink needs it to turn names into ids and values into typed values.
 * Read once and cached; a name that is not found triggers one fresh read before giving up, so a
 * class or value-list item added in M-Files Admin works without a restart.
 */
export class VaultMetadata {
  #structure: Cached<Structure> | undefined;
  readonly #items = new Map<number, Cached<ValueListItems>>();

  constructor(
    private readonly client: MFilesClient,
    private readonly ttlMs = STRUCTURE_TTL_MS,
  ) {}

  #fresh<T>(cached: Cached<T> | undefined, load: () => Promise<T>, force: boolean): Cached<T> {
    if (cached && !force && Date.now() - cached.at < this.ttlMs) return cached;
    return { at: Date.now(), value: load() };
  }

  async #load(force = false): Promise<Structure> {
    this.#structure = this.#fresh(
      this.#structure,
      () =>
        this.client.run(async (api) => {
          const [classes, properties] = await Promise.all([
            api.get<ObjectClassJson[]>('/structure/classes'),
            api.get<PropertyDefJson[]>('/structure/properties'),
          ]);
          return {
            classes: classes.map((c) => ({
              id: c.ID,
              name: c.Name,
              objectType: c.ObjectType,
              properties: (c.AssociatedPropertyDefs ?? []).map((p) => ({
                property: p.PropertyDef,
                required: p.Required,
              })),
            })),
            properties: properties.map((p) => ({
              id: p.ID,
              name: p.Name,
              dataType: p.DataType,
              valueList: p.ValueList || undefined,
            })),
          };
        }),
      force,
    );
    const entry = this.#structure;
    // A failed read is not cached: the next delivery tries again.
    entry.value.catch(() => {
      if (this.#structure === entry) this.#structure = undefined;
    });
    return entry.value;
  }

  /** A class of the object type, by id or name; undefined when the vault has none such. */
  async findClass(ref: string | number, objectType: number): Promise<ClassInfo | undefined> {
    const wanted = normalizeRef(ref);
    const pick = (s: Structure) => s.classes.find((c) => c.objectType === objectType && matches(c, wanted));
    return pick(await this.#load()) ?? pick(await this.#load(true));
  }

  /** A property definition by id or name; undefined when the vault has none such. */
  async findProperty(ref: string | number): Promise<PropertyInfo | undefined> {
    const wanted = normalizeRef(ref);
    const pick = (s: Structure) => s.properties.find((p) => matches(p, wanted));
    return pick(await this.#load()) ?? pick(await this.#load(true));
  }

  async property(id: number): Promise<PropertyInfo | undefined> {
    return (await this.#load()).properties.find((p) => p.id === id);
  }

  /** Live items of a value list; `refresh` re-reads them (after a name was not found). */
  async items(valueList: number, refresh = false): Promise<ValueListItems> {
    const entry = this.#fresh(
      this.#items.get(valueList),
      () =>
        this.client.run(async (api) => {
          const results = await api.get<Results<ValueListItemJson>>(`/valuelists/${valueList}/items`);
          return {
            items: results.Items.map((i) => ({ id: i.ID, name: i.Name })),
            complete: !results.MoreResults,
          };
        }),
      refresh,
    );
    this.#items.set(valueList, entry);
    entry.value.catch(() => {
      if (this.#items.get(valueList) === entry) this.#items.delete(valueList);
    });
    return entry.value;
  }
}
