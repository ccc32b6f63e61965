import type { SimResponse } from '../graph/http-io';
import { notFound } from './mfws-errors';
import type { ResolvedClass, VaultStructure } from './vault-schema';
import type { SimPropertyDef } from './types';

/** Ids below this are M-Files' built-in definitions. */
const FIRST_CUSTOM_ID = 1000;

function classJson(c: ResolvedClass): Record<string, unknown> {
  return {
    ID: c.id,
    Name: c.name,
    ObjectType: c.objectType,
    NamePropertyDef: 0,
    Workflow: 0,
    AssociatedPropertyDefs: c.properties.map((p) => ({ PropertyDef: p.property, Required: p.required })),
  };
}

function propertyJson(d: SimPropertyDef): Record<string, unknown> {
  return {
    ID: d.id,
    Name: d.name,
    DataType: d.dataType,
    ValueList: d.valueList ?? 0,
    BasedOnValueList: d.valueList !== undefined,
    AllObjectTypes: true,
    ObjectType: 0,
    Predefined: d.id < FIRST_CUSTOM_ID,
  };
}

const ok = (json: unknown): SimResponse => ({ status: 200, json });

/** GET /REST/structure/classes[/(id)] and /REST/structure/properties[/(id)]. */
export function handleStructure(
  structure: VaultStructure,
  area: string,
  id: string | undefined,
): SimResponse {
  if (area === 'classes') {
    if (id === undefined) return ok([...structure.classes.values()].map(classJson));
    const cls = structure.classes.get(Number(id));
    if (!cls) throw notFound(`The class ${id} does not exist.`);
    return ok(classJson(cls));
  }
  if (id === undefined) return ok([...structure.properties.values()].map(propertyJson));
  const def = structure.properties.get(Number(id));
  if (!def) throw notFound(`The property definition ${id} does not exist.`);
  return ok(propertyJson(def));
}

/** GET /REST/valuelists/(id)/items: live items only, as Results<ValueListItem>. */
export function handleValueListItems(structure: VaultStructure, id: string): SimResponse {
  const valueList = Number(id);
  const items = structure.items(valueList);
  if (!items) throw notFound(`The value list ${id} does not exist.`);
  return ok({
    Items: items
      .filter((i) => !i.deleted)
      .map((i) => ({
        ID: i.id,
        Name: i.name,
        ValueListID: valueList,
        DisplayID: String(i.id),
        HasOwner: false,
        HasParent: false,
      })),
    MoreResults: false,
  });
}
