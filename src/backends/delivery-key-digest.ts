import { createHash } from 'node:crypto';
import type { DeliveryKey } from './document-sink';

/**
 * A stable hex digest of a delivery key: source, message and part. Backends store or embed it
 * instead of the key itself, since Graph ids are long and full of characters that paths and
 * short text fields do not take.
 */
export function deliveryKeyDigest(key: DeliveryKey): string {
  return createHash('sha256')
    .update([key.sourceId, key.messageId, key.part ?? ''].join('\0'))
    .digest('hex');
}
