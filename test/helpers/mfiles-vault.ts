import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { DocumentSink, DocumentToDeliver } from '../../src/backends/document-sink';
import { createMFilesSink } from '../../src/backends/mfiles';
import { mfilesBackendSchema, type MFilesBackendInput } from '../../src/backends/mfiles/mfiles-config';
import type { MappedMetadata } from '../../src/mapping/mapped-metadata';
import { createLogger, type Logger } from '../../src/observability/logger';
import {
  MF_DATA_TYPES as T,
  startMFilesSimulator,
  type MFilesSimulator,
  type MFilesSimulatorOptions,
  type VaultSchema,
} from '../../src/simulators/mfiles';

export const VAULT_GUID = '0A1B2C3D-4E5F-4061-8293-A4B5C6D7E8F9';
export const USER = 'postroom';
export const PASSWORD = 'Corr3ct-Horse-Battery';

/** Property ids of the test vault. */
export const P = {
  invoiceNumber: 1001,
  notes: 1002,
  pageCount: 1003,
  archiveNumber: 1004,
  amount: 1005,
  invoiceDate: 1006,
  receivedTime: 1007,
  receivedAt: 1008,
  paid: 1009,
  customer: 1010,
  tags: 1011,
  key: 1020,
} as const;

export const CLASS_INVOICE = 10;
export const CLASS_MAIL = 11;

/** A vault with one property of every data type postroom converts to, and a key property. */
export const TEST_SCHEMA: VaultSchema = {
  classes: [
    { id: CLASS_INVOICE, name: 'Invoice', properties: [{ property: P.invoiceNumber, required: true }] },
    { id: CLASS_MAIL, name: 'E-mail', properties: [{ property: P.receivedAt }] },
  ],
  properties: [
    { id: P.invoiceNumber, name: 'Invoice number', dataType: T.text },
    { id: P.notes, name: 'Notes', dataType: T.multiLineText },
    { id: P.pageCount, name: 'Page count', dataType: T.integer },
    { id: P.archiveNumber, name: 'Archive number', dataType: T.integer64 },
    { id: P.amount, name: 'Amount', dataType: T.floating },
    { id: P.invoiceDate, name: 'Invoice date', dataType: T.date },
    { id: P.receivedTime, name: 'Received time', dataType: T.time },
    { id: P.receivedAt, name: 'Received at', dataType: T.timestamp },
    { id: P.paid, name: 'Paid', dataType: T.boolean },
    { id: P.customer, name: 'Customer', dataType: T.lookup, valueList: 100 },
    { id: P.tags, name: 'Tags', dataType: T.multiSelectLookup, valueList: 101 },
    { id: P.key, name: 'postroom key', dataType: T.text },
  ],
  valueLists: [
    {
      id: 100,
      name: 'Customers',
      items: [
        { id: 1, name: 'Contoso Ltd' },
        { id: 2, name: 'Fabrikam' },
        { id: 3, name: 'Old Company', deleted: true },
      ],
    },
    {
      id: 101,
      name: 'Tags',
      items: [
        { id: 1, name: 'Finance' },
        { id: 2, name: 'Urgent' },
        { id: 3, name: 'Archive' },
      ],
    },
  ],
};

export function startTestVault(options: MFilesSimulatorOptions = {}): Promise<MFilesSimulator> {
  return startMFilesSimulator({
    vaultGuid: VAULT_GUID,
    users: [{ username: USER, password: PASSWORD }],
    schema: TEST_SCHEMA,
    ...options,
  });
}

/** A logger whose JSON lines tests can read (and search for leaked secrets). */
export function captureLogger(): { logger: Logger; text: () => string } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString()));
  return { logger: createLogger({ level: 'debug', stream }), text: () => chunks.join('') };
}

export function sinkFor(
  sim: MFilesSimulator,
  logger: Logger,
  overrides: Partial<MFilesBackendInput> = {},
): DocumentSink {
  const definition = mfilesBackendSchema.parse({
    type: 'mfiles',
    url: sim.url,
    vault: `{${VAULT_GUID}}`,
    username: USER,
    password: PASSWORD,
    keyProperty: 'postroom key',
    ...overrides,
  });
  return createMFilesSink('vault', definition, { logger });
}

export interface DocumentOptions {
  messageId?: string;
  part?: string;
  internetMessageId?: string | null;
  subject?: string;
  files?: Array<{ name: string; bytes: Buffer }>;
  mapped?: MappedMetadata;
}

let counter = 0;

/** A document whose files are written into `dir`. */
export function makeDocument(dir: string, options: DocumentOptions = {}): DocumentToDeliver {
  const messageId = options.messageId ?? `AAMkAGI2TG93AAA=${++counter}`;
  const files = (
    options.files ?? [{ name: 'message.eml', bytes: Buffer.from(`Subject: test ${counter}\r\n\r\nbody\r\n`) }]
  ).map((f, i) => {
    const path = join(
      dir,
      `${createHash('sha256')
        .update(`${messageId}/${options.part ?? ''}/${i}`)
        .digest('hex')}.bin`,
    );
    writeFileSync(path, f.bytes);
    return {
      name: f.name,
      path,
      size: f.bytes.length,
      sha256: createHash('sha256').update(f.bytes).digest('hex'),
      contentType: 'application/octet-stream',
    };
  });
  const internetMessageId =
    options.internetMessageId === null
      ? undefined
      : (options.internetMessageId ?? `<${messageId}@mail.example>`);
  return {
    key: { sourceId: 'invoices', messageId, receivedDateTime: '2026-03-04T05:06:07Z', part: options.part },
    files,
    metadata: {
      sourceId: 'invoices',
      mailbox: 'invoices@contoso.example',
      folder: 'Inbox',
      messageId,
      internetMessageId,
      subject: options.subject ?? 'Invoice 4711',
      from: { address: 'billing@fabrikam.example', name: 'Fabrikam Billing' },
      to: [],
      cc: [],
      received: '2026-03-04T05:06:07Z',
    },
    mapped: options.mapped,
  };
}
