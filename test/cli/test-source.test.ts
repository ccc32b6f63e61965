import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startGraphSimulator } from '../../src/simulators/graph';
import { selfSignedCertificate } from '../helpers/certificate';
import { CLIENT_ID, Harness, MAILBOX, TENANT_ID, seedFolder } from '../helpers/harness';
import { spawnCli } from '../helpers/spawn-cli';

/**
 * `postroom test-source` as an administrator runs it after registering the app: a spawned CLI
 * against the Graph + Entra simulator, one misconfiguration at a time.
 */
describe('postroom test-source', () => {
  const harness = new Harness({ sources: [{ id: 'invoices', folder: 'Inbox/Invoices' }] });

  beforeAll(async () => {
    await harness.start();
    seedFolder(harness.sim, 'Inbox/Invoices', []);
  });
  afterAll(() => harness.stop());

  /** A variant of the working definition under another id, with some lines replaced. */
  function variant(id: string, replace: Array<[RegExp, string]>): void {
    let text = readFileSync(join(harness.dir.path, 'sources/invoices.yaml'), 'utf8').replace(
      /^id: .*$/m,
      `id: ${id}`,
    );
    for (const [pattern, value] of replace) text = text.replace(pattern, value);
    writeFileSync(join(harness.dir.path, `sources/${id}.yaml`), text);
  }

  async function testSource(id: string): Promise<{ code: number | null; out: string }> {
    const run = spawnCli(['--config', harness.configFile, 'test-source', id], {
      [harness.secretEnv]: harness.secret,
    });
    const code = await run.exited;
    return { code, out: [...run.stdout, ...run.stderr].join('\n') };
  }

  it('passes every check for a working source', async () => {
    const { code, out } = await testSource('invoices');
    expect(out).toMatch(/^ok\s+token\s/m);
    expect(out).toMatch(/^ok\s+permissions\s+application permissions: Mail.ReadWrite/m);
    expect(out).toMatch(/^ok\s+mailbox\s/m);
    expect(out).toMatch(/^ok\s+folder\s+folder Inbox\/Invoices found: 0 messages/m);
    expect(out).toMatch(/^ok\s+backend\s+documents folder .* is writable/m);
    expect(code).toBe(0);
    expect(out).not.toContain(harness.secret);
  });

  it('explains a secret ID pasted instead of the secret value (AADSTS7000215)', async () => {
    variant('wrong-secret', [[/^clientSecret: .*$/m, 'clientSecret: 8c1e5a2f-3b4d-4e6f-9a7b-0c1d2e3f4a5b']]);
    const { code, out } = await testSource('wrong-secret');
    expect(code).toBe(1);
    expect(out).toMatch(/^FAIL\s+token\s+Entra rejected the client secret \(AADSTS7000215\)/m);
    expect(out).toContain('Use the secret VALUE, not its "Secret ID"');
  });

  it('explains an unknown client id (AADSTS700016) and an unknown tenant (AADSTS90002)', async () => {
    variant('wrong-client', [[/^clientId: .*$/m, 'clientId: 00000000-1111-4222-8333-444444444444']]);
    variant('wrong-tenant', [[/^tenantId: .*$/m, 'tenantId: 00000000-aaaa-4bbb-8ccc-dddddddddddd']]);
    const client = await testSource('wrong-client');
    expect(client.code).toBe(1);
    expect(client.out).toContain('No application with this client id exists in the tenant (AADSTS700016)');
    const tenant = await testSource('wrong-tenant');
    expect(tenant.code).toBe(1);
    expect(tenant.out).toContain('The tenant does not exist (AADSTS90002)');
  });

  it('explains a mailbox outside the application access policy (403)', async () => {
    harness.sim.addMailbox('ceo@contoso.example');
    harness.sim.registerApp({
      tenantId: TENANT_ID,
      clientId: CLIENT_ID,
      clientSecret: harness.secret,
      mailboxes: [MAILBOX],
    });
    variant('ceo', [[/^mailbox: .*$/m, 'mailbox: ceo@contoso.example']]);
    const { code, out } = await testSource('ceo');
    expect(code).toBe(1);
    expect(out).toMatch(/^FAIL\s+mailbox\s+Graph refused access to mailbox ceo@contoso.example \(403/m);
    expect(out).toContain(`Test-ApplicationAccessPolicy -Identity ceo@contoso.example -AppId ${CLIENT_ID}`);
  });

  it('warns when the app may read but not change mail, and fails on a missing folder', async () => {
    harness.sim.registerApp({
      tenantId: TENANT_ID,
      clientId: CLIENT_ID,
      clientSecret: harness.secret,
      roles: ['Mail.Read'],
    });
    const readOnly = await testSource('invoices');
    expect(readOnly.out).toMatch(
      /^warn\s+permissions\s+application permissions: Mail.Read: enough to import/m,
    );
    expect(readOnly.code).toBe(0);

    variant('no-folder', [[/^folder: .*$/m, 'folder: Inbox/Nowhere']]);
    const missing = await testSource('no-folder');
    expect(missing.code).toBe(1);
    expect(missing.out).toMatch(/^FAIL\s+folder\s/m);
    expect(missing.out).toContain('Check `folder`');
  });

  it('explains a TLS certificate the machine does not trust', async () => {
    const certificate = selfSignedCertificate('127.0.0.1');
    const tlsSim = await startGraphSimulator({
      tls: { key: certificate.privateKeyPem, cert: certificate.certificatePem },
    });
    try {
      variant('tls', [
        [/^authorityHost: .*$/m, `authorityHost: ${tlsSim.authorityHost}`],
        [/^graphEndpoint: .*$/m, `graphEndpoint: ${tlsSim.graphEndpoint}`],
      ]);
      const { code, out } = await testSource('tls');
      expect(code).toBe(1);
      expect(out).toMatch(
        /^FAIL\s+token\s+The TLS connection failed \(SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO/m,
      );
      expect(out).toContain('NODE_EXTRA_CA_CERTS');
    } finally {
      await tlsSim.close();
    }
  });
});
