import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import {
  generateSampleMessages,
  startGraphSimulator,
  type GraphSimulator,
} from '../../../src/simulators/graph';
import {
  CLIENT_ID,
  graphClient,
  secretToken,
  SECRET,
  sha256,
  TENANT,
  UPN,
  type GraphClient,
} from './graph-helpers';

const LATIN1_MESSAGE = Buffer.concat([
  Buffer.from(
    [
      'From: =?ISO-8859-1?Q?J=FCrgen_M=FCller?= <j.mueller@example.de>',
      'To: "Finance" <finance@contoso.example>, ap@contoso.example',
      'Cc: Carol <carol@example.net>',
      'Subject: =?ISO-8859-1?Q?Rechnung_f=FCr_M=E4rz?= =?UTF-8?B?4oKsIDQy?=',
      'Date: Tue, 05 Mar 2024 10:15:00 +0100',
      'Message-ID: <latin1-1@example.de>',
      'Importance: high',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=ISO-8859-1',
      'Content-Transfer-Encoding: 8bit',
      '',
      'Gr',
    ].join('\r\n'),
    'ascii',
  ),
  Buffer.from([0xfc, 0xdf, 0x65, 0x20, 0xe4, 0xf6, 0xfc, 0x0d, 0x0a]),
]);

interface MessageJson {
  id: string;
  subject: string;
  from: { emailAddress: { name: string; address: string } };
  sender: { emailAddress: { name: string; address: string } };
  toRecipients: { emailAddress: { name: string; address: string } }[];
  ccRecipients: unknown[];
  sentDateTime: string;
  receivedDateTime: string;
  internetMessageId: string;
  importance: string;
  hasAttachments: boolean;
  bodyPreview: string;
  isRead: boolean;
  categories: string[];
  parentFolderId: string;
  conversationId: string;
  body: { contentType: string; content: string };
}

interface Attachment {
  '@odata.type': string;
  id: string;
  name: string;
  contentType: string;
  size: number;
  isInline: boolean;
  contentId?: string | null;
  contentBytes?: string;
}

const variantIndex = (name: string, list: Buffer[]): number =>
  list.findIndex((raw) => raw.toString('latin1').includes(`X-Postroom-Sample: ${name}\r\n`));

describe('graph simulator: messages, $value and attachments', () => {
  let sim: GraphSimulator;
  let client: GraphClient;
  let latin1: { id: string; immutableId: string };
  const samples = generateSampleMessages({ count: 11, seed: 3 });

  beforeAll(async () => {
    sim = await startGraphSimulator();
    sim.registerApp({ tenantId: TENANT, clientId: CLIENT_ID, clientSecret: SECRET });
    sim.addMailbox(UPN);
    latin1 = sim.addMessage(UPN, 'Inbox', LATIN1_MESSAGE, {
      receivedDateTime: '2024-03-05T09:16:00Z',
      categories: ['Blue'],
    });
    client = graphClient(sim, await secretToken(sim));
  });
  afterAll(() => sim.close());

  const messagePath = (id: string, tail = ''): string =>
    `/users/${UPN}/messages/${encodeURIComponent(id)}${tail}`;

  it('serves $value as text/plain with the stored 8-bit bytes untouched', async () => {
    for (const id of [latin1.id, latin1.immutableId]) {
      const res = await client.get(messagePath(id, '/$value'));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/plain');
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(sha256(bytes)).toBe(sha256(LATIN1_MESSAGE));
      expect(bytes.includes(Buffer.from([0xe4, 0xf6, 0xfc]))).toBe(true);
    }
    expect(sim.messages(UPN, 'Inbox')[0]?.sha256).toBe(sha256(LATIN1_MESSAGE));
  });

  it('answers 405 on the folder-scoped $value path and 404 for unknown ids', async () => {
    const scoped = await client.get(
      `/users/${UPN}/mailFolders/inbox/messages/${encodeURIComponent(latin1.id)}/$value`,
    );
    expect(scoped.status).toBe(405);
    const missing = await client.get(messagePath('AAMkAGI2TG93AAAdoesnotexist0000AAA=', '/$value'));
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('ErrorItemNotFound');
  });

  it('derives message JSON from the headers, decoding encoded words', async () => {
    const msg = await client.json<MessageJson>(messagePath(latin1.id));
    expect(msg.subject).toBe('Rechnung für März€ 42');
    expect(msg.from).toEqual({ emailAddress: { name: 'Jürgen Müller', address: 'j.mueller@example.de' } });
    expect(msg.sender).toEqual(msg.from);
    expect(msg.toRecipients).toEqual([
      { emailAddress: { name: 'Finance', address: 'finance@contoso.example' } },
      { emailAddress: { name: 'ap@contoso.example', address: 'ap@contoso.example' } },
    ]);
    expect(msg.ccRecipients).toHaveLength(1);
    expect(msg.sentDateTime).toBe('2024-03-05T09:15:00Z');
    expect(msg.receivedDateTime).toBe('2024-03-05T09:16:00Z');
    expect(msg.internetMessageId).toBe('<latin1-1@example.de>');
    expect(msg.importance).toBe('high');
    expect(msg.categories).toEqual(['Blue']);
    expect(msg.hasAttachments).toBe(false);
    expect(msg.bodyPreview).toBe('Grüße äöü');

    const selected = await client.json<Record<string, unknown>>(
      messagePath(latin1.id, '?$select=subject,isRead'),
    );
    expect(Object.keys(selected).sort()).toEqual([
      '@odata.context',
      '@odata.etag',
      'id',
      'isRead',
      'subject',
    ]);
  });

  it('agrees with a MIME parser on subject and sender for every sample variant', async () => {
    const added = samples.map((raw) => ({ raw, ...sim.addMessage(UPN, 'Inbox/Variants', raw) }));
    for (const { raw, id } of added) {
      const parsed = await simpleParser(raw);
      const msg = await client.json<MessageJson>(messagePath(id));
      expect(msg.subject).toBe(parsed.subject);
      expect(msg.from.emailAddress.address).toBe(parsed.from?.value[0]?.address);
      expect(msg.from.emailAddress.name).toBe(parsed.from?.value[0]?.name);
      expect(msg.sentDateTime).toBe(`${parsed.date?.toISOString().slice(0, 19)}Z`);
      expect(msg.body.content.length).toBeGreaterThan(0);
    }
  });

  it("lists file and item attachments and serves an item attachment's MIME", async () => {
    const pdfRaw = samples[variantIndex('pdf-octet-stream', samples)] as Buffer;
    const pdf = sim.addMessage(UPN, 'Inbox', pdfRaw);
    const pdfAtts = (await client.json<{ value: Attachment[] }>(messagePath(pdf.id, '/attachments'))).value;
    expect(pdfAtts).toHaveLength(1);
    expect(pdfAtts[0]).toMatchObject({
      '@odata.type': '#microsoft.graph.fileAttachment',
      contentType: 'application/octet-stream',
      isInline: false,
    });
    expect(
      Buffer.from(pdfAtts[0]?.contentBytes as string, 'base64')
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    expect((await client.json<MessageJson>(messagePath(pdf.id))).hasAttachments).toBe(true);

    const inline = sim.addMessage(
      UPN,
      'Inbox',
      samples[variantIndex('html-inline-image', samples)] as Buffer,
    );
    const inlineAtts = (await client.json<{ value: Attachment[] }>(messagePath(inline.id, '/attachments')))
      .value;
    expect(inlineAtts[0]).toMatchObject({ contentType: 'image/png', isInline: true });
    expect(inlineAtts[0]?.contentId).toMatch(/@sample\.postroom\.test$/);
    expect((await client.json<MessageJson>(messagePath(inline.id))).hasAttachments).toBe(false);

    const fwd = sim.addMessage(UPN, 'Inbox', samples[variantIndex('forwarded-rfc822', samples)] as Buffer);
    const fwdAtts = (await client.json<{ value: Attachment[] }>(messagePath(fwd.id, '/attachments'))).value;
    const item = fwdAtts.find((a) => a['@odata.type'] === '#microsoft.graph.itemAttachment') as Attachment;
    expect(item).toBeDefined();
    expect(item.contentBytes).toBeUndefined();
    const value = await client.get(messagePath(fwd.id, `/attachments/${encodeURIComponent(item.id)}/$value`));
    expect(value.status).toBe(200);
    const inner = Buffer.from(await value.arrayBuffer());
    expect(inner.toString('latin1')).toMatch(/^From: "Original Sender"/);
    expect(inner.includes(Buffer.from('Bestellbest\xe4tigung', 'latin1'))).toBe(true);
  });

  it('answers the same message JSON whether summaries were prepared up front or on first listing', async () => {
    const pdf = sim.addMessage(UPN, 'Inbox', samples[variantIndex('pdf-octet-stream', samples)] as Buffer);
    const plain = sim.addMessage(UPN, 'Inbox', samples[0] as Buffer);
    await sim.prepareSummaries();
    const prepared = await client.json<MessageJson>(messagePath(pdf.id));
    expect(prepared.hasAttachments).toBe(true);
    expect((await client.json<MessageJson>(messagePath(plain.id))).bodyPreview).not.toBe('');
    const lazy = sim.addMessage(UPN, 'Inbox', samples[variantIndex('pdf-octet-stream', samples)] as Buffer);
    const listed = await client.json<MessageJson>(messagePath(lazy.id));
    expect(listed).toMatchObject({ hasAttachments: true, bodyPreview: prepared.bodyPreview });
  });

  it('streams a large message byte-exact and answers its JSON from the header block alone', async () => {
    const blob = Buffer.alloc(9 * 1024 * 1024, 0xab)
      .toString('base64')
      .replace(/.{76}/g, '$&\r\n');
    const big = Buffer.from(
      [
        'From: Big Sender <big@example.com>',
        'Subject: =?UTF-8?B?R3Jvw59l?= scan',
        'Date: Mon, 01 Jul 2024 12:00:00 +0000',
        'Message-ID: <big-1@example.com>',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain',
        '',
        'see attachment',
        '--b1',
        'Content-Type: application/octet-stream; name="scan.bin"',
        'Content-Transfer-Encoding: base64',
        '',
        blob,
        '--b1--',
        '',
      ].join('\r\n'),
    );
    const { id } = sim.addMessage(UPN, 'Inbox/Big', big);
    const msg = await client.json<MessageJson>(messagePath(id));
    expect(msg).toMatchObject({ subject: 'Große scan', hasAttachments: true, bodyPreview: '' });
    const value = await client.get(messagePath(id, '/$value'));
    expect(sha256(Buffer.from(await value.arrayBuffer()))).toBe(sha256(big));
  });

  it('updates isRead and categories with PATCH', async () => {
    const res = await client.send('PATCH', messagePath(latin1.id), {
      isRead: true,
      categories: ['Processed'],
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ isRead: true, categories: ['Processed'] });
    expect(sim.messages(UPN, 'Inbox').find((m) => m.id === latin1.id)).toMatchObject({
      isRead: true,
      categories: ['Processed'],
    });
    const bad = await client.send('PATCH', messagePath(latin1.id), { subject: 'nope' });
    expect(bad.status).toBe(400);
  });

  it('moves to Deleted Items on DELETE, keeping the immutable id', async () => {
    const doomed = sim.addMessage(UPN, 'Inbox', samples[0] as Buffer);
    const res = await client.send('DELETE', messagePath(doomed.id));
    expect(res.status).toBe(204);
    const inTrash = sim.messages(UPN, 'deleteditems');
    expect(inTrash.map((m) => m.immutableId)).toContain(doomed.immutableId);
    expect(inTrash.map((m) => m.id)).not.toContain(doomed.id);
    // Deleting again (from Deleted Items) removes it.
    expect((await client.send('DELETE', messagePath(doomed.immutableId))).status).toBe(204);
    expect(sim.messages(UPN, 'Deleted Items')).toHaveLength(0);
  });

  it('loads *.eml files from a directory in name order and accepts messages over the control endpoint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'graph-sim-'));
    writeFileSync(join(dir, 'b.eml'), samples[1] as Buffer);
    writeFileSync(join(dir, 'a.eml'), samples[2] as Buffer);
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    expect(sim.loadFolderFromDir(UPN, 'Inbox/Loaded', dir)).toBe(2);
    expect(sim.messages(UPN, 'Inbox/Loaded').map((m) => m.sha256)).toEqual([
      sha256(samples[2] as Buffer),
      sha256(samples[1] as Buffer),
    ]);

    const res = await fetch(
      `${sim.url}/_sim/mailboxes/${encodeURIComponent(UPN)}/messages?folder=Inbox%2FPosted`,
      {
        method: 'POST',
        body: samples[3] as Buffer,
      },
    );
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string; immutableId: string };
    expect(sim.messages(UPN, 'Inbox/Posted')).toMatchObject([
      { id: created.id, immutableId: created.immutableId },
    ]);
    expect((await fetch(`${sim.url}/_sim/expire-sync-state`, { method: 'POST' })).status).toBe(204);
    const counters = (await (await fetch(`${sim.url}/_sim/counters`)).json()) as {
      requests: Record<string, number>;
    };
    expect(counters.requests.control).toBeGreaterThanOrEqual(2);
  });
});
