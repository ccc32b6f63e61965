import { randomBytes } from 'node:crypto';
import { forbidden, notFound, validationError } from './mfws-errors';
import type { MFilesUser } from './types';

/** M-Files keeps an idle web session about this long. */
export const DEFAULT_TOKEN_LIFETIME_MS = 30 * 60 * 1000;
/** Random bytes in a token; M-Files' own tokens are long opaque strings too. */
const TOKEN_BYTES = 96;

export interface Upload {
  id: number;
  bytes: Buffer;
  used: boolean;
}

export interface Session {
  token: string;
  username: string;
  vaultGuid: string;
  /** Wrong credentials still get a token: M-Files only says no when the token is first used. */
  credentialsValid: boolean;
  expiresAt: number;
  /** Uploaded files belong to the session that uploaded them. */
  uploads: Map<number, Upload>;
}

interface AuthenticationBody {
  Username?: unknown;
  Password?: unknown;
  VaultGuid?: unknown;
  Expiration?: unknown;
}

/** "{GUID}" or "GUID", any case, to a comparable form. */
export function normalizeGuid(value: string): string {
  return value.replace(/^\{|\}$/g, '').toUpperCase();
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly users: MFilesUser[],
    private readonly vaultGuid: string,
    private readonly lifetimeMs: number,
  ) {}

  /** POST /REST/server/authenticationtokens: always a token, whatever the credentials. */
  issue(body: unknown): { Value: string } {
    const auth = (body ?? {}) as AuthenticationBody;
    if (typeof auth.Username !== 'string' || typeof auth.Password !== 'string') {
      throw validationError('Authentication requires Username and Password.');
    }
    if (typeof auth.VaultGuid !== 'string' || auth.VaultGuid.trim() === '') {
      throw validationError('Authentication requires VaultGuid.');
    }
    let expiresAt = Date.now() + this.lifetimeMs;
    if (typeof auth.Expiration === 'string') {
      const at = Date.parse(auth.Expiration);
      if (Number.isNaN(at)) throw validationError(`Invalid Expiration ${auth.Expiration}.`);
      expiresAt = at;
    }
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    const user = this.users.find((u) => u.username.toLowerCase() === String(auth.Username).toLowerCase());
    this.sessions.set(token, {
      token,
      username: auth.Username,
      vaultGuid: normalizeGuid(auth.VaultGuid),
      credentialsValid: user !== undefined && user.password === auth.Password,
      expiresAt,
      uploads: new Map(),
    });
    return { Value: token };
  }

  /** The session behind an X-Authentication header, or M-Files' 403/404. */
  require(token: string | undefined): Session {
    if (!token) throw forbidden('Authentication token is missing.');
    const session = this.sessions.get(token);
    if (!session) throw forbidden('Invalid authentication token.');
    if (session.expiresAt <= Date.now()) {
      this.sessions.delete(token);
      throw forbidden('The authentication token has expired.');
    }
    if (!session.credentialsValid)
      throw forbidden('Login to application failed: wrong user name or password.');
    if (session.vaultGuid !== normalizeGuid(this.vaultGuid)) {
      throw notFound(`The vault {${session.vaultGuid}} was not found.`);
    }
    return session;
  }

  /** Test hook: every token issued so far stops working, as after a server restart. */
  expireAll(): void {
    for (const session of this.sessions.values()) session.expiresAt = 0;
  }

  get size(): number {
    return this.sessions.size;
  }
}
