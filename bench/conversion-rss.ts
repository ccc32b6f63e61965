/**
 * `npx tsx bench/conversion-rss.ts [sizeMB] [embedded|separate|documents]`: peak memory of
 * converting one large message. Generates a message of about 150 MiB (three big base64
 * attachments) on disk, converts it (default `attachments: separate`) in a child process and prints that process's peak RSS
 * (process.resourceUsage().maxRSS) as JSON, with a check that every attachment came out
 * byte-exact. Not a timed test: run it by hand and note the result with its machine.
 */
import { spawnSync } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';

interface Generated {
  path: string;
  size: number;
  sha256: string;
  attachments: Array<{ name: string; size: number; sha256: string }>;
}

/** Deterministic incompressible bytes: AES-CTR over zeros. */
function keystream(seed: number) {
  const key = Buffer.alloc(16, seed);
  return createCipheriv('aes-128-ctr', key, Buffer.alloc(16, 0));
}

async function generate(dir: string, totalMb: number): Promise<Generated> {
  const path = join(dir, 'large.eml');
  const out = createWriteStream(path);
  const whole = createHash('sha256');
  let size = 0;
  const write = async (text: string | Buffer) => {
    const chunk = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
    whole.update(chunk);
    size += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  };
  const boundary = 'bench-boundary-7f3a';
  await write(
    [
      'From: Bench <bench@postroom.example>',
      'To: Archive <archive@postroom.example>',
      'Subject: Large message for the memory check',
      'Date: Mon, 30 Nov 2026 09:00:00 +0000',
      'Message-ID: <large-rss@postroom.example>',
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Three large attachments follow.',
      '',
    ].join('\r\n'),
  );
  const attachments: Generated['attachments'] = [];
  const count = 3;
  // base64 grows data by 4/3 (plus line breaks): size each attachment to reach the total.
  const rawEach = Math.floor((totalMb * 1024 * 1024 * 0.74) / count);
  for (let i = 1; i <= count; i++) {
    const name = `scan-${i}.bin`;
    await write(
      `--${boundary}\r\nContent-Type: application/octet-stream; name="${name}"\r\n` +
        `Content-Disposition: attachment; filename="${name}"\r\nContent-Transfer-Encoding: base64\r\n\r\n`,
    );
    const cipher = keystream(i);
    const hash = createHash('sha256');
    const block = 57 * 1024; // 57 raw bytes make one 76-character base64 line
    for (let done = 0; done < rawEach; done += block) {
      const raw = cipher.update(Buffer.alloc(Math.min(block, rawEach - done)));
      hash.update(raw);
      const b64 = raw.toString('base64');
      const lines: string[] = [];
      for (let p = 0; p < b64.length; p += 76) lines.push(b64.slice(p, p + 76));
      await write(lines.join('\r\n') + '\r\n');
    }
    attachments.push({ name, size: rawEach, sha256: hash.digest('hex') });
  }
  await write(`--${boundary}--\r\n`);
  out.end();
  await once(out, 'close');
  return { path, size, sha256: whole.digest('hex'), attachments };
}

/** Runs in the child: converts and reports. */
async function child(
  path: string,
  size: number,
  sha256: string,
  workDir: string,
  mode: string,
): Promise<void> {
  const { convertMessage } = await import('../src/conversion/convert-message');
  const started = Date.now();
  const result = await convertMessage({ path, size, sha256 }, workDir, {
    format: 'eml',
    attachments: mode === 'embedded' || mode === 'documents' ? mode : 'separate',
    inline: { mode: 'skip-images', maxImageBytes: 20 * 1024 },
    maxNestingDepth: 3,
  });
  const files = result.documents
    .flatMap((d) => d.files)
    .map((f) => ({ name: f.name, size: f.size, sha256: f.sha256 }));
  process.stdout.write(
    JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS, durationMs: Date.now() - started, files }) +
      '\n',
  );
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') {
    const [path, size, sha256, workDir, mode] = process.argv.slice(3) as [
      string,
      string,
      string,
      string,
      string,
    ];
    await child(path, Number(size), sha256, workDir, mode);
    return;
  }
  const totalMb = Number(process.argv[2] ?? 150);
  const mode = process.argv[3] ?? 'separate';
  const dir = mkdtempSync(join(tmpdir(), 'postroom-rss-'));
  try {
    const generated = await generate(dir, totalMb);
    const tsx = join(__dirname, '../node_modules/.bin/tsx');
    const run = spawnSync(
      tsx,
      [
        __filename,
        '--child',
        generated.path,
        String(generated.size),
        generated.sha256,
        join(dir, 'work'),
        mode,
      ],
      { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
    );
    if (run.status !== 0) throw new Error(`conversion child failed: ${run.stderr}`);
    const report = JSON.parse(run.stdout.trim().split('\n').pop() as string) as {
      maxRssKiB: number;
      durationMs: number;
      files: Array<{ name: string; size: number; sha256: string }>;
    };
    // With embedded the message file is the spool file itself; otherwise every attachment is checked.
    const exact =
      mode === 'embedded'
        ? report.files.length === 1 && report.files[0]?.sha256 === generated.sha256
        : generated.attachments.every((a) =>
            report.files.some((f) => f.sha256 === a.sha256 && f.size === a.size),
          );
    console.log(
      JSON.stringify(
        {
          messageBytes: generated.size,
          attachments: mode,
          peakRssMB: Math.round((report.maxRssKiB / 1024) * 10) / 10,
          durationMs: report.durationMs,
          byteExact: exact,
          files: report.files.map((f) => `${f.name} (${f.size} bytes)`),
          machine: {
            cpus: cpus().length,
            cpuModel: cpus()[0]?.model,
            memoryGB: Math.round(totalmem() / 2 ** 30),
            node: process.version,
          },
        },
        null,
        2,
      ),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
