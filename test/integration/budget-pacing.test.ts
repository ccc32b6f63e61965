import { generateSampleMessages } from '../../src/simulators/graph';
import { listDocuments } from '../helpers/documents';
import { Harness, seedFolder } from '../helpers/harness';

const FOLDER = 'Inbox/Backfill';
const MESSAGES = 100;

/**
 * A backfill bigger than the mailbox's request budget: the simulator enforces the budget with 429s
 * the way Exchange does, and postroom must pace itself so that none is ever sent.
 */
describe('request budget pacing', () => {
  const budget = { requests: 60, windowSeconds: 3 };
  const harness = new Harness({
    sources: [{ id: 'backfill', folder: FOLDER, pageSize: 50 }],
    simulator: { requestBudget: budget },
    workersYaml: 'workers:\n  ingestConcurrency: 8',
    serviceYaml: `graph:\n  requestBudget:\n    requests: ${budget.requests}\n    windowSeconds: ${budget.windowSeconds}\n    burst: 5`,
  });

  beforeAll(async () => {
    await harness.start();
    seedFolder(harness.sim, FOLDER, generateSampleMessages({ count: MESSAGES, seed: 21 }));
  });
  afterAll(() => harness.stop());

  it('runs at the budget rate and triggers no 429 at all', async () => {
    const started = Date.now();
    await harness.poll('backfill');
    await harness.drain();
    const seconds = (Date.now() - started) / 1000;
    expect(listDocuments(harness.documentsRoot)).toHaveLength(MESSAGES);
    const counters = harness.sim.counters();
    // Over 100 requests against a budget of 60 per 3 s: without pacing the simulator would answer 429.
    expect(counters.graphRequests).toBeGreaterThan(budget.requests);
    expect(counters.throttled).toBe(0);
    expect(seconds).toBeGreaterThanOrEqual(
      ((counters.graphRequests - budget.requests) / budget.requests) * budget.windowSeconds,
    );
    const poll = JSON.parse(harness.logs.filter((l) => l.includes('"poll finished"')).at(-1)!);
    expect(poll.budgetRemaining).toBeLessThan(budget.requests);
  });
});
