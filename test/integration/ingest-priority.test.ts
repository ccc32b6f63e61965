import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { RedisLedger } from '../../src/ledger/redis-ledger';
import { enqueueNewMessages } from '../../src/queues/enqueue-new';
import type { IngestJob } from '../../src/queues/job-map';
import { closeQueues, createQueues } from '../../src/queues/queues';
import type { MessageSummary } from '../../src/sources/mail-source';
import { TEST_REDIS_URL, deletePrefix, uniquePrefix } from '../helpers/redis';

const summaries = (source: string, count: number): MessageSummary[] =>
  Array.from(
    { length: count },
    (_, i) => ({ id: `${source}-${i + 1}`, receivedDateTime: '2026-11-30T06:00:00Z' }) as MessageSummary,
  );

/**
 * Jobs carry their message's place in the poll round as priority: the ingest queue takes the first
 * messages of every source's round before the later ones of any, and keeps each source's order.
 */
describe('ingest order across sources', () => {
  const prefix = uniquePrefix();
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const queues = createQueues(redis, prefix);
  const deps = { ledger: new RedisLedger(redis, prefix), queues, retry: { attempts: 1, delayMs: 1000 } };

  afterAll(async () => {
    await closeQueues(queues);
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('a backfill listed first does not hold up the first messages of a source listed after it', async () => {
    // A big round of "big" (two pages), then a small round of "small".
    await enqueueNewMessages(deps, 'big', summaries('big', 100).slice(0, 50), 0);
    await enqueueNewMessages(deps, 'big', summaries('big', 100).slice(50), 50);
    await enqueueNewMessages(deps, 'small', summaries('small', 5), 0);
    const order: string[] = [];
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const worker = new Worker<IngestJob>(
      'ingest',
      async (job) => {
        order.push(job.data.messageId);
        if (order.length === 105) done();
      },
      { connection: redis, prefix, concurrency: 1 },
    );
    try {
      await finished;
    } finally {
      await worker.close();
    }
    // The small source's five come among the first ten, interleaved with the big one's first five.
    expect(order.slice(0, 10).sort()).toEqual(
      [...summaries('big', 5), ...summaries('small', 5)].map((m) => m.id).sort(),
    );
    const big = order.filter((id) => id.startsWith('big-'));
    expect(big).toEqual(summaries('big', 100).map((m) => m.id));
  });
});
