import { ConfidentialClientApplication, type Configuration } from '@azure/msal-node';
import { msalAuthOptions, startGraphSimulator, type GraphSimulator } from '../../../src/simulators/graph';
import {
  CLIENT_ID,
  graphClient,
  makeCertificate,
  SECRET,
  TENANT,
  UPN,
  type TestCertificate,
} from './graph-helpers';

const CERT_CLIENT = 'cccccccc-0000-0000-0000-000000000002';

/*
 * msal-node refuses http:// authorities, so the authority is https on the simulator's port and
 * the metadata (which msal then trusts without a discovery request) points at the http token
 * endpoint.
 */
function authConfig(sim: GraphSimulator): Configuration['auth'] & object {
  const hostPort = new URL(sim.url).host;
  const metadata = {
    token_endpoint: `${sim.authorityHost}/${TENANT}/oauth2/v2.0/token`,
    authorization_endpoint: `${sim.authorityHost}/${TENANT}/oauth2/v2.0/authorize`,
    issuer: `${sim.authorityHost}/${TENANT}/v2.0`,
    jwks_uri: `${sim.authorityHost}/${TENANT}/discovery/v2.0/keys`,
  };
  return {
    clientId: '',
    authority: `https://${hostPort}/${TENANT}`,
    knownAuthorities: [hostPort],
    authorityMetadata: JSON.stringify(metadata),
  };
}

describe('graph simulator: real msal-node tokens', () => {
  let sim: GraphSimulator;
  let cert: TestCertificate;

  beforeAll(async () => {
    cert = makeCertificate('msal-cert');
    sim = await startGraphSimulator();
    sim.registerApp({ tenantId: TENANT, clientId: CLIENT_ID, clientSecret: SECRET });
    sim.registerApp({ tenantId: TENANT, clientId: CERT_CLIENT, certificatePem: cert.certPem });
    sim.addMailbox(UPN);
  });
  afterAll(() => sim.close());

  it('accepts a client-secret token acquired by ConfidentialClientApplication', async () => {
    const app = new ConfidentialClientApplication({
      auth: { ...authConfig(sim), clientId: CLIENT_ID, clientSecret: SECRET },
    });
    const result = await app.acquireTokenByClientCredential({
      scopes: ['https://graph.microsoft.com/.default'],
    });
    expect(result?.accessToken).toBeTruthy();
    expect(result?.tokenType).toBe('Bearer');
    const res = await graphClient(sim, result?.accessToken as string).get(`/users/${UPN}/mailFolders/inbox`);
    expect(res.status).toBe(200);

    // Cached: expires_in 3599 is well above msal's 300 s refresh margin, so no second POST.
    const before = sim.counters().requests.token ?? 0;
    await app.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
    expect(sim.counters().requests.token ?? 0).toBe(before);
  });

  it('accepts a certificate token (PS256, x5t#S256, x5c) acquired by ConfidentialClientApplication', async () => {
    // The exported helper builds the same settings as authConfig above.
    const { clientId: _unused, ...explicit } = authConfig(sim);
    expect(msalAuthOptions(sim, TENANT)).toEqual(explicit);
    const app = new ConfidentialClientApplication({
      auth: {
        ...msalAuthOptions(sim, TENANT),
        clientId: CERT_CLIENT,
        clientCertificate: { thumbprintSha256: cert.sha256Hex, privateKey: cert.keyPem, x5c: cert.certPem },
      },
    });
    const result = await app.acquireTokenByClientCredential({
      scopes: ['https://graph.microsoft.com/.default'],
    });
    expect(result?.accessToken).toBeTruthy();
    const res = await graphClient(sim, result?.accessToken as string).get(`/users/${UPN}/mailFolders`);
    expect(res.status).toBe(200);
  });

  it('surfaces the simulator error for a certificate that is not registered', async () => {
    const other = makeCertificate('not-registered');
    const app = new ConfidentialClientApplication({
      auth: {
        ...authConfig(sim),
        clientId: CERT_CLIENT,
        clientCertificate: { thumbprintSha256: other.sha256Hex, privateKey: other.keyPem },
      },
    });
    await expect(
      app.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] }),
    ).rejects.toMatchObject({
      errorCode: 'invalid_client',
      errorMessage: expect.stringContaining('AADSTS700027'),
    });
  });

  it('surfaces AADSTS7000215 for a wrong secret', async () => {
    const app = new ConfidentialClientApplication({
      auth: { ...authConfig(sim), clientId: CLIENT_ID, clientSecret: 'wrong' },
    });
    await expect(
      app.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] }),
    ).rejects.toMatchObject({
      errorCode: 'invalid_client',
      errorMessage: expect.stringContaining('AADSTS7000215'),
    });
  });
});
