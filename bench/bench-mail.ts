import { SeededRandom } from '../src/simulators/seeded-random';
import { randomBytes } from 'node:crypto';

/** Deterministic random numbers in [0, 1) for one seed. */
export function rng(seed: number): () => number {
  const random = new SeededRandom(seed);
  return () => random.next();
}

function base64Lines(bytes: Buffer): string {
  return (bytes.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}

/**
 * A message of about `size` bytes: a text body, and for every third message a PDF-like attachment
 * that carries most of the size.
 */
export function benchMessage(index: number, size: number, random: () => number): Buffer {
  const boundary = `bench-${index}`;
  const withAttachment = index % 3 === 0;
  const head = [
    `From: "Sender ${index}" <sender${index}@bench.example>`,
    'To: invoices@contoso.example',
    `Subject: Bench message ${index}`,
    `Date: ${new Date(Date.UTC(2026, 0, 1, 0, 0, index)).toUTCString()}`,
    `Message-ID: <bench.${index}@bench.example>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
  ].join('\r\n');
  const bodyBytes = withAttachment ? 1024 : Math.max(256, size - 600);
  const words = Array.from({ length: Math.ceil(bodyBytes / 8) }, () =>
    Math.floor(random() * 1e7).toString(36),
  ).join(' ');
  const parts = [
    `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${words.slice(0, bodyBytes)}\r\n`,
  ];
  if (withAttachment) {
    const payload = Buffer.concat([
      Buffer.from('%PDF-1.4\n'),
      randomBytes(Math.max(512, Math.floor((size - 2000) * 0.74))),
    ]);
    parts.push(
      `--${boundary}\r\nContent-Type: application/pdf; name="invoice-${index}.pdf"\r\n` +
        `Content-Disposition: attachment; filename="invoice-${index}.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n` +
        `${base64Lines(payload)}\r\n`,
    );
  }
  return Buffer.from(`${head}\r\n${parts.join('')}--${boundary}--\r\n`);
}

/** One message of about `megabytes` MB, nearly all of it one base64 attachment, built in chunks. */
export function hugeMessage(megabytes: number): Buffer {
  const boundary = 'bench-huge';
  const head = Buffer.from(
    [
      'From: <scanner@bench.example>',
      'To: invoices@contoso.example',
      'Subject: A very large scan',
      `Date: ${new Date(Date.UTC(2026, 0, 2)).toUTCString()}`,
      '<huge.1@bench.example>'.replace(/^/, 'Message-ID: '),
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: application/pdf; name="scan.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      '',
    ].join('\r\n'),
  );
  const chunks: Buffer[] = [head];
  // 57 raw bytes make one 76-character base64 line.
  const rawPerChunk = 57 * 16_384;
  const lines = Math.ceil((megabytes * 1024 * 1024) / 78);
  for (let written = 0; written < lines; written += 16_384) {
    chunks.push(Buffer.from(base64Lines(randomBytes(rawPerChunk)) + '\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}
