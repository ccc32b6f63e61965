import { rmSync, writeFileSync } from 'node:fs';
import { generateSampleMessages } from '../../src/simulators/graph/sample-mail';
import { listDocuments } from '../helpers/documents';
import { Harness, seedFolder } from '../helpers/harness';
import { waitFor } from '../helpers/wait-for';

/** The promise in the README: an edit takes effect within this long, without a restart. */
const RELOAD_PROMISE_MS = 5_000;

describe('hot reload of source definitions', () => {
  const harness = new Harness({ sources: [{ id: 'invoices', folder: 'Inbox/Invoices' }] });

  beforeAll(async () => {
    await harness.start();
    seedFolder(harness.sim, 'Inbox/Invoices', generateSampleMessages({ count: 3, seed: 41 }));
    seedFolder(harness.sim, 'Inbox/Orders', generateSampleMessages({ count: 4, seed: 42 }));
  });
  afterAll(() => harness.stop());

  const reloads = () => harness.logs.filter((l) => l.includes('"source definitions reloaded"'));

  it('starts polling a source whose file is added, within the promised time', async () => {
    const before = reloads().length;
    const written = Date.now();
    harness.writeSource({ id: 'orders', folder: 'Inbox/Orders' });
    await waitFor(() => reloads().length > before, { timeoutMs: RELOAD_PROMISE_MS, what: 'reload' });
    expect(Date.now() - written).toBeLessThan(RELOAD_PROMISE_MS);
    expect(reloads().at(-1)).toContain('"added":["orders"]');
    expect(harness.service.runtime.source('orders')?.definition.folder).toBe('Inbox/Orders');
    // A new source is polled at once, not at its next cron tick (next January here).
    await waitFor(() => listDocuments(harness.documentsRoot).length === 4, { what: '4 documents' });
  });

  it('keeps the last good definition running when an edit is invalid, naming file and field', async () => {
    const file = `${harness.dir.path}/sources/orders.yaml`;
    const running = harness.service.runtime.source('orders');
    writeFileSync(
      file,
      `id: orders\nmailbox: not an address\nbackend: documents\ntenantId: x\nclientId: y\nclientSecret: s\n`,
    );
    const rejected = await waitFor(
      () => harness.logs.find((l) => l.includes('"source definition rejected') && l.includes('orders.yaml')),
      { timeoutMs: RELOAD_PROMISE_MS, what: 'rejection' },
    );
    expect(rejected).toMatch(/orders\.yaml: mailbox: must be a user principal name/);
    expect(rejected).toContain('"running":"orders"');
    expect(harness.service.runtime.source('orders')).toBe(running);
  });

  it('picks up a changed schedule and stops a removed source', async () => {
    harness.writeSource({ id: 'invoices', folder: 'Inbox/Invoices', schedule: '0 0 2 1 *' });
    await waitFor(() => harness.service.runtime.source('invoices')?.definition.schedule === '0 0 2 1 *', {
      timeoutMs: RELOAD_PROMISE_MS,
      what: 'new schedule',
    });
    // The changed source is polled at once too: its 3 messages join the 4 from before.
    await waitFor(() => listDocuments(harness.documentsRoot).length === 7, { what: '7 documents' });

    rmSync(`${harness.dir.path}/sources/orders.yaml`);
    await waitFor(() => harness.service.runtime.source('orders') === undefined, {
      timeoutMs: RELOAD_PROMISE_MS,
      what: 'orders removed',
    });
    expect(harness.logs.some((l) => l.includes('"source unscheduled"') && l.includes('"orders"'))).toBe(true);
    expect(harness.service.runtime.config.sources.map((s) => s.definition.id)).toEqual(['invoices']);
  });
});
