import type { Source } from '../config/load-config';
import { credentialExpiry } from '../config/secret-expiry';
import type { Logger } from './logger';
import { metrics } from './metrics';

/**
 * At start-up: every known credential expiry becomes a gauge (alerting can watch it), and one that
 * is close or past is logged, so a secret running out shows up before the polls start failing.
 * Only dates are reported, never a credential.
 */
export function reportCredentialExpiry(sources: readonly Source[], logger: Logger): void {
  for (const source of sources) {
    const expiry = credentialExpiry(source);
    if (!expiry.expiresAt) continue;
    metrics.credentialExpiry(expiry.sourceId, expiry.kind, expiry.expiresAt);
    const details = {
      sourceId: expiry.sourceId,
      kind: expiry.kind,
      expiresAt: expiry.expiresAt.toISOString(),
      daysLeft: expiry.daysLeft,
    };
    if (expiry.state === 'expired') {
      logger.error('source credential has expired: renew it in the app registration', details);
    } else if (expiry.state === 'expiring') {
      logger.warn('source credential expires soon: renew it in the app registration', details);
    }
  }
}
