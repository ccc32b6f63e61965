import { isRetryable } from '../../../src/errors/postroom-error';
import type { MFilesSimulator } from '../../../src/simulators/mfiles';
import { captureLogger, makeDocument, sinkFor, startTestVault } from '../../helpers/mfiles-vault';
import { tempDir } from '../../helpers/temp-dir';

describe('M-Files sink: legacy IIS (.aspx paths, _method)', () => {
  let sim: MFilesSimulator;
  let dir: ReturnType<typeof tempDir>;
  beforeEach(async () => {
    sim = await startTestVault({ legacyAspx: true });
    dir = tempDir('mfiles-legacy');
  });
  afterEach(async () => {
    await sim.stop();
    dir.cleanup();
  });

  it('delivers, finds and settles races with .aspx paths and POST ?_method=PUT', async () => {
    const { logger } = captureLogger();
    const a = sinkFor(sim, logger, { legacyAspx: true, url: `${sim.url}/REST/` });
    const b = sinkFor(sim, logger, { legacyAspx: true });
    const doc = makeDocument(dir.path, {
      files: [
        { name: 'a.eml', bytes: Buffer.from('a') },
        { name: 'b.pdf', bytes: Buffer.from('b') },
      ],
    });
    await Promise.all([a.find(doc.key), b.find(doc.key)]);
    sim.injectFault({ kinds: ['upload'], count: 2, delayMs: 300 });
    const [refA, refB] = await Promise.all([a.deliver(doc), b.deliver(doc)]);
    expect(refA).toEqual(refB);
    expect(await b.find(doc.key)).toEqual(refA);
    // The losing object was deleted through POST …/deleted.aspx?_method=PUT.
    expect(sim.counters().requests.deleted).toBe(1);
    expect(sim.liveObjects()).toHaveLength(1);
    expect(sim.objects()).toHaveLength(2);
    expect(sim.counters().byStatus['404'] ?? 0).toBe(0);
    expect(sim.counters().byStatus['405'] ?? 0).toBe(0);
  });

  it('without legacyAspx the old server’s HTML 404 is a permanent, readable error', async () => {
    const sink = sinkFor(sim, captureLogger().logger);
    const error = await sink.deliver(makeDocument(dir.path)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DMS_NOT_FOUND', status: 404 });
    expect((error as Error).message).toBe(
      'M-Files answered 404 to POST /server/authenticationtokens: 404 - File or directory not found.',
    );
    expect(isRetryable(error)).toBe(false);
  });
});
