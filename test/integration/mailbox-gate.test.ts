import { Redis } from 'ioredis';
import { MailboxGate, closeGates, gateFor, type RequestBudget } from '../../src/sources/graph/mailbox-gate';
import { PauseListener } from '../../src/sources/graph/pause-listener';
import { TEST_REDIS_URL, deletePrefix, uniquePrefix } from '../helpers/redis';
import { waitFor } from '../helpers/wait-for';

const GENEROUS: RequestBudget = { requests: 1_000_000, windowMs: 600_000, burst: 1000 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('MailboxGate (limits shared through Redis)', () => {
  const prefix = uniquePrefix();
  const connections: Redis[] = [];
  const listeners: PauseListener[] = [];
  /**
   * A gate on its own connection, as a separate process would have. With `channel` it listens
   * there for pauses (so it may send handed-over slots on spare budget); a channel nobody
   * announces on makes a process that misses every announcement.
   */
  const gate = (limit: number, budget = GENEROUS, key = `${prefix}:graph:m1`, channel?: string) => {
    const redis = new Redis(TEST_REDIS_URL);
    connections.push(redis);
    const made: { gate?: MailboxGate } = {};
    const listener = channel
      ? new PauseListener(redis, channel, (k, delayMs) =>
          k === key ? made.gate?.pauseLocally(delayMs) : undefined,
        )
      : undefined;
    if (listener) listeners.push(listener);
    made.gate = new MailboxGate({ redis, key, limit, budget, listener });
    return made.gate;
  };
  const listening = () => waitFor(() => listeners.every((l) => l.epoch() >= 0));
  /**
   * Runs 60 short requests through `a` (so each hands its slot to the next) while, 60 ms in, `b`
   * pauses the mailbox for 300 ms; returns when each request started, and when the pause began.
   */
  const pausedMidChain = async (a: MailboxGate, b: MailboxGate) => {
    const starts: number[] = [];
    const chain = Promise.all(
      Array.from({ length: 60 }, () =>
        a.run(async () => {
          starts.push(Date.now());
          await sleep(5);
        }),
      ),
    );
    await sleep(60);
    const pausedAt = Date.now();
    await b.pauseFor(300);
    await chain;
    return { starts, pausedAt };
  };
  /** The gate a service process gets: it hears other processes' pauses, so it may use spare budget. */
  const serviceGate = async (limit: number, mailbox: string) => {
    const redis = new Redis(TEST_REDIS_URL);
    connections.push(redis);
    const settings = { redis, prefix, limit, budget: GENEROUS };
    const g = gateFor('https://graph.test', 'client', mailbox, settings);
    // Subscribed once the subscription is up: until then every request asks Redis first anyway.
    await sleep(100);
    return { gate: g, redis };
  };
  afterAll(async () => {
    await deletePrefix(connections[0]!, prefix);
    for (const l of listeners) await l.close();
    for (const c of connections) {
      await closeGates(c);
      c.disconnect();
    }
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

  it('passes a handed-over slot on when Redis fails the request it was handed to', async () => {
    const key = `${prefix}:graph:m7`;
    const g = gate(1, GENEROUS, key);
    let finishFirst!: () => void;
    const first = g.run(() => new Promise<void>((resolve) => (finishFirst = resolve)));
    await sleep(20);
    const second = g.run(async () => 'second');
    const third = g.run(async () => 'third');
    await sleep(20);
    // The budget state turns unreadable: the script fails for whoever is handed the slot.
    await connections[0]!.set(`${key}:tat`, 'not a number');
    finishFirst();
    await first;
    await expect(second).rejects.toThrow();
    await expect(third).rejects.toThrow();
    await connections[0]!.del(`${key}:tat`);
    // Nothing leaked: the one slot is free for the next request.
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

  it.each([
    ['asking Redis before every request', false, 'm4'],
    ['sending handed-over slots on spare budget', true, 'm6'],
  ])(
    'paces requests so that no window exceeds the budget (%s), and reports what is left',
    async (_, spare, m) => {
      const budget: RequestBudget = { requests: 20, windowMs: 1000, burst: 4 };
      const key = `${prefix}:graph:${m}`;
      const channel = spare ? `${prefix}:graph:pause` : undefined;
      const [a, b] = [gate(4, budget, key, channel), gate(4, budget, key, channel)];
      await listening();
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
    },
  );

  it('books every request a handed-over slot sent on spare budget', async () => {
    const { gate: g } = await serviceGate(1, 'books@example.com');
    const before = await g.budgetRemaining();
    // One slot, so every request after the first goes out on a handed-over slot.
    await Promise.all(Array.from({ length: 30 }, () => g.run(() => sleep(1))));
    await sleep(50); // the last bookings are on their way
    expect(before - (await g.budgetRemaining())).toBe(30);
    expect(g.sentOnSpare).toBeGreaterThan(20);
  });

  it("stops handed-over slots for another process's pause", async () => {
    const mailbox = 'paused@example.com';
    const { gate: a } = await serviceGate(1, mailbox);
    const { gate: b } = await serviceGate(1, mailbox);
    const { starts, pausedAt } = await pausedMidChain(a, b);
    // The pause reaches the other process within milliseconds; after that nothing starts until it ends.
    const early = starts.filter((t) => t > pausedAt + 30 && t < pausedAt + 295);
    expect(early).toEqual([]);
    expect(starts.some((t) => t < pausedAt)).toBe(true);
    expect(starts.some((t) => t >= pausedAt + 295)).toBe(true);
  });

  it('lets at most one handed-over slot out after a pause its process did not hear', async () => {
    const key = `${prefix}:graph:m8`;
    // A hears on a channel nobody announces on: only Redis can tell it of B's pause.
    const a = gate(1, GENEROUS, key, `${prefix}:nobody-announces-here`);
    const b = gate(1, GENEROUS, key);
    await listening();
    const { starts, pausedAt } = await pausedMidChain(a, b);
    expect(a.sentOnSpare).toBeGreaterThan(0);
    // The booking of the request that slipped out tells A of the pause: nothing else starts.
    expect(starts.filter((t) => t > pausedAt + 5 && t < pausedAt + 295).length).toBeLessThanOrEqual(1);
  });

  it('stops trusting spare budget once Redis refuses (a pause it had not heard of)', async () => {
    const key = `${prefix}:graph:m9`;
    const a = gate(2, GENEROUS, key, `${prefix}:nobody-announces-here`);
    const b = gate(2, GENEROUS, key);
    await listening();
    let finishFirst!: () => void;
    // Admitted with budget to spare: A trusts it for a second.
    const first = a.run(() => new Promise<void>((resolve) => (finishFirst = resolve)));
    await sleep(20);
    await b.pauseFor(300);
    const pausedAt = Date.now();
    const second = a.run(async () => Date.now()); // refused by Redis: the mailbox is paused
    await sleep(30);
    finishFirst(); // the first's slot is handed to the second
    await first;
    expect((await second) - pausedAt).toBeGreaterThanOrEqual(290);
  });

  it('hears again after its subscriber reconnects, under a new epoch', async () => {
    const redis = new Redis(TEST_REDIS_URL, { connectionName: `${prefix}-listener` });
    connections.push(redis);
    const heard: number[] = [];
    const listener = new PauseListener(redis, `${prefix}:epoch`, (_key, delayMs) => heard.push(delayMs));
    listeners.push(listener);
    const first = await waitFor(() => (listener.epoch() >= 0 ? listener.epoch() + 1 : 0));
    const clients = await redis.call('CLIENT', 'LIST', 'TYPE', 'pubsub');
    const id = /id=(\d+) .*name=[^ ]*-listener/.exec(String(clients))?.[1];
    expect(id).toBeDefined();
    await redis.call('CLIENT', 'KILL', 'ID', id!);
    await waitFor(() => listener.epoch() > first - 1);
    await redis.publish(`${prefix}:epoch`, JSON.stringify({ key: 'k', delayMs: 7 }));
    await waitFor(() => heard.length > 0);
    expect(heard).toEqual([7]);
  });

  it('stops handing on a slot whose lease Redis lost (a flush)', async () => {
    const key = `${prefix}:graph:m10`;
    const a = gate(1, GENEROUS, key, `${prefix}:graph:pause`);
    const c = gate(1, GENEROUS, key);
    await listening();
    let running = 0;
    let peakAfterFlush = 0;
    let flushedAt = Infinity;
    const task = async () => {
      running++;
      if (Date.now() > flushedAt + 50) peakAfterFlush = Math.max(peakAfterFlush, running);
      await sleep(5);
      running--;
    };
    const chainA = Promise.all(Array.from({ length: 40 }, () => a.run(task)));
    await sleep(30);
    await connections[0]!.del(`${key}:slots`); // A's lease is gone; A's requests keep running
    flushedAt = Date.now();
    await Promise.all([chainA, ...Array.from({ length: 20 }, () => c.run(task))]);
    expect(peakAfterFlush).toBe(1);
  });
});
