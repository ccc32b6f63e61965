import type { MappedValue } from '../../mapping/mapped-metadata';
import type { PaperlessCustomField } from './paperless-lookups';

/** Paperless keeps string custom fields to this many characters (longtext has no such limit). */
export const MAX_STRING_FIELD_CHARS = 128;

export type CustomFieldJson = string | number | boolean;

/** A value that does not fit the field: the reason, for METADATA_INVALID. */
export class ValueMismatch extends Error {}

function text(value: Exclude<MappedValue, null>): string {
  return Array.isArray(value) ? value.join(', ') : String(value);
}

function numeric(value: Exclude<MappedValue, null>): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN;
  if (typeof value === 'string' && value.trim() === '') throw new ValueMismatch('is empty');
  if (!Number.isFinite(n)) throw new ValueMismatch('is not a number');
  return n;
}

const TRUE = new Set(['true', 'yes', '1', 'y', 'on']);
const FALSE = new Set(['false', 'no', '0', 'n', 'off']);

/** Converts a backend-neutral value to what Paperless accepts for the field's data type. */
export function customFieldValue(
  field: PaperlessCustomField,
  value: Exclude<MappedValue, null>,
): CustomFieldJson {
  switch (field.data_type) {
    case 'string': {
      const out = text(value);
      if (out.length > MAX_STRING_FIELD_CHARS)
        throw new ValueMismatch(
          `is ${out.length} characters long; a string field takes ${MAX_STRING_FIELD_CHARS}`,
        );
      return out;
    }
    case 'longtext':
    case 'url':
      return text(value);
    case 'integer': {
      const n = numeric(value);
      if (!Number.isInteger(n)) throw new ValueMismatch('is not a whole number');
      return n;
    }
    case 'float':
      return numeric(value);
    case 'monetary':
      // "EUR12.50" passes as written; a bare number becomes an amount with two decimals.
      if (typeof value === 'string' && /^[A-Z]{3}-?\d+(\.\d{1,2})?$/.test(value.trim())) return value.trim();
      return numeric(value).toFixed(2);
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      const word = text(value).trim().toLowerCase();
      if (TRUE.has(word)) return true;
      if (FALSE.has(word)) return false;
      throw new ValueMismatch('is not a yes/no value');
    }
    case 'date': {
      // The date as written (its own time zone), not shifted to UTC.
      const match = /^(\d{4}-\d{2}-\d{2})/.exec(text(value).trim());
      if (!match || Number.isNaN(Date.parse(match[1]!))) throw new ValueMismatch('is not an ISO date');
      return match[1]!;
    }
    case 'select': {
      const label = text(value).trim().toLowerCase();
      for (const option of field.extra_data?.select_options ?? []) {
        // API 7+ lists {id, label}; older servers list bare labels whose index is the value.
        if (typeof option === 'string') continue;
        if (option.label.toLowerCase() === label) return option.id;
      }
      const labels = (field.extra_data?.select_options ?? []).map((o) =>
        typeof o === 'string' ? o : o.label,
      );
      throw new ValueMismatch(`is not one of the options (${labels.join(', ')})`);
    }
    default:
      throw new ValueMismatch(`cannot be written to a ${field.data_type} field`);
  }
}
