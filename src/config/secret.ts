import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { PostroomError } from '../errors/postroom-error';
import { registerSecret } from '../observability/redact';

/**
 * A resolved secret. It prints as "[redacted]" however it is logged, serialised or inspected; only
 * `reveal()` hands out the value, and every revealed value is also scrubbed from log output.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
    registerSecret(value);
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '[redacted]';
  }

  toJSON(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return '[redacted]';
  }
}

const REFERENCE = /^\$\{(env|file):([^}]+)\}$/;

export function isSecretReference(value: string): boolean {
  return REFERENCE.test(value.trim());
}

/**
 * Resolves a secret reference: `${env:NAME}`, `${file:/path}` or a literal. File contents lose one
 * trailing newline, since editors and `echo` add one that is never part of a secret.
 */
export function resolveSecret(reference: string, where: string): Secret {
  const match = REFERENCE.exec(reference.trim());
  if (!match) return new Secret(reference);
  const [, kind, name] = match as unknown as [string, 'env' | 'file', string];
  if (kind === 'env') {
    const value = process.env[name];
    if (value === undefined || value === '') {
      throw new PostroomError('SECRET_UNRESOLVED', `${where}: environment variable ${name} is not set`);
    }
    return new Secret(value);
  }
  try {
    return new Secret(readFileSync(name, 'utf8').replace(/\r?\n$/, ''));
  } catch (err) {
    throw new PostroomError(
      'SECRET_UNRESOLVED',
      `${where}: cannot read secret file ${name} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}
