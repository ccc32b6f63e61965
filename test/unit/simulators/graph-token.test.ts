import { createSign, constants, sign as cryptoSign, randomUUID } from 'node:crypto';
import { startGraphSimulator, type GraphSimulator } from '../../../src/simulators/graph';
import {
  CLIENT_ID,
  graphClient,
  makeCertificate,
  postForm,
  SECRET,
  TENANT,
  tokenUrl,
  UPN,
  type TestCertificate,
} from './graph-helpers';

const CERT_CLIENT = 'cccccccc-0000-0000-0000-000000000001';
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

interface EntraErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  trace_id: string;
  correlation_id: string;
  timestamp: string;
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

function assertion(
  cert: TestCertificate,
  keyPem: string,
  claims: Record<string, unknown>,
  alg: 'RS256' | 'PS256' = 'PS256',
): string {
  const thumb =
    alg === 'PS256'
      ? { 'x5t#S256': Buffer.from(cert.sha256Hex, 'hex').toString('base64url') }
      : { x5t: Buffer.from(cert.sha1Hex, 'hex').toString('base64url') };
  const input = `${b64url({ alg, typ: 'JWT', ...thumb })}.${b64url(claims)}`;
  const signature =
    alg === 'PS256'
      ? cryptoSign('sha256', Buffer.from(input), {
          key: keyPem,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
        })
      : createSign('RSA-SHA256').update(input).sign(keyPem);
  return `${input}.${signature.toString('base64url')}`;
}

describe('graph simulator: Entra token endpoint', () => {
  let sim: GraphSimulator;
  let cert: TestCertificate;
  let otherCert: TestCertificate;

  beforeAll(async () => {
    cert = makeCertificate('registered');
    otherCert = makeCertificate('impostor');
    sim = await startGraphSimulator();
    sim.registerApp({ tenantId: TENANT, clientId: CLIENT_ID, clientSecret: SECRET });
    sim.registerApp({ tenantId: TENANT, clientId: CERT_CLIENT, certificatePem: cert.certPem });
    sim.addMailbox(UPN);
  });
  afterAll(() => sim.close());

  const baseForm = (extra: Record<string, string>): Record<string, string> => ({
    grant_type: 'client_credentials',
    scope: 'https://graph.microsoft.com/.default',
    ...extra,
  });

  async function expectEntraError(
    res: Response,
    status: number,
    error: string,
    code: number,
  ): Promise<EntraErrorBody> {
    expect(res.status).toBe(status);
    const body = (await res.json()) as EntraErrorBody;
    expect(body.error).toBe(error);
    expect(body.error_codes).toEqual([code]);
    expect(body.error_description).toMatch(new RegExp(`^AADSTS${code}: `));
    expect(body.trace_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.correlation_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    return body;
  }

  it('issues a bearer token for a client secret, usable against Graph', async () => {
    const res = await postForm(tokenUrl(sim), baseForm({ client_id: CLIENT_ID, client_secret: SECRET }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'ext_expires_in', 'token_type']);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 });
    const folders = await graphClient(sim, body.access_token as string).get(`/users/${UPN}/mailFolders`);
    expect(folders.status).toBe(200);
  });

  it('answers AADSTS90002 for an unknown tenant', async () => {
    const res = await postForm(
      tokenUrl(sim, randomUUID()),
      baseForm({ client_id: CLIENT_ID, client_secret: SECRET }),
    );
    await expectEntraError(res, 400, 'invalid_tenant', 90002);
  });

  it('answers AADSTS700016 for an app that is not in the tenant', async () => {
    const res = await postForm(tokenUrl(sim), baseForm({ client_id: randomUUID(), client_secret: SECRET }));
    await expectEntraError(res, 400, 'unauthorized_client', 700016);
  });

  it('answers AADSTS7000215 for a wrong secret (e.g. the secret id pasted instead of the value)', async () => {
    const res = await postForm(
      tokenUrl(sim),
      baseForm({ client_id: CLIENT_ID, client_secret: randomUUID() }),
    );
    const body = await expectEntraError(res, 401, 'invalid_client', 7000215);
    expect(body.error_description).toContain('not the client secret ID');
  });

  it('rejects common/organizations for client credentials', async () => {
    for (const tenant of ['common', 'organizations']) {
      const res = await postForm(
        tokenUrl(sim, tenant),
        baseForm({ client_id: CLIENT_ID, client_secret: SECRET }),
      );
      await expectEntraError(res, 400, 'invalid_request', 50059);
    }
  });

  it('requires a /.default scope and a credential', async () => {
    const scopeRes = await postForm(
      tokenUrl(sim),
      baseForm({ client_id: CLIENT_ID, client_secret: SECRET, scope: 'Mail.Read' }),
    );
    await expectEntraError(scopeRes, 400, 'invalid_scope', 1002012);
    const noCred = await postForm(tokenUrl(sim), baseForm({ client_id: CLIENT_ID }));
    await expectEntraError(noCred, 401, 'invalid_client', 7000218);
    const grant = await postForm(tokenUrl(sim), { grant_type: 'password', client_id: CLIENT_ID });
    await expectEntraError(grant, 400, 'unsupported_grant_type', 70003);
  });

  it('accepts a PS256 client assertion (x5t#S256) and an RS256 one (x5t) signed with the registered certificate', async () => {
    for (const alg of ['PS256', 'RS256'] as const) {
      const now = Math.floor(Date.now() / 1000);
      const jwt = assertion(
        cert,
        cert.keyPem,
        {
          aud: tokenUrl(sim),
          iss: CERT_CLIENT,
          sub: CERT_CLIENT,
          exp: now + 600,
          nbf: now,
          jti: randomUUID(),
        },
        alg,
      );
      const res = await postForm(
        tokenUrl(sim),
        baseForm({ client_id: CERT_CLIENT, client_assertion_type: JWT_BEARER, client_assertion: jwt }),
      );
      expect(res.status).toBe(200);
      expect(((await res.json()) as { token_type: string }).token_type).toBe('Bearer');
    }
  });

  it('rejects assertions signed with another key, for another audience, or expired', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      aud: tokenUrl(sim),
      iss: CERT_CLIENT,
      sub: CERT_CLIENT,
      exp: now + 600,
      jti: randomUUID(),
    };
    const send = (jwt: string): Promise<Response> =>
      postForm(
        tokenUrl(sim),
        baseForm({ client_id: CERT_CLIENT, client_assertion_type: JWT_BEARER, client_assertion: jwt }),
      );

    // The registered certificate's thumbprint, but signed with a different private key.
    await expectEntraError(
      await send(assertion(cert, otherCert.keyPem, claims)),
      401,
      'invalid_client',
      700027,
    );
    // A different certificate altogether.
    await expectEntraError(
      await send(assertion(otherCert, otherCert.keyPem, claims)),
      401,
      'invalid_client',
      700027,
    );
    await expectEntraError(
      await send(
        assertion(cert, cert.keyPem, {
          ...claims,
          aud: 'https://login.microsoftonline.com/x/oauth2/v2.0/token',
        }),
      ),
      401,
      'invalid_client',
      700023,
    );
    await expectEntraError(
      await send(assertion(cert, cert.keyPem, { ...claims, exp: now - 5 })),
      401,
      'invalid_client',
      700024,
    );
    await expectEntraError(
      await send(assertion(cert, cert.keyPem, { ...claims, iss: CLIENT_ID })),
      401,
      'invalid_client',
      700021,
    );
  });

  it('serves OpenID metadata per tenant and 90002 for unknown tenants', async () => {
    const res = await fetch(`${sim.authorityHost}/${TENANT}/v2.0/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const config = (await res.json()) as Record<string, string>;
    expect(config.token_endpoint).toBe(tokenUrl(sim));
    expect(config.issuer).toBe(`${sim.authorityHost}/${TENANT}/v2.0`);
    expect(config.authorization_endpoint).toBe(`${sim.authorityHost}/${TENANT}/oauth2/v2.0/authorize`);
    expect(config.jwks_uri).toBe(`${sim.authorityHost}/${TENANT}/discovery/v2.0/keys`);
    const unknown = await fetch(`${sim.authorityHost}/${randomUUID()}/v2.0/.well-known/openid-configuration`);
    await expectEntraError(unknown, 400, 'invalid_tenant', 90002);
  });

  it('expires tokens after tokenLifetimeSeconds', async () => {
    const shortSim = await startGraphSimulator({ tokenLifetimeSeconds: 1 });
    try {
      shortSim.registerApp({ tenantId: TENANT, clientId: CLIENT_ID, clientSecret: SECRET });
      shortSim.addMailbox(UPN);
      const res = await postForm(
        tokenUrl(shortSim),
        baseForm({ client_id: CLIENT_ID, client_secret: SECRET }),
      );
      const { access_token, expires_in } = (await res.json()) as { access_token: string; expires_in: number };
      expect(expires_in).toBe(1);
      await new Promise((r) => setTimeout(r, 1100));
      const graph = await graphClient(shortSim, access_token).get(`/users/${UPN}/mailFolders`);
      expect(graph.status).toBe(401);
      expect(graph.headers.get('www-authenticate')).toMatch(/^Bearer /);
      const body = (await graph.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('InvalidAuthenticationToken');
    } finally {
      await shortSim.close();
    }
  });
});
