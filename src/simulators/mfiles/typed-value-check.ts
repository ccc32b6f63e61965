import { validationError } from './mfws-errors';
import { MF_DATA_TYPES, type LookupJson, type SimPropertyDef, type TypedValueJson } from './types';
import type { VaultStructure } from './vault-schema';

/**
 * Single-line Text keeps this many characters. The M-Files user guide: longer values sent through
 * the API "will be cut and the full value is lost" — no error.
 */
export const TEXT_MAX_CHARS = 100;
const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)(:([0-5]\d)(\.\d{1,7})?)?$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})?$/;

function validDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return (
    d.getUTCFullYear() === Number(m[1]) &&
    d.getUTCMonth() === Number(m[2]) - 1 &&
    d.getUTCDate() === Number(m[3])
  );
}

function empty(dataType: number): TypedValueJson {
  return { DataType: dataType, HasValue: false, Value: null, DisplayValue: '' };
}

/**
 * Checks one TypedValue against its property definition, as the server does on object creation,
 * and returns it as it would be stored (with DisplayValue; Text cut to 100 characters).
 */
export function checkTypedValue(
  def: SimPropertyDef,
  typed: TypedValueJson,
  structure: VaultStructure,
): TypedValueJson {
  const label = `property ${def.id} (${def.name})`;
  if (typed.DataType !== def.dataType) {
    throw validationError(
      `The data type ${String(typed.DataType)} does not match the data type ${def.dataType} of ${label}.`,
    );
  }
  const value = typed.Value;
  const bad = (what: string): never => {
    throw validationError(`Invalid value ${JSON.stringify(value ?? null)} for ${label}: ${what}.`);
  };
  switch (def.dataType) {
    case MF_DATA_TYPES.text:
    case MF_DATA_TYPES.multiLineText: {
      if (value === null || value === undefined || value === '') return empty(def.dataType);
      if (typeof value !== 'string') return bad('expected a string');
      const stored =
        def.dataType === MF_DATA_TYPES.text ? [...value].slice(0, TEXT_MAX_CHARS).join('') : value;
      return { DataType: def.dataType, HasValue: true, Value: stored, DisplayValue: stored };
    }
    case MF_DATA_TYPES.integer:
      if (value === null || value === undefined) return empty(def.dataType);
      if (typeof value !== 'number' || !Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
        return bad('expected a 32-bit integer');
      }
      return { DataType: def.dataType, HasValue: true, Value: value, DisplayValue: String(value) };
    case MF_DATA_TYPES.integer64: {
      if (value === null || value === undefined) return empty(def.dataType);
      const ok =
        (typeof value === 'number' && Number.isSafeInteger(value)) ||
        (typeof value === 'string' &&
          /^-?\d{1,19}$/.test(value) &&
          BigInt(value) >= -(2n ** 63n) &&
          BigInt(value) < 2n ** 63n);
      if (!ok) return bad('expected a 64-bit integer');
      return { DataType: def.dataType, HasValue: true, Value: value, DisplayValue: String(value) };
    }
    case MF_DATA_TYPES.floating:
      if (value === null || value === undefined) return empty(def.dataType);
      if (typeof value !== 'number' || !Number.isFinite(value)) return bad('expected a number');
      return { DataType: def.dataType, HasValue: true, Value: value, DisplayValue: String(value) };
    case MF_DATA_TYPES.date:
      if (value === null || value === undefined) return empty(def.dataType);
      if (typeof value !== 'string' || !validDate(value)) return bad('expected a date YYYY-MM-DD');
      return { DataType: def.dataType, HasValue: true, Value: value, DisplayValue: value };
    case MF_DATA_TYPES.time:
      if (value === null || value === undefined) return empty(def.dataType);
      if (typeof value !== 'string' || !TIME.test(value)) return bad('expected a time HH:MM:SS');
      return { DataType: def.dataType, HasValue: true, Value: value, DisplayValue: value };
    case MF_DATA_TYPES.timestamp:
      if (value === null || value === undefined) return empty(def.dataType);
      if (typeof value !== 'string' || !TIMESTAMP.test(value) || Number.isNaN(Date.parse(value))) {
        return bad('expected an ISO 8601 timestamp');
      }
      return { DataType: def.dataType, HasValue: true, Value: value, DisplayValue: value };
    case MF_DATA_TYPES.boolean:
      if (value === null || value === undefined) return empty(def.dataType);
      if (typeof value !== 'boolean') return bad('expected true or false');
      return { DataType: def.dataType, HasValue: true, Value: value, DisplayValue: value ? 'Yes' : 'No' };
    case MF_DATA_TYPES.lookup: {
      if (!typed.Lookup) return empty(def.dataType);
      const lookup = checkLookup(def, typed.Lookup, structure);
      return { DataType: def.dataType, HasValue: true, Lookup: lookup, DisplayValue: lookup.DisplayValue };
    }
    case MF_DATA_TYPES.multiSelectLookup: {
      if (!Array.isArray(typed.Lookups) || typed.Lookups.length === 0)
        return { ...empty(def.dataType), Lookups: [] };
      const lookups = typed.Lookups.map((l) => checkLookup(def, l, structure));
      const ids = lookups.map((l) => l.Item);
      if (new Set(ids).size !== ids.length)
        throw validationError(`The same item is selected twice in ${label}.`);
      return {
        DataType: def.dataType,
        HasValue: true,
        Lookups: lookups,
        DisplayValue: lookups.map((l) => l.DisplayValue).join('; '),
      };
    }
    default:
      throw validationError(`Unsupported data type ${String(def.dataType)} of ${label}.`);
  }
}

function checkLookup(def: SimPropertyDef, lookup: LookupJson, structure: VaultStructure): LookupJson {
  const label = `property ${def.id} (${def.name})`;
  if (typeof lookup?.Item !== 'number' || !Number.isInteger(lookup.Item)) {
    throw validationError(`A lookup in ${label} has no item id.`);
  }
  if (lookup.Version !== -1) {
    throw validationError(
      `A lookup in ${label} must refer to the latest version (Version -1), got ${String(lookup.Version)}.`,
    );
  }
  const items = structure.items(def.valueList ?? NaN) ?? [];
  const item = items.find((i) => i.id === lookup.Item);
  if (!item || item.deleted) {
    const list = structure.valueListName(def.valueList ?? NaN) ?? String(def.valueList);
    throw validationError(`The value list "${list}" has no item with id ${lookup.Item} (${label}).`);
  }
  return { Item: item.id, Version: -1, DisplayValue: item.name, Deleted: false };
}
