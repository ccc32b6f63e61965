import { constants, verify } from 'node:crypto';
import type { AppRecord } from './app-registry';
import { EntraError } from './errors';

/*
 * Validation of the RFC 7523 client assertion Entra accepts instead of a secret. The AADSTS codes
 * are the ones Entra uses for each failure:
 *   50027   the JWT cannot be read (or uses an algorithm Entra does not take)
 *   700027  the signing certificate is not registered on the app, or the signature is wrong
 *   700021  iss/sub differ from client_id
 *   700023  aud is not this token endpoint
 *   700024  outside exp/nbf
 */

const invalid = (code: number, message: string): EntraError =>
  new EntraError(401, 'invalid_client', code, message);

function decodeJson(part: string | undefined): Record<string, unknown> {
  if (!part) throw invalid(50027, 'JWT token is invalid or malformed.');
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw invalid(50027, 'JWT token is invalid or malformed.');
}

/** Compares endpoint URLs ignoring scheme, case and a trailing slash. */
export function sameEndpoint(a: string, b: string): boolean {
  const norm = (url: string): string =>
    url
      .trim()
      .toLowerCase()
      .replace(/^https?:\/\//, '')
      .replace(/\/+$/, '');
  return norm(a) === norm(b);
}

export function verifyClientAssertion(
  assertion: string,
  app: AppRecord,
  clientId: string,
  expectedAudience: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): void {
  const parts = assertion.split('.');
  if (parts.length !== 3) throw invalid(50027, 'JWT token is invalid or malformed.');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJson(headerPart);
  const claims = decodeJson(payloadPart);

  if (header.alg !== 'RS256' && header.alg !== 'PS256') {
    throw invalid(
      50027,
      `JWT token is invalid or malformed. Unsupported signing algorithm '${String(header.alg)}'.`,
    );
  }
  const thumbprint = typeof header['x5t#S256'] === 'string' ? header['x5t#S256'] : header.x5t;
  const certificate = app.certificate;
  const matches =
    certificate !== undefined &&
    ((typeof header['x5t#S256'] === 'string' && header['x5t#S256'] === certificate.x5tS256) ||
      (typeof header.x5t === 'string' && header.x5t === certificate.x5t));
  if (!certificate || !matches) {
    const hex =
      typeof thumbprint === 'string'
        ? Buffer.from(thumbprint, 'base64url').toString('hex').toUpperCase()
        : '';
    throw invalid(
      700027,
      'The certificate with identifier used to sign the client assertion is not registered on application. ' +
        `[Reason - The key was not found., Thumbprint of key used by client: '${hex}', Found key 'Start=..., End=...'].`,
    );
  }

  const signingInput = Buffer.from(`${headerPart}.${payloadPart}`, 'ascii');
  const signature = Buffer.from(signaturePart, 'base64url');
  const key =
    header.alg === 'PS256'
      ? {
          key: certificate.x509.publicKey,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
        }
      : certificate.x509.publicKey;
  let valid = false;
  try {
    valid = verify('sha256', signingInput, key, signature);
  } catch {
    valid = false;
  }
  if (!valid) throw invalid(700027, 'Client assertion failed signature validation.');

  const lowerClient = clientId.toLowerCase();
  if (
    String(claims.iss ?? '').toLowerCase() !== lowerClient ||
    String(claims.sub ?? '').toLowerCase() !== lowerClient
  ) {
    throw invalid(700021, "Client assertion application identifier doesn't match 'client_id' parameter.");
  }
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.some((aud) => typeof aud === 'string' && sameEndpoint(aud, expectedAudience))) {
    throw invalid(
      700023,
      `Client assertion audience claim does not match Realm issuer. Expected '${expectedAudience}'.`,
    );
  }
  const exp = claims.exp;
  if (typeof exp !== 'number')
    throw invalid(50027, "JWT token is invalid or malformed. Missing claim 'exp'.");
  const nbf = typeof claims.nbf === 'number' ? claims.nbf : undefined;
  // Entra tolerates a few minutes of clock skew on nbf, none once the assertion has expired.
  if (exp <= nowSeconds || (nbf !== undefined && nbf > nowSeconds + 300)) {
    throw invalid(
      700024,
      `Client assertion is not within its valid time range. Current time: ${new Date(nowSeconds * 1000).toISOString()}, ` +
        `expiry time of assertion ${new Date(exp * 1000).toISOString()}.`,
    );
  }
}
