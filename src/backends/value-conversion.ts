import type { MappedValue } from '../mapping/mapped-metadata';

/**
 * Conversions from backend-neutral mapped values to the plain types backends store. Each throws
 * ValueMismatch with the reason, which the backend wraps into METADATA_INVALID naming the source,
 * the property and the value.
 */
export class ValueMismatch extends Error {}

export type PresentValue = Exclude<MappedValue, null>;

export function asText(value: PresentValue, separator = ', '): string {
  return Array.isArray(value) ? value.join(separator) : String(value);
}

export function asNumber(value: PresentValue): number {
  if (typeof value === 'string' && value.trim() === '') throw new ValueMismatch('is empty');
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN;
  if (!Number.isFinite(n)) throw new ValueMismatch('is not a number');
  return n;
}

const TRUE = new Set(['true', 'yes', '1', 'y', 'on']);
const FALSE = new Set(['false', 'no', '0', 'n', 'off']);

export function asBoolean(value: PresentValue): boolean {
  if (typeof value === 'boolean') return value;
  const word = asText(value).trim().toLowerCase();
  if (TRUE.has(word)) return true;
  if (FALSE.has(word)) return false;
  throw new ValueMismatch('is not a yes/no value');
}

/** An ISO date or date-time as written; throws unless it parses. */
export function asIsoDateTime(value: PresentValue): string {
  const text = asText(value).trim();
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(Date.parse(text)))
    throw new ValueMismatch('is not an ISO date');
  return text;
}

/** The option matching the value, ignoring case, spelled as the option is. */
export function asChoice(value: PresentValue, options: string[]): string {
  const wanted = asText(value).trim().toLowerCase();
  const match = options.find((o) => o.toLowerCase() === wanted);
  if (match === undefined) throw new ValueMismatch(`is not one of the options (${options.join(', ')})`);
  return match;
}
