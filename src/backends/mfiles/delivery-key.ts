import { createHash } from 'node:crypto';
import type { DeliveryKey } from '../document-sink';
import { TEXT_MAX_CHARS } from './property-conversion';

/** Hex digits of the hash kept in the key: 160 bits, no collision in any vault's lifetime. */
const KEY_HASH_CHARS = 40;
const KEY_PREFIX = 'postroom:';
/** Room left for the part id after prefix, hash and '#' within a 100-character Text value. */
const MAX_PART_CHARS = TEXT_MAX_CHARS - KEY_PREFIX.length - KEY_HASH_CHARS - 1;

/**
 * The value stored in the key property: `postroom:<40 hex>` for a message's document and
 * `postroom:<40 hex>#<part>` for a per-attachment document. The hash covers source, Graph message
 * id and part (Graph ids alone are ~150 characters, more than a Text property holds); the visible
 * part suffix tells attachment documents apart without reading anything else.
 */
export function deliveryKeyValue(key: DeliveryKey): string {
  const part = key.part ?? '';
  const hash = createHash('sha256')
    .update(`${key.sourceId}\0${key.messageId}\0${part}`)
    .digest('hex')
    .slice(0, KEY_HASH_CHARS);
  return part === '' ? `${KEY_PREFIX}${hash}` : `${KEY_PREFIX}${hash}#${part.slice(0, MAX_PART_CHARS)}`;
}

/** Whether a stored key belongs to a per-attachment document. */
export function isPartKey(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith(KEY_PREFIX) && value.includes('#');
}

/**
 * The Message-ID as stored and searched: trimmed and, for a single-line Text property, cut to the
 * 100 characters M-Files keeps — the search must ask for exactly what the vault holds.
 */
export function storedMessageId(internetMessageId: string, singleLine: boolean): string {
  const trimmed = internetMessageId.trim();
  return singleLine ? [...trimmed].slice(0, TEXT_MAX_CHARS).join('') : trimmed;
}
