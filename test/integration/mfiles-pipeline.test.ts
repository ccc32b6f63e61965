import type { MFilesSimulator } from '../../src/simulators/mfiles';
import { simpleValue } from '../../src/simulators/mfiles';
import { Harness, MAILBOX } from '../helpers/harness';
import { CLASS_INVOICE, P, PASSWORD, USER, VAULT_GUID, startTestVault } from '../helpers/mfiles-vault';
import { deletePrefix } from '../helpers/redis';
import { spawnCli } from '../helpers/spawn-cli';
import { waitFor } from '../helpers/wait-for';

/**
 * The whole path into M-Files: Graph delta → BullMQ → conversion with separated attachments →
 * metadata mapping → M-Files REST (simulator) → ledger. Then a Redis flush, and an outage.
 */

const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(3000, 0x41), Buffer.from('\n%%EOF\n')]);

function invoiceMail(n: number, customer: string): Buffer {
  const boundary = `b-${n}`;
  return Buffer.from(
    [
      `From: "Billing ${n}" <billing@supplier.example>`,
      'To: invoices@contoso.example',
      `Subject: Invoice ${1000 + n}`,
      `Date: Tue, 3 Mar 2026 09:0${n}:00 +0100`,
      `Message-ID: <invoice-${n}@supplier.example>`,
      `X-Customer: ${customer}`,
      'X-Notes: line one',
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      `Please find invoice ${1000 + n} attached.`,
      `--${boundary}`,
      // Declared generically, as many mailers do: the PDF is recognised from its bytes.
      `Content-Type: application/octet-stream; name="invoice-${n}.pdf"`,
      `Content-Disposition: attachment; filename="invoice-${n}.pdf"`,
      'Content-Transfer-Encoding: base64',
      '',
      PDF.toString('base64').replace(/.{76}/g, '$&\r\n'),
      `--${boundary}--`,
      '',
    ].join('\r\n'),
  );
}

const SOURCE_EXTRA = [
  'attachments: separate',
  'metadata:',
  '  class:',
  '    rules:',
  "      - when: { subject: 'Invoice*' }",
  '        class: Invoice',
  '    default: E-mail',
  '  properties:',
  '    - { property: Invoice number, from: subject }',
  "    - { property: Notes, from: 'header:X-Notes' }",
  '    - { property: Page count, value: 3 }',
  '    - { property: Archive number, value: 9007199254740 }',
  '    - { property: Amount, value: 12.5 }',
  '    - { property: Invoice date, from: sent }',
  '    - { property: Received time, from: received }',
  '    - { property: Received at, from: received }',
  '    - { property: Paid, from: hasAttachments }',
  "    - { property: Customer, from: 'header:X-Customer' }",
  '    - { property: Tags, from: categories }',
].join('\n');

function vaultYaml(sim: MFilesSimulator): string {
  return [
    '',
    '  vault:',
    '    type: mfiles',
    `    url: ${sim.url}`,
    `    vault: '{${VAULT_GUID}}'`,
    `    username: ${USER}`,
    `    password: \${env:POSTROOM_IT_MFILES_PASSWORD}`,
    "    keyProperty: 'postroom key'",
  ].join('\n');
}

describe('Graph → M-Files, with separated attachments and mapped metadata', () => {
  let vault: MFilesSimulator;
  let harness: Harness;
  const ids: string[] = [];
  const workers = 'workers:\n  ingestConcurrency: 4\n  ingestAttempts: 3\n  retryDelaySeconds: 0.2';

  beforeAll(async () => {
    process.env.POSTROOM_IT_MFILES_PASSWORD = PASSWORD;
    vault = await startTestVault();
    harness = new Harness({
      sources: [{ id: 'invoices', folder: 'Inbox/Invoices', backend: 'vault', extra: SOURCE_EXTRA }],
      backendsYaml: vaultYaml(vault),
      workersYaml: workers,
    });
    await harness.start();
    harness.sim.addMailbox(MAILBOX);
    harness.sim.ensureFolder(MAILBOX, 'Inbox/Invoices');
    ['Contoso Ltd', 'Fabrikam', 'contoso ltd', 'Fabrikam'].forEach((customer, i) =>
      ids.push(
        harness.sim.addMessage(MAILBOX, 'Inbox/Invoices', invoiceMail(i + 1, customer), {
          categories: i % 2 === 0 ? ['Finance'] : ['Finance', 'Urgent'],
          receivedDateTime: `2026-03-03T08:1${i}:00Z`,
        }).immutableId,
      ),
    );
  });
  afterAll(async () => {
    await harness?.stop();
    await vault?.stop();
    delete process.env.POSTROOM_IT_MFILES_PASSWORD;
  });

  it('files each message as one multi-file document with every property type mapped', async () => {
    await harness.poll('invoices');
    await harness.drain();
    const objects = vault.liveObjects();
    expect(objects).toHaveLength(4);
    for (const object of objects) {
      expect(object.classId).toBe(CLASS_INVOICE);
      expect(object.singleFile).toBe(false);
      expect(object.files.map((f) => `${f.title}.${f.extension}`).sort()).toEqual(
        [
          `Invoice ${object.title.slice(-4)}.eml`,
          `invoice-${Number(object.title.slice(-4)) - 1000}.pdf`,
        ].sort(),
      );
      const pdf = object.files.find((f) => f.extension === 'pdf')!;
      expect(pdf.bytes.equals(PDF)).toBe(true);
      // The message file lost its attachment: it is the mail without the PDF.
      const eml = object.files.find((f) => f.extension === 'eml')!;
      expect(eml.bytes.length).toBeLessThan(PDF.length);
    }
    const byTitle = new Map(objects.map((o) => [o.title, o]));
    const first = byTitle.get('Invoice 1001')!;
    expect(simpleValue(first, P.invoiceNumber)).toBe('Invoice 1001');
    expect(simpleValue(first, P.notes)).toBe('line one');
    expect(simpleValue(first, P.pageCount)).toBe(3);
    expect(simpleValue(first, P.archiveNumber)).toBe(9007199254740);
    expect(simpleValue(first, P.amount)).toBe(12.5);
    expect(simpleValue(first, P.invoiceDate)).toBe('2026-03-03');
    expect(simpleValue(first, P.receivedTime)).toBe('08:10:00');
    expect(String(simpleValue(first, P.receivedAt))).toMatch(/^2026-03-03T08:10:00/);
    expect(simpleValue(first, P.paid)).toBe(true);
    // Value lists match by name, case-insensitively.
    expect(simpleValue(first, P.customer)).toBe(1);
    expect(simpleValue(byTitle.get('Invoice 1003')!, P.customer)).toBe(1);
    expect(simpleValue(byTitle.get('Invoice 1002')!, P.customer)).toBe(2);
    expect(simpleValue(byTitle.get('Invoice 1002')!, P.tags)).toEqual([1, 2]);
    expect(simpleValue(first, 83)).toBe('<invoice-1@supplier.example>');
  });

  it('creates no second document after Redis lost the ledger and the checkpoint', async () => {
    const before = vault.liveObjects().length;
    await harness.service.stop();
    await deletePrefix(harness.redis, harness.prefix);
    const again = new Harness({
      sources: [{ id: 'invoices', folder: 'Inbox/Invoices', backend: 'vault', extra: SOURCE_EXTRA }],
      backendsYaml: vaultYaml(vault),
      workersYaml: workers,
      sim: harness.sim,
      prefix: harness.prefix,
      secret: harness.secret,
    });
    await again.start();
    try {
      await again.poll('invoices');
      await again.drain();
      expect(again.logs.filter((l) => l.includes('already delivered (found in backend)'))).toHaveLength(4);
      expect(vault.liveObjects()).toHaveLength(before);
      // The ledger is rebuilt from the backend's answers.
      const rows = await again.service.runtime.ledger.getMany('invoices', ids);
      expect(rows.map((r) => r?.status)).toEqual(['delivered', 'delivered', 'delivered', 'delivered']);
    } finally {
      await again.stop();
    }
  });
});

describe('M-Files down: retries, dead letters, recovery, dlq retry', () => {
  it('ends with exactly one document per message', async () => {
    process.env.POSTROOM_IT_MFILES_PASSWORD = PASSWORD;
    const vault = await startTestVault();
    const harness = new Harness({
      sources: [{ id: 'outage', folder: 'Inbox/Outage', backend: 'vault', extra: 'attachments: separate' }],
      backendsYaml: vaultYaml(vault),
      workersYaml: 'workers:\n  ingestConcurrency: 4\n  ingestAttempts: 3\n  retryDelaySeconds: 0.2',
    });
    try {
      await harness.start();
      harness.sim.addMailbox(MAILBOX);
      harness.sim.ensureFolder(MAILBOX, 'Inbox/Outage');
      for (let i = 1; i <= 5; i++)
        harness.sim.addMessage(MAILBOX, 'Inbox/Outage', invoiceMail(i, 'Fabrikam'));

      const downAt = Date.now();
      await vault.goDown(60_000);
      await harness.poll('outage');
      const letters = await waitFor(
        async () => {
          const jobs = await harness.service.runtime.queues['dead-letter'].getJobs(['waiting']);
          return jobs.length === 5 ? jobs : null;
        },
        { timeoutMs: 30_000, what: '5 dead letters' },
      );
      const deadLetteredAfterMs = Date.now() - downAt;
      for (const letter of letters) {
        expect(letter.data).toMatchObject({ stage: 'lookup', errorCode: 'DMS_UNAVAILABLE', attempts: 3 });
      }
      expect(vault.objects()).toHaveLength(0);

      await vault.stop();
      await vault.start();
      const retry = spawnCli(['--config', harness.configFile, 'dlq', 'retry', '--all'], {
        POSTROOM_IT_MFILES_PASSWORD: PASSWORD,
      });
      expect(await retry.exited).toBe(0);
      await waitFor(() => vault.liveObjects().length === 5, { timeoutMs: 30_000, what: '5 documents' });
      await harness.drain();
      expect(vault.liveObjects()).toHaveLength(5);
      expect(await harness.service.runtime.queues['dead-letter'].getJobCounts('waiting')).toEqual({
        waiting: 0,
      });
      console.log(
        `M-Files outage: 5 messages, 3 attempts each, all dead-lettered ${deadLetteredAfterMs} ms after the outage began; ` +
          `after dlq retry: ${vault.liveObjects().length} documents`,
      );
    } finally {
      await harness.stop();
      await vault.stop();
      delete process.env.POSTROOM_IT_MFILES_PASSWORD;
    }
  });
});
