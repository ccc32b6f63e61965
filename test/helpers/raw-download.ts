/**
 * Run in a child process (`node -r tsx/cjs`): downloads one URL with postroom's raw client and
 * prints its status, size and SHA-256. The child exists because NODE_EXTRA_CA_CERTS, the way an
 * admin trusts a private CA, is only read when a process starts.
 */
import { createHash } from 'node:crypto';
import { rawGet } from '../../src/sources/graph/raw-get';

async function main(): Promise<void> {
  const [url, token] = process.argv.slice(2);
  const response = await rawGet(url!, { Authorization: `Bearer ${token}` }, 10_000);
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of response.body) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  process.stdout.write(JSON.stringify({ status: response.status, size, sha256: hash.digest('hex') }));
}

main().catch((err: unknown) => {
  process.stdout.write(
    JSON.stringify({ error: (err as Error).message, code: (err as { code?: string }).code }),
  );
});
