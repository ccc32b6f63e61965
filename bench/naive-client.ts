import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

/**
 * The way many connectors read a folder, for comparison: list the messages, then per message GET
 * its JSON, GET its attachments and GET its `$value`. Four requests in flight at most, like
 * postroom, so the difference is the number of requests per message.
 */
export async function naiveImport(options: {
  graphEndpoint: string;
  token: string;
  mailbox: string;
  folderId: string;
  outDir: string;
  concurrency: number;
}): Promise<{ messages: number; bytes: number }> {
  const base = `${options.graphEndpoint}/v1.0/users/${encodeURIComponent(options.mailbox)}`;
  const headers = { Authorization: `Bearer ${options.token}`, Prefer: 'IdType="ImmutableId"' };
  const ids: string[] = [];
  let url: string | undefined =
    `${base}/mailFolders/${encodeURIComponent(options.folderId)}/messages?$select=id&$top=50`;
  while (url) {
    const page = (await (await fetch(url, { headers })).json()) as {
      value: Array<{ id: string }>;
      '@odata.nextLink'?: string;
    };
    ids.push(...page.value.map((m) => m.id));
    url = page['@odata.nextLink'];
  }
  await mkdir(options.outDir, { recursive: true });
  let bytes = 0;
  let next = 0;
  const work = async () => {
    for (let i = next++; i < ids.length; i = next++) {
      const id = encodeURIComponent(ids[i]!);
      await (await fetch(`${base}/messages/${id}`, { headers })).json();
      await (await fetch(`${base}/messages/${id}/attachments`, { headers })).json();
      const response = await fetch(`${base}/messages/${id}/$value`, { headers });
      const file = join(options.outDir, `${i}.eml`);
      await pipeline(
        Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
        createWriteStream(file),
      );
      bytes += Number(response.headers.get('content-length') ?? 0);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, work));
  return { messages: ids.length, bytes };
}

/**
 * The fastest any client can go against this simulator on this machine: only `$value`, 4 in
 * flight, bodies drained and dropped. Measures the simulator's own overhead under its latency.
 */
export async function valueOnlyRate(options: {
  graphEndpoint: string;
  token: string;
  mailbox: string;
  ids: string[];
  concurrency: number;
}): Promise<number> {
  const base = `${options.graphEndpoint}/v1.0/users/${encodeURIComponent(options.mailbox)}`;
  const headers = { Authorization: `Bearer ${options.token}` };
  let next = 0;
  const started = Date.now();
  const work = async () => {
    for (let i = next++; i < options.ids.length; i = next++) {
      const response = await fetch(`${base}/messages/${encodeURIComponent(options.ids[i]!)}/$value`, {
        headers,
      });
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, work));
  return options.ids.length / ((Date.now() - started) / 1000);
}
