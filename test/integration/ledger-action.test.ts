import { Redis } from 'ioredis';
import { RedisLedger } from '../../src/ledger/redis-ledger';
import { TEST_REDIS_URL, deletePrefix, uniquePrefix } from '../helpers/redis';

describe('RedisLedger.recordAction', () => {
  const prefix = uniquePrefix();
  let redis: Redis;
  let ledger: RedisLedger;

  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
    ledger = new RedisLedger(redis, prefix);
  });
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('sets the action of an existing row and keeps every other field as it was', async () => {
    const entry = {
      status: 'delivered' as const,
      at: '2026-10-30T10:00:02.123Z',
      internetMessageId: '<ü-4711@supplier.example>',
      backend: 'documents',
      documentRef: 'invoices/2026/10/20261030-100000-3f2a9c1b',
      attempts: 2,
    };
    await ledger.record('invoices', 'AAk/+id=', entry);
    const action = {
      kind: 'move' as const,
      status: 'pending' as const,
      at: '2026-10-30T10:00:03Z',
      errorCode: 'GRAPH_UNAVAILABLE',
      error: 'Graph answered 503 for /users/a@b/messages/x/move: „busy" — try later',
      attempts: 1,
    };
    expect(await ledger.recordAction('invoices', 'AAk/+id=', action)).toBe(true);
    expect(await ledger.get('invoices', 'AAk/+id=')).toEqual({ ...entry, action });

    const done = { kind: 'move' as const, status: 'done' as const, at: '2026-10-30T10:00:09Z', attempts: 2 };
    await ledger.recordAction('invoices', 'AAk/+id=', done);
    expect(await ledger.get('invoices', 'AAk/+id=')).toEqual({ ...entry, action: done });
  });

  it('writes nothing for a message without a row', async () => {
    expect(
      await ledger.recordAction('invoices', 'unknown', {
        kind: 'markRead',
        status: 'done',
        at: '2026-10-30T10:00:00Z',
      }),
    ).toBe(false);
    expect(await ledger.get('invoices', 'unknown')).toBeNull();
  });
});
