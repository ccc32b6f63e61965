import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { selfSignedCertificate } from '../helpers/certificate';
import { spawnCli } from '../helpers/spawn-cli';
import { tempDir } from '../helpers/temp-dir';

const DAY_MS = 24 * 60 * 60 * 1000;
const CERT_VALID_DAYS = 10;

interface SecretsJson {
  warningDays: number;
  credentials: Array<{
    sourceId: string;
    kind: string;
    expiresAt: string | null;
    daysLeft: number | null;
    state: string;
  }>;
}

/** A service file and source files; `secrets check` reads the configuration only (no Redis). */
function writeConfig(dir: string, sources: Array<{ id: string; credential: string }>): string {
  mkdirSync(join(dir, 'sources'), { recursive: true });
  writeFileSync(
    join(dir, 'postroom.yaml'),
    ['redis:\n  url: redis://127.0.0.1:1', 'backends:\n  documents:\n    type: folder'].join('\n') + '\n',
  );
  for (const source of sources) {
    writeFileSync(
      join(dir, 'sources', `${source.id}.yaml`),
      [
        `id: ${source.id}`,
        'tenantId: 3d1f0c52-7a43-4b6e-9c1d-2e8f5a6b7c90',
        'clientId: a9e4b7c1-2d3f-4e5a-8b6c-7d8e9f0a1b2c',
        source.credential,
        'authorityHost: http://127.0.0.1:1',
        'graphEndpoint: http://127.0.0.1:1',
        'mailbox: invoices@contoso.example',
        'backend: documents',
      ].join('\n') + '\n',
    );
  }
  return join(dir, 'postroom.yaml');
}

describe('postroom secrets check', () => {
  const dir = tempDir('secrets');
  const secretValue = 'a-client-secret-value-that-must-not-print';
  let pem: string;

  beforeAll(() => {
    const certificate = selfSignedCertificate('postroom-expiring', CERT_VALID_DAYS * DAY_MS);
    pem = join(dir.path, 'app.pem');
    writeFileSync(pem, certificate.certificatePem + certificate.privateKeyPem);
  });
  afterAll(() => dir.cleanup());

  const soon = () => ({ id: 'cert-soon', credential: `clientCertificate: ${pem}` });
  const later = { id: 'secret-later', credential: `clientSecret: ${secretValue}\nsecretExpires: 2099-12-31` };
  const unknown = { id: 'secret-unknown', credential: `clientSecret: ${secretValue}` };
  const past = { id: 'secret-past', credential: `clientSecret: ${secretValue}\nsecretExpires: 2020-01-01` };

  it('exits 2 when a certificate expires within 30 days, reading its date from the PEM', async () => {
    const config = writeConfig(join(dir.path, 'warn'), [soon(), later, unknown]);
    const run = spawnCli(['secrets', 'check', '--config', config]);
    expect(await run.exited).toBe(2);
    const out = run.stdout.join('\n');
    expect(out).toMatch(
      /^cert-soon\s+yes\s+certificate\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\s+9\s+expires soon$/m,
    );
    expect(out).toMatch(/^secret-later\s+yes\s+client-secret\s+2099-12-31 00:00:00Z\s+\d+\s+ok$/m);
    expect(out).toMatch(/^secret-unknown\s+yes\s+client-secret\s+-\s+-\s+unknown: add secretExpires/m);
    expect(out).toContain('0 expired, 1 expiring within 30 days, 1 ok, 1 unknown');
    expect(out).not.toContain(secretValue);
  });

  it('exits 0 when nothing expires within --days', async () => {
    const config = writeConfig(join(dir.path, 'ok'), [soon(), later]);
    const run = spawnCli(['secrets', 'check', '--days', '5', '--json', '--config', config]);
    expect(await run.exited).toBe(0);
    const report = JSON.parse(run.stdout.join('\n')) as SecretsJson;
    expect(report.warningDays).toBe(5);
    const cert = report.credentials.find((c) => c.sourceId === 'cert-soon')!;
    expect(cert).toMatchObject({ kind: 'certificate', daysLeft: CERT_VALID_DAYS - 1, state: 'ok' });
    expect(Math.abs(Date.parse(cert.expiresAt!) - (Date.now() + CERT_VALID_DAYS * DAY_MS))).toBeLessThan(
      5 * 60_000,
    );
  });

  it('exits 1 when a client secret is past its secretExpires date', async () => {
    const config = writeConfig(join(dir.path, 'expired'), [soon(), past]);
    const run = spawnCli(['secrets', 'check', '--config', config]);
    expect(await run.exited).toBe(1);
    const out = run.stdout.join('\n');
    expect(out).toMatch(/^secret-past\s+yes\s+client-secret\s+2020-01-01 00:00:00Z\s+-\d+\s+EXPIRED$/m);
    expect(out).toContain('1 expired, 1 expiring within 30 days');
    expect(out).not.toContain(secretValue);
  });

  it('rejects a secretExpires that is not a date, naming file and field', async () => {
    const config = writeConfig(join(dir.path, 'bad'), [
      { id: 'bad-date', credential: `clientSecret: ${secretValue}\nsecretExpires: 31.12.2027` },
    ]);
    const run = spawnCli(['secrets', 'check', '--config', config]);
    expect(await run.exited).toBe(1);
    expect(run.stderr.join('\n')).toContain(
      'bad-date.yaml: secretExpires: must be a date such as 2027-06-30',
    );
  });
});
