import { generateSampleMessages, startGraphSimulator, type GraphSimulator } from '../../src/simulators/graph';
import { listDocuments } from '../helpers/documents';
import { Harness, seedFolder } from '../helpers/harness';
import { deletePrefix, uniquePrefix } from '../helpers/redis';

const FOLDER = 'Inbox/Invoices';
const MESSAGES = 60;
/** How long both instances run their every-second schedules side by side. */
const RUN_MS = 6_000;

describe('two service instances against one Redis', () => {
  let sim: GraphSimulator;
  let a: Harness;
  let b: Harness;
  const prefix = uniquePrefix();

  beforeAll(async () => {
    // Slow pages make a round outlast the one-second schedule, so ticks arrive mid-round.
    sim = await startGraphSimulator({ latencyMs: 100 });
    seedFolder(sim, FOLDER, generateSampleMessages({ count: MESSAGES, seed: 99 }));
    const options = {
      sources: [{ id: 'shared', schedule: '* * * * * *', pageSize: 5 }],
      sim,
      prefix,
      secret: 'shared-secret-of-both-instances',
    };
    a = new Harness(options);
    b = new Harness(options);
    await a.start();
    await b.start();
  });

  afterAll(async () => {
    await a.stop();
    await b.stop();
    await deletePrefix(a.redis, prefix).catch(() => undefined);
    await sim.close();
  });

  it('never runs two delta rounds of one source at once and files each message once', async () => {
    await new Promise((r) => setTimeout(r, RUN_MS));
    await a.drain();
    const counters = sim.counters();
    const rounds = [...a.logs, ...b.logs].filter((l) => l.includes('"poll finished"')).length;
    expect(rounds).toBeGreaterThanOrEqual(2);
    expect(Math.max(...Object.values(counters.maxConcurrentDeltaRounds))).toBe(1);

    const docs = [...listDocuments(a.documentsRoot), ...listDocuments(b.documentsRoot)];
    expect(docs).toHaveLength(MESSAGES);
    expect(new Set(docs.map((d) => d.metadata.messageId)).size).toBe(MESSAGES);
  });
});
