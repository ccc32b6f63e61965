import type { MappedValue } from '../../mapping/mapped-metadata';
import { DataType, type Lookup, type TypedValue } from './mfws-types';
import type { PropertyInfo, ValueListItem, ValueListItems } from './vault-metadata';
import { dateIn, parseClock, parseIso, timeIn, utcTimestamp } from './zoned-time';

/**
 * Single-line Text holds 100 characters; M-Files silently cuts longer values sent through the API,
 * so postroom cuts them itself and says so.
 */
export const TEXT_MAX_CHARS = 100;
const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;
const INTEGER_TEXT = /^[+-]?\d+$/;
const DECIMAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const TRUE_WORDS = new Set(['true', 'yes', '1']);
const FALSE_WORDS = new Set(['false', 'no', '0']);

/** Why a value does not fit its property; the caller adds source, property and value. */
export class ConversionProblem extends Error {}

export interface ConversionContext {
  timeZone: string;
  /** Items of the property's value list, for Lookup and MultiSelectLookup. */
  items?: ValueListItems;
}

export interface Converted {
  typed: TypedValue;
  /** Something the caller should log: the value was changed to fit (cut to 100 characters). */
  note?: string;
}

function isEmpty(value: MappedValue): boolean {
  return value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

function single(value: MappedValue): string | number | boolean {
  if (!Array.isArray(value)) return value as string | number | boolean;
  if (value.length === 1) return value[0]!;
  throw new ConversionProblem(`${value.length} values for a property that holds one`);
}

function toText(value: MappedValue, separator: string): string {
  return Array.isArray(value) ? value.join(separator) : String(value);
}

function toInteger(value: MappedValue, min: number, max: number, what: string): number {
  const v = single(value);
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && INTEGER_TEXT.test(v.trim())) n = Number(v.trim());
  else throw new ConversionProblem(`not ${what}`);
  if (!Number.isInteger(n)) throw new ConversionProblem(`not a whole number`);
  if (n < min || n > max) throw new ConversionProblem(`outside the range of ${what} (${min} to ${max})`);
  return n;
}

function toFloating(value: MappedValue): number {
  const v = single(value);
  const n =
    typeof v === 'number' ? v : typeof v === 'string' && DECIMAL_TEXT.test(v.trim()) ? Number(v.trim()) : NaN;
  if (!Number.isFinite(n))
    throw new ConversionProblem('not a number (use a decimal point, no thousands separators)');
  return n;
}

function toBoolean(value: MappedValue): boolean {
  const v = single(value);
  if (typeof v === 'boolean') return v;
  const word = String(v).trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw new ConversionProblem('not a yes/no value (true, false, yes, no, 1, 0)');
}

function isoOf(value: MappedValue, timeZone: string) {
  const v = single(value);
  const parsed = typeof v === 'string' ? parseIso(v, timeZone) : undefined;
  if (!parsed) throw new ConversionProblem('not an ISO 8601 date or date-time');
  return parsed;
}

function toDate(value: MappedValue, timeZone: string): string {
  const parsed = isoOf(value, timeZone);
  return parsed.dateOnly ? parsed.date! : dateIn(parsed.instant, timeZone);
}

function toTime(value: MappedValue, timeZone: string): string {
  const v = single(value);
  const clock = typeof v === 'string' ? parseClock(v) : undefined;
  if (clock) return clock;
  const parsed = typeof v === 'string' ? parseIso(v, timeZone) : undefined;
  if (!parsed || parsed.dateOnly) throw new ConversionProblem('not a time (HH:MM:SS) or ISO 8601 date-time');
  return timeIn(parsed.instant, timeZone);
}

/** A value-list item by name (case-insensitive) or, for numbers and all-digit text, by id. */
function findItem(ref: string | number | boolean, items: ValueListItems | undefined): Lookup {
  const list: ValueListItem[] = items?.items ?? [];
  if (typeof ref === 'boolean') throw new ConversionProblem('a yes/no value cannot choose a value-list item');
  if (typeof ref === 'string') {
    const name = ref.trim().toLowerCase();
    const byName = list.filter((i) => i.name.trim().toLowerCase() === name);
    if (byName.length === 1) return { Item: byName[0]!.id, Version: -1 };
    if (byName.length > 1) {
      throw new ConversionProblem(
        `several items are named "${ref}" (ids ${byName.map((i) => i.id).join(', ')}); map by id`,
      );
    }
    if (!INTEGER_TEXT.test(ref.trim())) throw new ConversionProblem(`no value-list item is named "${ref}"`);
  }
  const id = Number(typeof ref === 'string' ? ref.trim() : ref);
  if (!Number.isInteger(id)) throw new ConversionProblem('not a value-list item id');
  // A list longer than one answer may hold the id beyond what was read: the server checks it.
  if (list.some((i) => i.id === id) || items?.complete === false) return { Item: id, Version: -1 };
  throw new ConversionProblem(`no value-list item has id ${id}`);
}

/**
 * Converts a mapped value to the property's M-Files data type. Returns undefined for an empty
 * value (nothing is set), and throws ConversionProblem when the value does not fit.
 */
export function convertValue(
  property: PropertyInfo,
  value: MappedValue,
  ctx: ConversionContext,
): Converted | undefined {
  if (isEmpty(value)) return undefined;
  const dataType = property.dataType;
  switch (dataType) {
    case DataType.Text: {
      // Single-line: line breaks and tabs become spaces.
      const text = toText(value, ', ')
        .replace(/[\r\n\t]+/g, ' ')
        .trim();
      if (text === '') return undefined;
      const chars = [...text];
      if (chars.length <= TEXT_MAX_CHARS) return { typed: { DataType: dataType, Value: text } };
      return {
        typed: { DataType: dataType, Value: chars.slice(0, TEXT_MAX_CHARS).join('') },
        note: `cut from ${chars.length} to ${TEXT_MAX_CHARS} characters`,
      };
    }
    case DataType.MultiLineText:
      return { typed: { DataType: dataType, Value: toText(value, '\n') } };
    case DataType.Integer:
      return {
        typed: { DataType: dataType, Value: toInteger(value, INT32_MIN, INT32_MAX, 'a 32-bit integer') },
      };
    case DataType.Integer64:
      // JSON numbers carry integers exactly up to 2^53; larger ones would arrive changed.
      return {
        typed: {
          DataType: dataType,
          Value: toInteger(
            value,
            Number.MIN_SAFE_INTEGER,
            Number.MAX_SAFE_INTEGER,
            'an exactly representable integer',
          ),
        },
      };
    case DataType.Floating:
      return { typed: { DataType: dataType, Value: toFloating(value) } };
    case DataType.Date:
      return { typed: { DataType: dataType, Value: toDate(value, ctx.timeZone) } };
    case DataType.Time:
      return { typed: { DataType: dataType, Value: toTime(value, ctx.timeZone) } };
    case DataType.Timestamp:
      return { typed: { DataType: dataType, Value: utcTimestamp(isoOf(value, ctx.timeZone).instant) } };
    case DataType.Boolean:
      return { typed: { DataType: dataType, Value: toBoolean(value) } };
    case DataType.Lookup:
      return { typed: { DataType: dataType, Lookup: findItem(single(value), ctx.items) } };
    case DataType.MultiSelectLookup: {
      const refs = Array.isArray(value) ? value : [value as string | number | boolean];
      const lookups: Lookup[] = [];
      for (const ref of refs) {
        if (ref === '') continue;
        const lookup = findItem(ref, ctx.items);
        if (!lookups.some((l) => l.Item === lookup.Item)) lookups.push(lookup);
      }
      return lookups.length === 0 ? undefined : { typed: { DataType: dataType, Lookups: lookups } };
    }
    default:
      throw new ConversionProblem(`the data type ${dataType} is not supported`);
  }
}
