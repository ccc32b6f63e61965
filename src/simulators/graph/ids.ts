import { randomBytes } from 'node:crypto';

/*
 * Exchange REST ids are long URL-safe base64 strings that often end in '='. Imitating that shape
 * (including '-', '_' and the padding) keeps clients honest about encoding ids in paths and bodies.
 */
function exchangeLikeId(prefix: string, bytes: number): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}AAA=`;
}

export const newMessageId = (): string => exchangeLikeId('AAMkAGI2TG93AAA', 42);
export const newImmutableId = (): string => exchangeLikeId('AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0A', 30);
export const newFolderId = (): string => exchangeLikeId('AQMkADAwATM0MDAAMS1', 24);
export const newChangeKey = (): string => `CQAAABYAAAA${randomBytes(12).toString('base64url')}`;

const ID_SHAPE = /^[A-Za-z0-9_\-+/]{16,}=*$/;

/** Exchange answers 400 ErrorInvalidIdMalformed (not 404) for strings that cannot be an id at all. */
export function looksLikeExchangeId(value: string): boolean {
  return ID_SHAPE.test(value);
}

/** Graph renders DateTimeOffset values in UTC without fractional seconds. */
export function graphDateTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
