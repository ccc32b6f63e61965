import { isRetryable } from '../../../src/errors/postroom-error';
import type { MFilesFaultSpec, MFilesSimulator } from '../../../src/simulators/mfiles';
import { captureLogger, makeDocument, sinkFor, startTestVault } from '../../helpers/mfiles-vault';
import { tempDir } from '../../helpers/temp-dir';

describe('M-Files sink: server trouble', () => {
  let sim: MFilesSimulator;
  let dir: ReturnType<typeof tempDir>;
  beforeEach(async () => {
    sim = await startTestVault();
    dir = tempDir('mfiles-faults');
  });
  afterEach(async () => {
    await sim.stop();
    dir.cleanup();
  });

  const cases: Array<
    [string, MFilesFaultSpec, { code: string; retryable: boolean; retryAfterMs?: number; text: RegExp }]
  > = [
    [
      '503 with Retry-After',
      { kinds: ['create'], status: 503, retryAfterSeconds: 7 },
      {
        code: 'DMS_UNAVAILABLE',
        retryable: true,
        retryAfterMs: 7000,
        text: /503 ServiceUnavailableException to POST \/objects\/0: The M-Files server is temporarily unavailable/,
      },
    ],
    [
      '429 with Retry-After',
      { kinds: ['upload'], status: 429, retryAfterSeconds: 2.5 },
      {
        code: 'DMS_UNAVAILABLE',
        retryable: true,
        retryAfterMs: 2500,
        text: /429 TooManyRequestsException to POST \/files/,
      },
    ],
    [
      '500',
      { kinds: ['search'], status: 500 },
      {
        code: 'DMS_UNAVAILABLE',
        retryable: true,
        text: /500 InternalServerErrorException to GET \/objects:/,
      },
    ],
    [
      'an HTML 502 from a proxy',
      { kinds: ['create'], status: 502, html: true },
      {
        code: 'DMS_UNAVAILABLE',
        retryable: true,
        text: /M-Files answered 502 to POST \/objects\/0: 502 - The server could not handle/,
      },
    ],
    [
      '400',
      { kinds: ['create'], status: 400 },
      {
        code: 'DMS_REJECTED',
        retryable: false,
        text: /400 MFilesException to POST \/objects\/0: Injected bad request/,
      },
    ],
    [
      'a reset connection',
      { kinds: ['upload'], reset: true },
      { code: 'DMS_UNAVAILABLE', retryable: true, text: /did not answer POST \/files/ },
    ],
  ];

  it.each(cases)('classifies %s', async (_label, fault, expected) => {
    const sink = sinkFor(sim, captureLogger().logger);
    await sink.find(makeDocument(dir.path).key);
    sim.injectFault(fault);
    const error = await sink.deliver(makeDocument(dir.path)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: expected.code });
    expect((error as Error).message).toMatch(expected.text);
    expect(isRetryable(error)).toBe(expected.retryable);
    if (expected.retryAfterMs !== undefined)
      expect(error).toMatchObject({ retryAfterMs: expected.retryAfterMs });
    // Nothing half-made: the vault holds no object, and the next attempt delivers.
    expect(sim.objects()).toHaveLength(0);
    await sink.deliver(makeDocument(dir.path));
    expect(sim.objects()).toHaveLength(1);
  });

  it('a server that is down (connection refused) is retryable, and delivery works once it is back', async () => {
    const sink = sinkFor(sim, captureLogger().logger);
    const doc = makeDocument(dir.path);
    await sim.goDown(300);
    const error = await sink.deliver(doc).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DMS_UNAVAILABLE' });
    expect((error as Error).message).toMatch(
      /did not answer POST \/server\/authenticationtokens: fetch failed \(.*ECONNREFUSED/,
    );
    expect(isRetryable(error)).toBe(true);
    await sim.waitUntilUp();
    await sink.deliver(doc);
    expect(sim.liveObjects()).toHaveLength(1);
  });

  it('a server that goes quiet is abandoned after the request timeout', async () => {
    const sink = sinkFor(sim, captureLogger().logger, { requestTimeoutSeconds: 1 });
    await sink.find(makeDocument(dir.path).key);
    sim.injectFault({ kinds: ['search'], delayMs: 2000 });
    const started = Date.now();
    const error = await sink.deliver(makeDocument(dir.path)).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1900);
    expect(error).toMatchObject({ code: 'DMS_UNAVAILABLE' });
    expect((error as Error).message).toMatch(
      /did not answer GET \/objects: no data from the server for 1000 ms/,
    );
    expect(isRetryable(error)).toBe(true);
  });

  it('a slow but steady server is waited for', async () => {
    const sink = sinkFor(sim, captureLogger().logger, { requestTimeoutSeconds: 1 });
    sim.injectFault({ delayMs: 300, count: 10 });
    await sink.deliver(makeDocument(dir.path));
    expect(sim.liveObjects()).toHaveLength(1);
  });
});
