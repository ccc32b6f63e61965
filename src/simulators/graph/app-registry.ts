import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import type { Mailbox } from './mailbox-store';
import type { RegisteredApp } from './types';

export interface AppCertificate {
  x509: X509Certificate;
  /** base64url SHA-1 of the DER certificate, as sent in `x5t`. */
  x5t: string;
  /** base64url SHA-256 of the DER certificate, as sent in `x5t#S256`. */
  x5tS256: string;
}

export interface AppRecord {
  tenantId: string;
  clientId: string;
  clientSecret?: string;
  certificate?: AppCertificate;
  /** Lower-cased UPNs or user ids; undefined means every mailbox. */
  mailboxes?: Set<string>;
  /** Application permissions (the token's `roles` claim). */
  roles: string[];
}

export interface IssuedToken {
  app: AppRecord;
  resource: string;
  expiresAt: number;
}

interface TokenRecord {
  tenantId: string;
  clientId: string;
  resource: string;
  expiresAt: number;
}

function readCertificate(pem: string): AppCertificate {
  const x509 = new X509Certificate(pem);
  return {
    x509,
    x5t: createHash('sha1').update(x509.raw).digest('base64url'),
    x5tS256: createHash('sha256').update(x509.raw).digest('base64url'),
  };
}

/** What an app registration gets unless a test says otherwise: enough for every after-import action. */
const DEFAULT_ROLES = ['Mail.ReadWrite'];

/** Entra's view of the world: tenants, app registrations, and the access tokens handed out. */
export class AppRegistry {
  private readonly tenants = new Map<string, Map<string, AppRecord>>();
  private readonly tokens = new Map<string, TokenRecord>();

  register(app: RegisteredApp): void {
    const tenantKey = app.tenantId.toLowerCase();
    const apps = this.tenants.get(tenantKey) ?? new Map<string, AppRecord>();
    apps.set(app.clientId.toLowerCase(), {
      tenantId: app.tenantId,
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      certificate: app.certificatePem ? readCertificate(app.certificatePem) : undefined,
      mailboxes: app.mailboxes ? new Set(app.mailboxes.map((m) => m.toLowerCase())) : undefined,
      roles: app.roles ?? [...DEFAULT_ROLES],
    });
    this.tenants.set(tenantKey, apps);
  }

  tenantExists(tenant: string): boolean {
    return this.tenants.has(tenant.toLowerCase());
  }

  findApp(tenant: string, clientId: string): AppRecord | undefined {
    return this.tenants.get(tenant.toLowerCase())?.get(clientId.toLowerCase());
  }

  /**
   * Tokens are shaped like Entra's (a JWT whose claims name tenant, app and roles) so clients can
   * read the granted permissions as they would in production; the signature is random bytes.
   */
  issue(app: AppRecord, resource: string, lifetimeSeconds: number): string {
    const expiresAt = Date.now() + lifetimeSeconds * 1000;
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const claims = {
      aud: resource,
      tid: app.tenantId,
      appid: app.clientId,
      roles: app.roles,
      exp: Math.floor(expiresAt / 1000),
    };
    const token = [
      part({ typ: 'JWT', alg: 'RS256' }),
      part(claims),
      randomBytes(32).toString('base64url'),
    ].join('.');
    this.tokens.set(token, { tenantId: app.tenantId, clientId: app.clientId, resource, expiresAt });
    return token;
  }

  /** Resolves the app afresh, so re-registering it (e.g. a new access policy) applies to live tokens. */
  lookup(token: string): IssuedToken | undefined {
    const record = this.tokens.get(token);
    const app = record && this.findApp(record.tenantId, record.clientId);
    return record && app ? { app, resource: record.resource, expiresAt: record.expiresAt } : undefined;
  }

  /** Whether the app's permissions allow the request: changes need Mail.ReadWrite. */
  permits(app: AppRecord, method: string): boolean {
    if (app.roles.includes('Mail.ReadWrite')) return true;
    return method === 'GET' && app.roles.includes('Mail.Read');
  }

  /** The application access policy: which mailboxes an app may open. */
  allows(app: AppRecord, mailbox: Mailbox): boolean {
    return !app.mailboxes || app.mailboxes.has(mailbox.key) || app.mailboxes.has(mailbox.userId);
  }
}
