import { generateSampleMessages } from '../../src/simulators/graph';
import { Harness, seedFolder } from '../helpers/harness';
import { waitFor } from '../helpers/wait-for';

const FOLDER = 'Inbox/Invoices';

describe('a round that loses its poll lock (Redis flushed under it)', () => {
  // Slow pages, so the lock can be taken away in the middle of the round.
  const harness = new Harness({ sources: [{ id: 'fenced', pageSize: 5 }], simulator: { latencyMs: 250 } });

  beforeAll(async () => {
    await harness.start();
    seedFolder(harness.sim, FOLDER, generateSampleMessages({ count: 20, seed: 31 }));
  });
  afterAll(() => harness.stop());

  it('stores no checkpoint, so the next poll starts over instead of skipping lost jobs', async () => {
    const lockKey = `${harness.prefix}:lock:poll:fenced`;
    const checkpointKey = `${harness.prefix}:checkpoint:fenced`;
    const polled = harness.poll('fenced');
    await waitFor(() => harness.redis.exists(lockKey), { what: 'the poll lock' });
    await harness.redis.del(lockKey);
    await polled;
    expect(await harness.redis.get(checkpointKey)).toBeNull();
    expect(harness.logs.some((l) => l.includes('poll lock lost during the round'))).toBe(true);

    await harness.poll('fenced');
    expect(await harness.redis.get(checkpointKey)).not.toBeNull();
  });
});
