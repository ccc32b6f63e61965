import type { Source } from './load-config';
import type { CredentialKind } from '../observability/metrics';

/** Credentials that expire within this many days are reported (start-up log, `secrets check`). */
export const DEFAULT_EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

/** `unknown`: a client secret whose source gives no `secretExpires` date. */
export type ExpiryState = 'ok' | 'expiring' | 'expired' | 'unknown';

export interface CredentialExpiry {
  sourceId: string;
  enabled: boolean;
  kind: CredentialKind;
  expiresAt: Date | null;
  /** Whole days until expiry, negative once expired; null when unknown. */
  daysLeft: number | null;
  state: ExpiryState;
}

/**
 * `secretExpires` is the date the app registration shows. Its time of day is not shown, so the
 * secret counts as expired from the start of that day (UTC): a warning a few hours early, never late.
 */
export function secretExpiryDate(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

/**
 * When a source's credential stops working: the certificate's notAfter (read from its PEM with
 * node:crypto's X509Certificate when the configuration was loaded) or the client secret's
 * `secretExpires` date.
 */
export function credentialExpiry(
  source: Source,
  warningDays = DEFAULT_EXPIRY_WARNING_DAYS,
  now = new Date(),
): CredentialExpiry {
  const { id, enabled, secretExpires } = source.definition;
  const certificate = source.credential.kind === 'certificate' ? source.credential.certificate : null;
  const kind: CredentialKind = certificate ? 'certificate' : 'client-secret';
  const expiresAt = certificate
    ? certificate.notAfter
    : secretExpires
      ? secretExpiryDate(secretExpires)
      : null;
  if (!expiresAt) return { sourceId: id, enabled, kind, expiresAt: null, daysLeft: null, state: 'unknown' };
  const leftMs = expiresAt.getTime() - now.getTime();
  const state: ExpiryState = leftMs <= 0 ? 'expired' : leftMs <= warningDays * DAY_MS ? 'expiring' : 'ok';
  return { sourceId: id, enabled, kind, expiresAt, daysLeft: Math.floor(leftMs / DAY_MS), state };
}
