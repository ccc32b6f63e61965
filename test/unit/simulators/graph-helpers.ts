import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import forge from 'node-forge';
import type { GraphSimulator } from '../../../src/simulators/graph';

export const TENANT = '11111111-2222-3333-4444-555555555555';
export const CLIENT_ID = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
export const SECRET = 'Sim~Secret+Value/=1';
export const UPN = 'Finance@Contoso.example';

export interface TestCertificate {
  certPem: string;
  keyPem: string;
  sha1Hex: string;
  sha256Hex: string;
}

/** Self-signed certificate; the key comes from Node (fast), the certificate from node-forge. */
export function makeCertificate(commonName = 'postroom-test'): TestCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = '01' + randomUUID().replace(/-/g, '').slice(0, 16);
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  const attrs = [{ name: 'commonName', value: commonName }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  // Lets the same certificate serve an HTTPS simulator on loopback.
  cert.setExtensions([
    {
      name: 'subjectAltName',
      altNames: [
        { type: 7, ip: '127.0.0.1' },
        { type: 2, value: 'localhost' },
      ],
    },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
  return {
    certPem,
    keyPem,
    sha1Hex: createHash('sha1').update(der).digest('hex'),
    sha256Hex: createHash('sha256').update(der).digest('hex'),
  };
}

export function tokenUrl(sim: GraphSimulator, tenant = TENANT): string {
  return `${sim.authorityHost}/${tenant}/oauth2/v2.0/token`;
}

export async function postForm(url: string, form: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
}

export async function secretToken(
  sim: GraphSimulator,
  clientId = CLIENT_ID,
  secret = SECRET,
): Promise<string> {
  const res = await postForm(tokenUrl(sim), {
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: secret,
    scope: 'https://graph.microsoft.com/.default',
  });
  const body = (await res.json()) as { access_token?: string };
  if (res.status !== 200 || !body.access_token) throw new Error(`token request failed: ${res.status}`);
  return body.access_token;
}

export interface GraphClient {
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  send(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  json<T = Record<string, unknown>>(path: string, headers?: Record<string, string>): Promise<T>;
}

/** Plain fetch with a bearer token; `path` may be absolute (a nextLink) or relative to /v1.0. */
export function graphClient(sim: GraphSimulator, token: string): GraphClient {
  const url = (path: string): string => (path.startsWith('http') ? path : `${sim.graphEndpoint}/v1.0${path}`);
  const send = (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response> =>
    fetch(url(path), {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return {
    get: (path, headers) => send('GET', path, undefined, headers),
    send,
    async json<T>(path: string, headers?: Record<string, string>): Promise<T> {
      const res = await send('GET', path, undefined, headers);
      if (res.status !== 200) throw new Error(`GET ${path} -> ${res.status}: ${await res.text()}`);
      return (await res.json()) as T;
    },
  };
}

export interface DeltaItem {
  id: string;
  subject?: string;
  '@removed'?: { reason: string };
  [key: string]: unknown;
}

export interface DeltaRound {
  items: DeltaItem[];
  pages: number;
  pageSizes: number[];
  deltaLink: string;
}

/** Follows nextLinks until a deltaLink, sending the Prefer headers on every page as Graph requires. */
export async function runDeltaRound(
  client: GraphClient,
  start: string,
  prefer: string[] = [],
): Promise<DeltaRound> {
  const items: DeltaItem[] = [];
  const pageSizes: number[] = [];
  let link = start;
  for (let pages = 1; pages < 1000; pages++) {
    const page = await client.json<{
      value: DeltaItem[];
      '@odata.nextLink'?: string;
      '@odata.deltaLink'?: string;
    }>(link, prefer.length ? { Prefer: prefer.join(', ') } : {});
    items.push(...page.value);
    pageSizes.push(page.value.length);
    if (page['@odata.deltaLink']) return { items, pages, pageSizes, deltaLink: page['@odata.deltaLink'] };
    link = page['@odata.nextLink'] as string;
  }
  throw new Error('delta round did not end');
}

export const sha256 = (bytes: Buffer | Uint8Array): string =>
  createHash('sha256').update(bytes).digest('hex');
