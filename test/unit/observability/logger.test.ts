import { PassThrough } from 'node:stream';
import { Secret } from '../../../src/config/secret';
import { createLogger, scoped } from '../../../src/observability/logger';
import { redactUrl } from '../../../src/observability/redact';

describe('logger', () => {
  it('writes JSON lines with scope fields and scrubs registered secrets wherever they appear', async () => {
    const secret = new Secret('s3cr3t-value-for-redaction');
    const stream = new PassThrough();
    const chunks: string[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c.toString()));
    const logger = scoped(createLogger({ level: 'info', stream }), { sourceId: 'demo', jobId: '7' });
    logger.info('token failed', { detail: `body echoed client_secret=${secret.reveal()}`, secret });
    logger.error('boom', { error: new Error(`message with ${secret.reveal()}`) });
    await new Promise((r) => setImmediate(r));
    const lines = chunks
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ level: 'info', message: 'token failed', sourceId: 'demo', jobId: '7' });
    expect(chunks.join('')).not.toContain(secret.reveal());
    expect(chunks.join('')).toContain('[redacted]');
  });

  it('scrubs secrets that JSON would escape, such as a PEM key with newlines', async () => {
    const pem =
      '-----BEGIN PRIVATE KEY-----\nMIIEv"QIBADANBg\\kqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n';
    new Secret(pem);
    const stream = new PassThrough();
    const chunks: string[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c.toString()));
    createLogger({ level: 'info', stream }).warn('library error', {
      detail: `bad key ${pem}`,
      nested: [{ pem }],
    });
    await new Promise((r) => setImmediate(r));
    const text = chunks.join('');
    expect(text).not.toContain('MIIEv');
    expect(text).not.toContain(JSON.stringify(pem).slice(1, -1));
  });

  it('hides passwords in URLs', () => {
    expect(redactUrl('redis://user:hunter2@host:6379')).toBe('redis://user:***@host:6379');
  });
});
