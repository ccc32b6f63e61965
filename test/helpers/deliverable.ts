import { createHash, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { DocumentFile, DocumentToDeliver } from '../../src/backends/document-sink';
import type { MappedMetadata } from '../../src/mapping/mapped-metadata';
import { createLogger, type Logger } from '../../src/observability/logger';

export interface FileSpec {
  name: string;
  bytes: Buffer;
  contentType?: string;
}

/** Writes the files into `dir` and describes them as a sink receives them. */
export function spoolFiles(dir: string, files: FileSpec[]): DocumentFile[] {
  return files.map((f) => {
    const path = join(dir, `${randomUUID()}-${f.name}`);
    writeFileSync(path, f.bytes);
    return {
      name: f.name,
      path,
      size: f.bytes.length,
      sha256: createHash('sha256').update(f.bytes).digest('hex'),
      contentType: f.contentType ?? (f.name.endsWith('.eml') ? 'message/rfc822' : 'application/pdf'),
    };
  });
}

export interface DeliverableSpec {
  messageId?: string;
  part?: string;
  files?: FileSpec[];
  subject?: string;
  internetMessageId?: string;
  mapped?: MappedMetadata;
  parent?: DocumentToDeliver['parent'];
  received?: string;
  sourceId?: string;
}

/** A document as the ingest worker hands it to a sink, with its files written to `dir`. */
export function deliverable(dir: string, spec: DeliverableSpec = {}): DocumentToDeliver {
  const messageId = spec.messageId ?? `AAMk-${randomUUID()}`;
  const received = spec.received ?? '2026-03-04T05:06:07Z';
  const sourceId = spec.sourceId ?? 'finance';
  const files = spec.files ?? [
    { name: 'message.eml', bytes: Buffer.from(`Subject: x\r\nX-Id: ${messageId}\r\n\r\nbody\r\n`) },
  ];
  return {
    key: { sourceId, messageId, receivedDateTime: received, ...(spec.part ? { part: spec.part } : {}) },
    files: spoolFiles(dir, files),
    metadata: {
      sourceId,
      mailbox: 'invoices@contoso.example',
      folder: 'Inbox',
      messageId,
      internetMessageId: spec.internetMessageId,
      subject: spec.subject,
      from: { name: 'ACME Billing', address: 'billing@acme.example' },
      to: [],
      cc: [],
      sent: '2026-03-04T05:00:00Z',
      received,
    },
    mapped: spec.mapped,
    parent: spec.parent,
  };
}

/** A logger whose JSON lines the test can read, e.g. to prove a secret never appears. */
export function capturedLogger(): { logger: Logger; output: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return {
    logger: createLogger({ level: 'debug', stream }),
    output: () => Buffer.concat(chunks).toString('utf8'),
  };
}
