import { writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { isRetryable } from '../../../src/errors/postroom-error';
import type { MFilesSimulator } from '../../../src/simulators/mfiles';
import {
  PASSWORD,
  VAULT_GUID,
  captureLogger,
  makeDocument,
  sinkFor,
  startTestVault,
} from '../../helpers/mfiles-vault';
import { tempDir } from '../../helpers/temp-dir';

describe('M-Files sink: authentication', () => {
  let sim: MFilesSimulator;
  let dir: ReturnType<typeof tempDir>;
  beforeEach(async () => {
    sim = await startTestVault();
    dir = tempDir('mfiles-auth');
  });
  afterEach(async () => {
    await sim.stop();
    dir.cleanup();
  });

  it('logs in once for many deliveries and shares the token', async () => {
    const sink = sinkFor(sim, captureLogger().logger);
    await Promise.all([1, 2, 3, 4].map(() => sink.deliver(makeDocument(dir.path))));
    expect(sim.counters().tokensIssued).toBe(1);
    expect(sim.liveObjects()).toHaveLength(4);
  });

  it('an expired token (403) is replaced once and the delivery goes through', async () => {
    const sink = sinkFor(sim, captureLogger().logger);
    await sink.deliver(makeDocument(dir.path));
    sim.expireTokens();
    await sink.deliver(makeDocument(dir.path));
    expect(sim.counters().tokensIssued).toBe(2);
    expect(sim.counters().byStatus['403']).toBe(1);
    expect(sim.liveObjects()).toHaveLength(2);
  });

  it('a token that expires between upload and create repeats the uploads in the new session', async () => {
    const sink = sinkFor(sim, captureLogger().logger);
    await sink.deliver(makeDocument(dir.path));
    // The create meets a 403 as if the session had just timed out; its uploads die with the session.
    sim.injectFault({ kinds: ['create'], status: 403 });
    const doc = makeDocument(dir.path, {
      files: [
        { name: 'a.txt', bytes: Buffer.from('a') },
        { name: 'b.txt', bytes: Buffer.from('b') },
      ],
    });
    await sink.deliver(doc);
    expect(sim.counters().tokensIssued).toBe(2);
    expect(sim.counters().requests.upload).toBe(1 + 2 + 2);
    expect(sim.liveObjects()).toHaveLength(2);
  });

  it('a wrong password is a permanent DMS_AUTH_FAILED after exactly one re-login, and never printed', async () => {
    const { logger, text } = captureLogger();
    const wrong = 'Wr0ng-Horse-Battery-Staple';
    const sink = sinkFor(sim, logger, { password: wrong });
    const error = await sink.deliver(makeDocument(dir.path)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DMS_AUTH_FAILED', status: 403, upstreamCode: 'ForbiddenException' });
    expect(isRetryable(error)).toBe(false);
    const message = (error as Error).message;
    expect(message).toContain(`M-Files rejected the credentials for vault {${VAULT_GUID}} (user postroom)`);
    expect(message).toContain('Login to application failed');
    expect(message).not.toContain(wrong);
    expect(JSON.stringify(error)).not.toContain(wrong);
    expect(sim.counters().tokensIssued).toBe(2);
    expect(sim.objects()).toHaveLength(0);

    logger.error('delivery failed', { error, detail: message });
    await new Promise((r) => setImmediate(r));
    expect(text()).not.toContain(wrong);
    expect(text()).not.toContain(PASSWORD);
  });

  it('reads the password from ${env:…} or ${file:…} and keeps it out of logs', async () => {
    const { logger, text } = captureLogger();
    process.env.POSTROOM_TEST_MFILES_PASSWORD = PASSWORD;
    const file = join(dir.path, 'mfiles-password');
    writeFileSync(file, `${PASSWORD}\n`);
    try {
      await sinkFor(sim, logger, { password: '${env:POSTROOM_TEST_MFILES_PASSWORD}' }).deliver(
        makeDocument(dir.path),
      );
      await sinkFor(sim, logger, { password: `\${file:${file}}` }).deliver(makeDocument(dir.path));
    } finally {
      delete process.env.POSTROOM_TEST_MFILES_PASSWORD;
    }
    expect(sim.liveObjects()).toHaveLength(2);
    expect(() => sinkFor(sim, logger, { password: '${env:POSTROOM_TEST_MFILES_UNSET}' })).toThrow(
      expect.objectContaining({
        code: 'SECRET_UNRESOLVED',
        message: expect.stringContaining('backends.vault.password'),
      }),
    );
    await new Promise((r) => setImmediate(r));
    expect(text()).not.toContain(PASSWORD);
  });

  it('an unknown vault is a permanent DMS_NOT_FOUND', async () => {
    const sink = sinkFor(sim, captureLogger().logger, { vault: '11111111-2222-3333-4444-555555555555' });
    const error = await sink.deliver(makeDocument(dir.path)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DMS_NOT_FOUND', status: 404 });
    expect((error as Error).message).toContain('{11111111-2222-3333-4444-555555555555} was not found');
    expect(isRetryable(error)).toBe(false);
  });

  it('a server that echoes the login request in its error page does not get the password into the error', async () => {
    const echo = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.writeHead(400, { 'Content-Type': 'application/json' });
        const text = Buffer.concat(chunks).toString();
        res.end(
          JSON.stringify({
            Status: 400,
            Exception: { Name: 'ArgumentException', Message: `bad request ${text}` },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    try {
      const { logger, text } = captureLogger();
      const sink = sinkFor(sim, logger, { url: `http://127.0.0.1:${(echo.address() as AddressInfo).port}` });
      const error = await sink.deliver(makeDocument(dir.path)).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'DMS_REJECTED', status: 400 });
      expect((error as Error).message).toContain('"Password":"[redacted]"');
      expect((error as Error).message).not.toContain(PASSWORD);
      await new Promise((r) => setImmediate(r));
      expect(text()).not.toContain(PASSWORD);
    } finally {
      await new Promise((resolve) => echo.close(resolve));
    }
  });
});
