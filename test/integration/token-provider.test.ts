import { Secret } from '../../src/config/secret';
import { PostroomError } from '../../src/errors/postroom-error';
import { startGraphSimulator, type GraphSimulator } from '../../src/simulators/graph';
import { tokenProviderFor, type TokenTarget } from '../../src/sources/graph/token-provider';
import { CLIENT_ID, TENANT_ID } from '../helpers/harness';

describe('token provider (real msal-node against the simulated token endpoint)', () => {
  let sim: GraphSimulator;
  const secret = 'token-test-secret-value';
  const target = (value: string): TokenTarget => ({
    tenantId: TENANT_ID,
    clientId: CLIENT_ID,
    credential: { kind: 'secret', secret: new Secret(value) },
    authorityHost: sim.authorityHost,
    graphEndpoint: sim.graphEndpoint,
  });

  beforeAll(async () => {
    sim = await startGraphSimulator();
    sim.registerApp({ tenantId: TENANT_ID, clientId: CLIENT_ID, clientSecret: secret });
  });
  afterAll(() => sim.close());

  it('shares one token request among concurrent cold callers, caches the token, and refreshes on demand', async () => {
    const provider = tokenProviderFor(target(secret));
    expect(tokenProviderFor(target(secret))).toBe(provider);
    const tokens = await Promise.all(Array.from({ length: 5 }, () => provider.getToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(sim.counters().requests.token).toBe(1);

    await provider.getToken();
    expect(sim.counters().requests.token).toBe(1);

    provider.invalidate();
    await provider.getToken();
    expect(sim.counters().requests.token).toBe(2);
  });

  it('turns a wrong secret into a permanent error with a plain-language hint and no secret', async () => {
    const wrong = 'the-secret-id-pasted-instead-of-value';
    const error = await tokenProviderFor(target(wrong))
      .getToken()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PostroomError);
    expect((error as PostroomError).code).toBe('AUTH_FAILED');
    expect((error as Error).message).toContain('AADSTS7000215');
    expect((error as Error).message).toContain('paste the secret VALUE, not its secret ID');
    expect((error as Error).message).not.toContain(wrong);
  });
});
