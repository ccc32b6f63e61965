import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startGraphSimulator, type GraphSimulator } from '../../src/simulators/graph';
import { rawGet } from '../../src/sources/graph/raw-get';
import {
  CLIENT_ID,
  makeCertificate,
  SECRET,
  TENANT,
  UPN,
  type TestCertificate,
} from '../unit/simulators/graph-helpers';
import { tempDir } from '../helpers/temp-dir';

const run = promisify(execFile);
const HELPER = join(__dirname, '../helpers/raw-download.ts');

/** A client-credentials token from the simulator, trusting its certificate for this one call. */
function tokenFrom(sim: GraphSimulator, ca: string): Promise<string> {
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: CLIENT_ID,
    client_secret: SECRET,
    scope: `${sim.graphEndpoint}/.default`,
  }).toString();
  return new Promise((resolve, reject) => {
    const req = request(
      `${sim.authorityHost}/${TENANT}/oauth2/v2.0/token`,
      { method: 'POST', ca, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve((JSON.parse(text) as { access_token: string }).access_token));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** `$value` downloads bypass fetch: they must keep its TLS guarantees. */
describe('raw Graph downloads over TLS', () => {
  let tls: TestCertificate;
  let dir: ReturnType<typeof tempDir>;
  beforeAll(() => {
    tls = makeCertificate('127.0.0.1');
    dir = tempDir('raw-tls');
  });
  afterAll(() => dir.cleanup());

  it('downloads a message over HTTPS from a server trusted through NODE_EXTRA_CA_CERTS', async () => {
    const sim: GraphSimulator = await startGraphSimulator({ tls: { key: tls.keyPem, cert: tls.certPem } });
    try {
      sim.registerApp({ tenantId: TENANT, clientId: CLIENT_ID, clientSecret: SECRET });
      sim.addMailbox(UPN);
      const raw = Buffer.from('Subject: over TLS\r\nMessage-ID: <tls@x>\r\n\r\nbody \xe4\r\n', 'latin1');
      const { immutableId } = sim.addMessage(UPN, 'Inbox', raw);
      const token = await tokenFrom(sim, tls.certPem);
      const ca = join(dir.path, 'ca.pem');
      writeFileSync(ca, tls.certPem);
      const url = `${sim.graphEndpoint}/v1.0/users/${encodeURIComponent(UPN)}/messages/${encodeURIComponent(immutableId)}/$value`;
      const { stdout } = await run(process.execPath, ['-r', 'tsx/cjs', HELPER, url, token], {
        env: { ...process.env, NODE_EXTRA_CA_CERTS: ca },
      });
      expect(JSON.parse(stdout)).toEqual({
        status: 200,
        size: raw.length,
        sha256: createHash('sha256').update(raw).digest('hex'),
      });
      // Without the CA the same download is refused: certificates are checked.
      const untrusted = await run(process.execPath, ['-r', 'tsx/cjs', HELPER, url, token]);
      expect(JSON.parse(untrusted.stdout).code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|DEPTH_ZERO/);
    } finally {
      await sim.close();
    }
  }, 30_000);

  it('refuses a server that offers nothing newer than TLS 1.1', async () => {
    const server: Server = createServer(
      {
        key: tls.keyPem,
        cert: tls.certPem,
        minVersion: 'TLSv1',
        maxVersion: 'TLSv1.1',
        ciphers: 'DEFAULT@SECLEVEL=0',
      },
      (_req, res) => res.end('should never be served'),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      await expect(rawGet(`https://127.0.0.1:${port}/x`, {}, 5_000)).rejects.toMatchObject({
        code: 'EPROTO',
        message: expect.stringMatching(/protocol|version/i),
      });
    } finally {
      server.close();
    }
  });
});
