import tls from 'node:tls';

/**
 * Exchange Online, Entra ID and the DMS backends require TLS 1.2 or newer. Node's default is 1.2,
 * but `--tls-min-v1.0` in NODE_OPTIONS would lower it for every connection: pin it back.
 */
export function enforceTlsPolicy(): void {
  const order = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
  if (order.indexOf(tls.DEFAULT_MIN_VERSION) < order.indexOf('TLSv1.2')) tls.DEFAULT_MIN_VERSION = 'TLSv1.2';
}
