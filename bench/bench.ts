/**
 * `npm run bench` (`-- --quick` for a short run): postroom's throughput, Graph requests per message,
 * latency and memory in four scenarios, with a naive client for comparison. Prints JSON on stdout;
 * progress goes to stderr. Results with their machine go into BENCHMARKS.md by hand.
 */
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { benchMessage, hugeMessage, rng } from './bench-mail';
import { runScenario } from './run-scenario';

const quick = process.argv.includes('--quick');
const note = (text: string) => process.stderr.write(`bench: ${text}\n`);
/**
 * A full run waits this long before each scenario: the build, and the previous scenario's clean-up
 * (thousands of files deleted on a filesystem mounted with discard), otherwise still weigh on the
 * next one's first seconds on a small VM.
 */
const SETTLE_MS = 15_000;

async function scenario(title: string): Promise<void> {
  note(title);
  if (!quick) await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}

/** postroom as a service runs it: compiled (bin/postroom.js prefers a current build). */
function build(): void {
  note('building (npm run build): the service is measured as compiled JavaScript');
  const result = spawnSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: join(__dirname, '..'),
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  if (result.status !== 0) throw new Error('the build failed');
}

async function main(): Promise<void> {
  build();
  const random = rng(7);
  const small = (i: number) => benchMessage(i, 5_000 + Math.floor(random() * 45_000), random);
  const scenarios: Record<string, unknown> = {};

  await scenario('1. small messages, zero latency (CPU-bound)');
  scenarios['small-messages-no-latency'] = await runScenario({
    mailboxes: 1,
    messagesPerMailbox: quick ? 200 : 2000,
    latencyMs: 0,
    make: small,
    ingestConcurrency: 8,
  });

  await scenario('2. one mailbox, 50 ms latency, with the naive client');
  const one = await runScenario({
    mailboxes: 1,
    messagesPerMailbox: quick ? 100 : 800,
    latencyMs: 50,
    make: small,
    ingestConcurrency: 8,
    naive: true,
  });
  // 4 requests in flight / 50 ms = 80 messages/s in theory; valueOnly is what the simulator gives
  // a client doing nothing but $value on this machine.
  const valueOnly = one.naive?.valueOnlyMessagesPerSecond ?? 80;
  scenarios['one-mailbox-50ms'] = {
    ...one,
    concurrencyBoundLimit: 80,
    shareOfLimit: Math.round((one.messagesPerSecond / 80) * 100) / 100,
    shareOfValueOnlyClient: Math.round((one.messagesPerSecond / valueOnly) * 100) / 100,
  };

  await scenario('3. ten mailboxes at once, 50 ms latency');
  const ten = await runScenario({
    mailboxes: 10,
    messagesPerMailbox: quick ? 20 : 300,
    latencyMs: 50,
    make: small,
    ingestConcurrency: 80,
  });
  scenarios['ten-mailboxes-50ms'] = {
    ...ten,
    scalingVsOneMailbox: Math.round((ten.messagesPerSecond / one.messagesPerSecond) * 100) / 100,
  };

  await scenario(`4. one ${quick ? 20 : 150} MB message`);
  const huge = hugeMessage(quick ? 20 : 150);
  scenarios['one-huge-message'] = await runScenario({
    mailboxes: 1,
    messagesPerMailbox: 1,
    latencyMs: 0,
    make: () => huge,
    ingestConcurrency: 1,
  });

  await scenario(`5. the same ${quick ? 20 : 150} MB message with its attachments separated`);
  scenarios['one-huge-message-separate'] = await runScenario({
    mailboxes: 1,
    messagesPerMailbox: 1,
    latencyMs: 0,
    make: () => huge,
    ingestConcurrency: 1,
    sourceYaml: 'attachments: separate',
  });

  const cpu = cpus();
  process.stdout.write(
    JSON.stringify(
      {
        quick,
        machine: {
          cpus: cpu.length,
          model: cpu[0]?.model,
          memoryGb: Math.round(totalmem() / 2 ** 30),
          node: process.version,
        },
        scenarios,
      },
      null,
      2,
    ) + '\n',
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
