import {
  MF_DATA_TYPES,
  type SimClass,
  type SimPropertyDef,
  type SimValueList,
  type VaultSchema,
} from './types';

/** M-Files' built-in value list of classes: property 100 (Class) looks up into it. */
export const CLASSES_VALUE_LIST = 1;

/** Built-in property definitions every vault has (the ones postroom touches). */
const BUILT_IN_PROPERTIES: SimPropertyDef[] = [
  { id: 0, name: 'Name or title', dataType: MF_DATA_TYPES.text },
  { id: 20, name: 'Created', dataType: MF_DATA_TYPES.timestamp },
  { id: 21, name: 'Last modified', dataType: MF_DATA_TYPES.timestamp },
  { id: 22, name: 'Single file', dataType: MF_DATA_TYPES.boolean },
  { id: 26, name: 'Keywords', dataType: MF_DATA_TYPES.text },
  { id: 83, name: 'MessageID', dataType: MF_DATA_TYPES.text },
  { id: 84, name: 'InReplyTo', dataType: MF_DATA_TYPES.text },
  { id: 100, name: 'Class', dataType: MF_DATA_TYPES.lookup, valueList: CLASSES_VALUE_LIST },
];

const BUILT_IN_CLASSES: SimClass[] = [
  { id: 0, name: 'Unclassified document', objectType: 0 },
  { id: 1, name: 'Other document', objectType: 0 },
];

/** Properties the server sets itself; a client may not send them. */
export const SERVER_MANAGED_PROPERTIES = new Set([20, 21]);

export interface ResolvedClass {
  id: number;
  name: string;
  objectType: number;
  properties: Array<{ property: number; required: boolean }>;
}

/** The vault's structure with built-ins merged in; configured definitions override built-ins by id. */
export class VaultStructure {
  readonly properties = new Map<number, SimPropertyDef>();
  readonly classes = new Map<number, ResolvedClass>();
  readonly valueLists = new Map<number, SimValueList>();

  constructor(schema: VaultSchema = {}) {
    for (const def of [...BUILT_IN_PROPERTIES, ...(schema.properties ?? [])])
      this.properties.set(def.id, def);
    for (const cls of [...BUILT_IN_CLASSES, ...(schema.classes ?? [])]) {
      // Name or title is every class's name property and always required.
      const properties = [{ property: 0, required: true }];
      for (const p of cls.properties ?? []) {
        if (p.property !== 0) properties.push({ property: p.property, required: p.required ?? false });
      }
      this.classes.set(cls.id, { id: cls.id, name: cls.name, objectType: cls.objectType ?? 0, properties });
    }
    for (const list of schema.valueLists ?? []) {
      if (list.id === CLASSES_VALUE_LIST) throw new Error('value list 1 is the built-in class list');
      this.valueLists.set(list.id, { ...list, items: list.items.map((i) => ({ ...i })) });
    }
    for (const def of this.properties.values()) {
      const isLookup =
        def.dataType === MF_DATA_TYPES.lookup || def.dataType === MF_DATA_TYPES.multiSelectLookup;
      if (isLookup && def.valueList !== CLASSES_VALUE_LIST && !this.valueLists.has(def.valueList ?? NaN)) {
        throw new Error(
          `property ${def.id} (${def.name}) refers to unknown value list ${String(def.valueList)}`,
        );
      }
    }
  }

  /** Items of a value list; the class list is built from the classes. */
  items(valueList: number): Array<{ id: number; name: string; deleted: boolean }> | undefined {
    if (valueList === CLASSES_VALUE_LIST) {
      return [...this.classes.values()].map((c) => ({ id: c.id, name: c.name, deleted: false }));
    }
    return this.valueLists
      .get(valueList)
      ?.items.map((i) => ({ id: i.id, name: i.name, deleted: i.deleted ?? false }));
  }

  valueListName(valueList: number): string | undefined {
    return valueList === CLASSES_VALUE_LIST ? 'Class' : this.valueLists.get(valueList)?.name;
  }
}
