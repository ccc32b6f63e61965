import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PostroomError } from '../errors/postroom-error';
import { Secret } from './secret';

export interface ClientCertificate {
  /** SHA-256 thumbprint, hex without separators (msal-node's `thumbprintSha256`). */
  thumbprintSha256: string;
  privateKey: Secret;
  /** The certificate PEM, sent as x5c so Entra can check it against the app registration. */
  certificatePem: string;
  notAfter: Date;
}

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;
const KEY_BLOCK =
  /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/;

/** Reads a PEM file that holds the app's certificate and its private key, as Azure exports them. */
export function loadClientCertificate(path: string, where: string): ClientCertificate {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (err) {
    throw new PostroomError(
      'SECRET_UNRESOLVED',
      `${where}: cannot read certificate file ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const certificatePem = CERT_BLOCK.exec(pem)?.[0];
  const keyPem = KEY_BLOCK.exec(pem)?.[0];
  if (!certificatePem || !keyPem) {
    throw new PostroomError(
      'CONFIG_INVALID',
      `${where}: ${path} must hold both a CERTIFICATE and a PRIVATE KEY block in PEM form`,
    );
  }
  const privateKey = new Secret(keyPem);
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certificatePem);
    if (!certificate.checkPrivateKey(createPrivateKey(keyPem))) {
      throw new Error('the private key does not belong to the certificate');
    }
  } catch (err) {
    throw new PostroomError('CONFIG_INVALID', `${where}: ${path}: ${(err as Error).message}`);
  }
  return {
    thumbprintSha256: certificate.fingerprint256.replace(/:/g, ''),
    privateKey,
    certificatePem,
    notAfter: new Date(certificate.validTo),
  };
}
