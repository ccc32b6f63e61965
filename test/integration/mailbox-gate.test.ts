import { Redis } from 'ioredis';
import { MailboxGate, type RequestBudget } from '../../src/sources/graph/mailbox-gate';
import { TEST_REDIS_URL, deletePrefix, uniquePrefix } from '../helpers/redis';

const GENEROUS: RequestBudget = { requests: 1_000_000, windowMs: 600_000, burst: 1000 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('MailboxGate (limits shared through Redis)', () => {
  const prefix = uniquePrefix();
  const connections: Redis[] = [];
  /** A gate on its own connection: as a separate process would have. */
  const gate = (limit: number, budget = GENEROUS, key = `${prefix}:graph:m1`) => {
    const redis = new Redis(TEST_REDIS_URL);
    connections.push(redis);
    return new MailboxGate({ redis, key, limit, budget });
  };
  afterAll(async () => {
    await deletePrefix(connections[0]!, prefix);
    for (const c of connections) c.disconnect();
  });

  it('never lets more than the limit run at once across gates of different processes', async () => {
    const gates = [gate(4), gate(4), gate(4)];
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        gates[i % 3]!.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await sleep(5);
          running--;
        }),
      ),
    );
    expect(peak).toBe(4);
  });

  it('holds every gate of the mailbox back until a pause has passed', async () => {
    const [a, b] = [gate(4, GENEROUS, `${prefix}:graph:m2`), gate(4, GENEROUS, `${prefix}:graph:m2`)];
    const before = Date.now();
    await a.pauseFor(200);
    const startedAt = await b.run(async () => Date.now());
    expect(startedAt - before).toBeGreaterThanOrEqual(190);
  });

  it('frees the slot when the task throws', async () => {
    const g = gate(1, GENEROUS, `${prefix}:graph:m3`);
    await expect(g.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(g.run(async () => 'next')).resolves.toBe('next');
  });

  it('gives a slot back early when the task releases it, and only once', async () => {
    const g = gate(1, GENEROUS, `${prefix}:graph:m5`);
    let secondStarted = false;
    let finishFirst!: () => void;
    const first = g.run(async (release) => {
      await release();
      await release();
      // Still running (flushing a file, say) while the next request goes out.
      await new Promise<void>((resolve) => (finishFirst = resolve));
    });
    await g.run(async () => {
      secondStarted = true;
    });
    expect(secondStarted).toBe(true);
    finishFirst();
    await first;
    // Released once: the one slot is free again, not counted twice.
    await expect(g.run(async () => 'third')).resolves.toBe('third');
  });

  it('paces requests so that no window exceeds the budget, and reports what is left', async () => {
    const budget: RequestBudget = { requests: 20, windowMs: 1000, burst: 4 };
    const [a, b] = [gate(4, budget, `${prefix}:graph:m4`), gate(4, budget, `${prefix}:graph:m4`)];
    const starts: number[] = [];
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).run(async () => starts.push(Date.now()))),
    );
    starts.sort((x, y) => x - y);
    // 40 requests at 20 per second, 4 of them as a burst: about 1.8 s.
    expect(starts.at(-1)! - starts[0]!).toBeGreaterThanOrEqual(1500);
    for (let i = 0; i < starts.length; i++) {
      const inWindow = starts.filter((t) => t >= starts[i]! && t < starts[i]! + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(21); // the budget, plus one for clock granularity
    }
    // Read while a request of the current window holds its slot: read after the run, the 1 s window
    // may just have rolled over and show the whole budget again.
    const remaining = await a.run(() => a.budgetRemaining());
    expect(remaining).toBeLessThan(20);
  });
});
