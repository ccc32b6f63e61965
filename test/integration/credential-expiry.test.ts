import { X509Certificate } from 'node:crypto';
import { selfSignedCertificate } from '../helpers/certificate';
import { Harness } from '../helpers/harness';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('credential expiry at start-up', () => {
  const certificate = selfSignedCertificate('postroom-expiring', 10 * DAY_MS);
  const harness = new Harness({
    certificate,
    httpYaml: 'http:\n  port: 0',
    sources: [
      { id: 'cert-soon', useCertificate: true },
      { id: 'secret-past', extra: 'secretExpires: 2020-01-01' },
      { id: 'secret-fine', extra: 'secretExpires: 2099-12-31' },
    ],
  });

  beforeAll(() => harness.start());
  afterAll(() => harness.stop());

  function logLine(message: string, sourceId: string): Record<string, unknown> | undefined {
    const line = harness.logs.find(
      (l) => l.includes(`"message":"${message}"`) && l.includes(`"sourceId":"${sourceId}"`),
    );
    return line ? (JSON.parse(line) as Record<string, unknown>) : undefined;
  }

  it('warns about a certificate close to expiry and logs an expired client secret as an error', () => {
    expect(
      logLine('source credential expires soon: renew it in the app registration', 'cert-soon'),
    ).toMatchObject({
      level: 'warn',
      kind: 'certificate',
      daysLeft: 9,
    });
    expect(
      logLine('source credential has expired: renew it in the app registration', 'secret-past'),
    ).toMatchObject({
      level: 'error',
      kind: 'client-secret',
      expiresAt: '2020-01-01T00:00:00.000Z',
    });
    expect(harness.logs.some((l) => l.includes('"sourceId":"secret-fine"') && l.includes('credential'))).toBe(
      false,
    );
    expect(harness.logs.join('\n')).not.toContain(harness.secret);
  });

  it('exposes the same dates as gauges', async () => {
    const text = await (await fetch(`${harness.service.http!.url}/metrics`)).text();
    const notAfter = Math.floor(Date.parse(new X509Certificate(certificate.certificatePem).validTo) / 1000);
    expect(text).toContain(
      `postroom_credential_expiry_timestamp_seconds{source="cert-soon",kind="certificate"} ${notAfter}`,
    );
    expect(text).toContain(
      `postroom_credential_expiry_timestamp_seconds{source="secret-past",kind="client-secret"} ${Date.parse('2020-01-01T00:00:00Z') / 1000}`,
    );
    expect(text).not.toContain(certificate.privateKeyPem.split('\n')[1]!);
  });
});
