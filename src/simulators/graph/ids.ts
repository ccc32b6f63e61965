import { createHash, randomBytes } from 'node:crypto';

/**
 * Makes the simulator's ids. Random by default; with a seed the same sequence of operations yields
 * the same ids, so a restarted demo mailbox is recognised by postroom's ledger and backend.
 *
 * Exchange REST ids are long URL-safe base64 strings that often end in '='. Imitating that shape
 * (including '-', '_' and the padding) keeps clients honest about encoding ids in paths and bodies.
 */
export class IdSource {
  #counter = 0;

  constructor(private readonly seed?: number) {}

  #bytes(count: number): Buffer {
    if (this.seed === undefined) return randomBytes(count);
    const out: Buffer[] = [];
    let length = 0;
    while (length < count) {
      const block = createHash('sha256').update(`${this.seed}:${this.#counter++}`).digest();
      out.push(block);
      length += block.length;
    }
    return Buffer.concat(out).subarray(0, count);
  }

  #exchangeLike(prefix: string, bytes: number): string {
    return `${prefix}${this.#bytes(bytes).toString('base64url')}AAA=`;
  }

  messageId = (): string => this.#exchangeLike('AAMkAGI2TG93AAA', 42);
  immutableId = (): string => this.#exchangeLike('AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0A', 30);
  folderId = (): string => this.#exchangeLike('AQMkADAwATM0MDAAMS1', 24);
  changeKey = (): string => `CQAAABYAAAA${this.#bytes(12).toString('base64url')}`;
  userId = (): string => {
    const hex = this.#bytes(16).toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  };
}

const ID_SHAPE = /^[A-Za-z0-9_\-+/]{16,}=*$/;

/** Exchange answers 400 ErrorInvalidIdMalformed (not 404) for strings that cannot be an id at all. */
export function looksLikeExchangeId(value: string): boolean {
  return ID_SHAPE.test(value);
}

/** Graph renders DateTimeOffset values in UTC without fractional seconds. */
export function graphDateTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
