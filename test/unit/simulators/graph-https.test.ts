import { request } from 'node:https';
import { startGraphSimulator, type GraphSimulator } from '../../../src/simulators/graph';
import { CLIENT_ID, makeCertificate, SECRET, TENANT, UPN, type TestCertificate } from './graph-helpers';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** https.request with the test CA, since global fetch only trusts NODE_EXTRA_CA_CERTS set at start-up. */
function send(
  url: string,
  ca: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers, ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

describe('graph simulator over HTTPS', () => {
  let sim: GraphSimulator;
  let tls: TestCertificate;

  beforeAll(async () => {
    tls = makeCertificate('127.0.0.1');
    sim = await startGraphSimulator({ tls: { key: tls.keyPem, cert: tls.certPem } });
    sim.registerApp({ tenantId: TENANT, clientId: CLIENT_ID, clientSecret: SECRET });
    sim.addMailbox(UPN);
  });
  afterAll(() => sim.close());

  it('serves the token endpoint, metadata and Graph on an https:// URL', async () => {
    expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.authorityHost).toBe(sim.url);
    expect(sim.graphEndpoint).toBe(sim.url);

    const token = await send(`${sim.authorityHost}/${TENANT}/oauth2/v2.0/token`, tls.certPem, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: CLIENT_ID,
        client_secret: SECRET,
        scope: 'https://graph.microsoft.com/.default',
      }).toString(),
    });
    expect(token.status).toBe(200);
    const accessToken = (JSON.parse(token.body.toString()) as { access_token: string }).access_token;

    const metadata = await send(`${sim.url}/${TENANT}/v2.0/.well-known/openid-configuration`, tls.certPem);
    expect(JSON.parse(metadata.body.toString())).toMatchObject({
      token_endpoint: `${sim.url}/${TENANT}/oauth2/v2.0/token`,
    });

    const inbox = await send(`${sim.graphEndpoint}/v1.0/users/${UPN}/mailFolders/inbox`, tls.certPem, {
      headers: { Authorization: `Bearer ${accessToken}` },
    });
    expect(inbox.status).toBe(200);
    expect(JSON.parse(inbox.body.toString())).toMatchObject({ displayName: 'Inbox' });
  });
});
