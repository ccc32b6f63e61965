import {
  asBoolean,
  asChoice,
  asIsoDateTime,
  asNumber,
  asText,
  ValueMismatch,
  type PresentValue,
} from '../value-conversion';
import type { PaperlessCustomField } from './paperless-lookups';

export { ValueMismatch };

/** Paperless keeps string custom fields to this many characters (longtext has no such limit). */
export const MAX_STRING_FIELD_CHARS = 128;

export type CustomFieldJson = string | number | boolean;

/** Converts a backend-neutral value to what Paperless accepts for the field's data type. */
export function customFieldValue(field: PaperlessCustomField, value: PresentValue): CustomFieldJson {
  switch (field.data_type) {
    case 'string': {
      const out = asText(value);
      if (out.length > MAX_STRING_FIELD_CHARS)
        throw new ValueMismatch(
          `is ${out.length} characters long; a string field takes ${MAX_STRING_FIELD_CHARS}`,
        );
      return out;
    }
    case 'longtext':
    case 'url':
      return asText(value);
    case 'integer': {
      const n = asNumber(value);
      if (!Number.isInteger(n)) throw new ValueMismatch('is not a whole number');
      return n;
    }
    case 'float':
      return asNumber(value);
    case 'monetary':
      // "EUR12.50" passes as written; a bare number becomes an amount with two decimals.
      if (typeof value === 'string' && /^[A-Z]{3}-?\d+(\.\d{1,2})?$/.test(value.trim())) return value.trim();
      return asNumber(value).toFixed(2);
    case 'boolean':
      return asBoolean(value);
    case 'date':
      // The date as written (its own time zone), not shifted to UTC.
      return asIsoDateTime(value).slice(0, 10);
    case 'select': {
      // API 7+ lists {id, label}; the value to send is the option's id.
      const options = (field.extra_data?.select_options ?? []).filter(
        (o): o is { id: string | number; label: string } => typeof o !== 'string',
      );
      const label = asChoice(
        value,
        options.map((o) => o.label),
      );
      return options.find((o) => o.label === label)!.id;
    }
    default:
      throw new ValueMismatch(`cannot be written to a ${field.data_type} field`);
  }
}
