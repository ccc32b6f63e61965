import { createHash } from 'node:crypto';
import { ConfidentialClientApplication, LogLevel, type Configuration } from '@azure/msal-node';
import type { Credential } from '../../config/load-config';
import { PostroomError } from '../../errors/postroom-error';

export interface TokenProvider {
  /** A bearer token for Graph; cached by msal-node until 5 minutes before it expires. */
  getToken(): Promise<string>;
  /** Drops the cached token, after Graph rejected it with 401. */
  invalidate(): void;
}

export interface TokenTarget {
  tenantId: string;
  clientId: string;
  credential: Credential;
  authorityHost: string;
  graphEndpoint: string;
}

const TOKEN_RENEW_BEFORE_EXPIRY_MS = 5 * 60 * 1000;

/** Plain-language hints for the AADSTS errors users actually hit. */
const AADSTS_HINTS: Record<string, string> = {
  '7000215': 'the client secret is wrong: paste the secret VALUE, not its secret ID',
  '7000222': 'the client secret has expired: create a new one in the app registration',
  '700016': 'no application with this client id exists in the tenant',
  '90002': 'the tenant does not exist: check tenantId',
  '700027': 'the certificate signature was not accepted: upload the certificate to the app registration',
};

/**
 * OAuth errors that mean the configuration is wrong: retrying cannot help. Entra also attaches
 * AADSTS codes to transient trouble (temporarily_unavailable, server_error), so the OAuth error,
 * not the presence of an AADSTS code, decides.
 */
const PERMANENT_OAUTH_ERRORS = new Set([
  'invalid_client',
  'unauthorized_client',
  'invalid_tenant',
  'invalid_request',
  'invalid_scope',
  'invalid_grant',
  'missing_tenant_id_error',
]);

function toAuthError(err: unknown, target: TokenTarget): PostroomError {
  const e = err as { errorCode?: string; errorMessage?: string; message?: string };
  const text = e.errorMessage || e.message || String(err);
  const aadsts = /AADSTS(\d+)/.exec(text)?.[1];
  const hint = aadsts ? AADSTS_HINTS[aadsts] : undefined;
  const summary = `token request for client ${target.clientId} in tenant ${target.tenantId} failed: ${
    aadsts ? `AADSTS${aadsts}` : (e.errorCode ?? 'error')
  }${hint ? ` (${hint})` : ''}: ${text.split('\n')[0]?.slice(0, 300)}`;
  const permanent = e.errorCode !== undefined && PERMANENT_OAUTH_ERRORS.has(e.errorCode);
  return new PostroomError(permanent ? 'AUTH_FAILED' : 'AUTH_UNAVAILABLE', summary, {
    cause: err,
    upstreamCode: aadsts ? `AADSTS${aadsts}` : e.errorCode,
  });
}

class MsalTokenProvider implements TokenProvider {
  readonly #app: ConfidentialClientApplication;
  readonly #scope: string;
  readonly #target: TokenTarget;
  #inFlight: Promise<string> | null = null;
  #forceRefresh = false;
  /** The last token and when to stop using it: asking msal-node's cache costs more per request. */
  #cached: { token: string; renewAt: number } | null = null;

  constructor(target: TokenTarget) {
    this.#target = target;
    this.#scope = `${target.graphEndpoint}/.default`;
    const authorityUrl = new URL(target.authorityHost);
    const tenantBase = `${target.authorityHost}/${target.tenantId}`;
    const credential = target.credential;
    // msal-node requires an https authority, and would fetch its metadata first. Handing it the
    // metadata saves that request and lets the token endpoint keep the configured scheme, which is
    // how tests reach the loopback simulator (the schema allows http:// only for loopback).
    const config: Configuration = {
      auth: {
        clientId: target.clientId,
        authority: `https://${authorityUrl.host}/${target.tenantId}`,
        knownAuthorities: [authorityUrl.host],
        authorityMetadata: JSON.stringify({
          token_endpoint: `${tenantBase}/oauth2/v2.0/token`,
          authorization_endpoint: `${tenantBase}/oauth2/v2.0/authorize`,
          end_session_endpoint: `${tenantBase}/oauth2/v2.0/logout`,
          issuer: `https://${authorityUrl.host}/${target.tenantId}/v2.0`,
          jwks_uri: `${tenantBase}/discovery/v2.0/keys`,
        }),
        ...(credential.kind === 'secret'
          ? { clientSecret: credential.secret.reveal() }
          : {
              clientCertificate: {
                thumbprintSha256: credential.certificate.thumbprintSha256,
                privateKey: credential.certificate.privateKey.reveal(),
                x5c: credential.certificate.certificatePem,
              },
            }),
      },
      system: {
        loggerOptions: { piiLoggingEnabled: false, logLevel: LogLevel.Error, loggerCallback: () => {} },
      },
    };
    this.#app = new ConfidentialClientApplication(config);
  }

  getToken(): Promise<string> {
    if (this.#cached && Date.now() < this.#cached.renewAt && !this.#forceRefresh) {
      return Promise.resolve(this.#cached.token);
    }
    // msal-node does not merge concurrent cold requests: share one in-flight promise.
    this.#inFlight ??= this.#acquire().finally(() => {
      this.#inFlight = null;
    });
    return this.#inFlight;
  }

  invalidate(): void {
    this.#forceRefresh = true;
    this.#cached = null;
  }

  async #acquire(): Promise<string> {
    const skipCache = this.#forceRefresh;
    this.#forceRefresh = false;
    try {
      const result = await this.#app.acquireTokenByClientCredential({ scopes: [this.#scope], skipCache });
      if (!result?.accessToken) throw new Error('the token endpoint returned no access token');
      const expiresAt = result.expiresOn?.getTime() ?? Date.now();
      // Renewed as msal-node would: 5 minutes before it expires.
      this.#cached = { token: result.accessToken, renewAt: expiresAt - TOKEN_RENEW_BEFORE_EXPIRY_MS };
      return result.accessToken;
    } catch (err) {
      throw toAuthError(err, this.#target);
    }
  }
}

/** One msal-node client per credential, shared by every source that uses the same app. */
const providers = new Map<string, TokenProvider>();

function credentialKey(target: TokenTarget): string {
  const c = target.credential;
  const material = c.kind === 'secret' ? c.secret.reveal() : c.certificate.thumbprintSha256;
  return createHash('sha256')
    .update(
      [target.authorityHost, target.graphEndpoint, target.tenantId, target.clientId, c.kind, material].join(
        '\0',
      ),
    )
    .digest('hex');
}

export function tokenProviderFor(target: TokenTarget): TokenProvider {
  const key = credentialKey(target);
  let provider = providers.get(key);
  if (!provider) {
    provider = new MsalTokenProvider(target);
    providers.set(key, provider);
  }
  return provider;
}
