import tls from 'node:tls';

/** A handshake that has not finished by then is reported as a timeout, not waited for. */
const TLS_PROBE_TIMEOUT_MS = 10_000;

/**
 * Opens a TLS connection to an https URL's host the way postroom's requests do (TLS 1.2 or newer,
 * system and NODE_EXTRA_CA_CERTS roots) and returns Node's error code when the handshake fails.
 * msal-node reports such a failure as a bare "network_error", which tells an administrator nothing.
 */
export function probeTls(url: string): Promise<string | undefined> {
  const target = new URL(url);
  if (target.protocol !== 'https:') return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const socket = tls.connect({
      host: target.hostname,
      port: Number(target.port || 443),
      servername: /^[\d.]+$|:/.test(target.hostname) ? undefined : target.hostname,
      minVersion: 'TLSv1.2',
    });
    const done = (code: string | undefined) => {
      socket.destroy();
      resolve(code);
    };
    socket.setTimeout(TLS_PROBE_TIMEOUT_MS, () => done('ETIMEDOUT'));
    socket.once('secureConnect', () => done(undefined));
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code ?? 'EPROTO'));
  });
}
