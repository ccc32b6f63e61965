/**
 * The fault suite (`npm run test:faults`): one seeded run of 1,000 messages in two mailboxes and
 * four folders through separate scheduler and worker processes, while it
 * - kills worker (and scheduler) processes with SIGKILL at 20 random points,
 * - flushes its own Redis once,
 * - serves 10 % 429 with Retry-After, 5 % 503, connection resets and two delta 410s,
 * - makes the backend unavailable for 2 minutes, then runs `postroom dlq retry --all`.
 * It prints a summary table and exits 1 when a figure misses: every message must end as exactly one
 * byte-identical document, with no Retry-After violated and at most 4 requests in flight per mailbox.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { generateSampleMessages, startGraphSimulator } from '../../src/simulators/graph';
import { SeededRandom } from '../../src/simulators/seeded-random';
import { listDocuments, messageFilePath } from '../helpers/documents';
import { spawnCli } from '../helpers/spawn-cli';
import { startRedis } from '../helpers/redis-server';
import { PostroomProcess } from './postroom-process';

const SEED = Number(process.env.FAULT_SEED ?? 20261129);
const MESSAGES = Number(process.env.FAULT_MESSAGES ?? 1000);
/** Stretches or shrinks every time below; 1 is the real suite. */
const TIME = Number(process.env.FAULT_TIME_SCALE ?? 1);
const s = (seconds: number) => seconds * 1000 * TIME;

const TENANT = '0b8f2a6c-3d4e-4f50-9a1b-2c3d4e5f6a7b';
const CLIENT = '9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const SECRET = 'fault-suite-client-secret';
const MAILBOXES = ['alpha@faults.example', 'beta@faults.example'];
const FOLDERS = ['Inbox/Invoices', 'Inbox/Orders'];
const PRELOADED = Math.round(MESSAGES * 0.4);
const ARRIVALS_UNTIL = s(120);
const KILLS = 20;
const KILL_WINDOW: [number, number] = [s(5), s(140)];
const FLUSH_AT = s(60);
const GONE_410_AT = [s(25), s(95)];
const RANDOM_FAULTS_UNTIL = s(150);
/** The backend outage lasts 2 minutes in the real suite. */
const OUTAGE_MS = Number(process.env.FAULT_OUTAGE_SECONDS ?? 120) * 1000;
const OUTAGE: [number, number] = [s(80), s(80) + OUTAGE_MS];
const DEADLINE = OUTAGE[1] + 6 * 60_000;
const WORKERS = 3;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const started = Date.now();
const elapsed = () => Date.now() - started;
const log = (text: string) =>
  process.stdout.write(`[${(elapsed() / 1000).toFixed(1).padStart(6)} s] ${text}\n`);
async function at(ms: number): Promise<void> {
  const wait = ms - elapsed();
  if (wait > 0) await sleep(wait);
}

async function main(): Promise<number> {
  const seeded = new SeededRandom(SEED);
  const random = () => seeded.next();
  const dir = mkdtempSync(join(tmpdir(), 'postroom-faults-'));
  const logDir = join(dir, 'logs');
  const root = join(dir, 'documents');
  mkdirSync(logDir);
  mkdirSync(join(dir, 'sources'));
  log(`seed ${SEED}, ${MESSAGES} messages, work dir ${dir}`);

  const redisServer = await startRedis(dir);
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  const sim = await startGraphSimulator({ latencyMs: 5, seed: SEED });
  sim.registerApp({ tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET });
  const places = MAILBOXES.flatMap((mailbox) => FOLDERS.map((folder) => ({ mailbox, folder })));
  for (const { mailbox, folder } of places) {
    sim.addMailbox(mailbox);
    sim.ensureFolder(mailbox, folder);
  }
  const messages = generateSampleMessages({ count: MESSAGES, seed: SEED });
  const placeOf = (i: number) => places[i % places.length]!;
  messages
    .slice(0, PRELOADED)
    .forEach((raw, i) => sim.addMessage(placeOf(i).mailbox, placeOf(i).folder, raw));
  // Exchange keeps a message's summary with it; worked out on first listing instead, a page of
  // new mail would stall the simulator and requests it handles late would look sent late.
  await sim.prepareSummaries();

  const configFile = join(dir, 'postroom.yaml');
  writeFileSync(
    configFile,
    [
      `redis:\n  url: ${redisServer.url}`,
      'queuePrefix: faults',
      'workers:\n  pollConcurrency: 2\n  ingestConcurrency: 6\n  ingestAttempts: 4\n  retryDelaySeconds: 2',
      'graph:\n  requestAttempts: 4\n  maxRetryAfterSeconds: 5\n  idleTimeoutSeconds: 10',
      `directories:\n  spool: ${join(dir, 'spool')}\n  data: ${dir}`,
      `backends:\n  documents:\n    type: folder\n    root: ${root}`,
      'shutdownTimeoutSeconds: 10',
      // Four processes on one machine: none needs health or metrics here.
      'http:\n  enabled: false',
    ].join('\n') + '\n',
  );
  places.forEach(({ mailbox, folder }, i) =>
    writeFileSync(
      join(dir, 'sources', `s${i}.yaml`),
      [
        `id: s${i}`,
        "schedule: '*/3 * * * * *'",
        `tenantId: ${TENANT}`,
        `clientId: ${CLIENT}`,
        'clientSecret: ${env:FAULT_SUITE_SECRET}',
        `authorityHost: ${sim.authorityHost}`,
        `graphEndpoint: ${sim.graphEndpoint}`,
        `mailbox: ${mailbox}`,
        `folder: ${folder}`,
        'pageSize: 50',
        'backend: documents',
      ].join('\n') + '\n',
    ),
  );
  const env = { FAULT_SUITE_SECRET: SECRET };
  const processes = [
    new PostroomProcess('scheduler', 0, configFile, logDir, env),
    ...Array.from({ length: WORKERS }, (_, i) => new PostroomProcess('worker', i, configFile, logDir, env)),
  ];
  processes.forEach((p) => p.start());
  sim.randomFaults({
    seed: SEED,
    rate429: 0.1,
    retryAfterSeconds: [0.5, 1.5],
    rate503: 0.05,
    rateReset: 0.02,
  });

  const figures = { kills: 0, flushes: 0, deadLettersAfterOutage: 0, retried: 0 };
  const chaos: Array<Promise<void>> = [];

  // Mail keeps arriving while things break.
  chaos.push(
    (async () => {
      const rest = messages.slice(PRELOADED);
      for (let i = 0; i < rest.length; i++) {
        await at((ARRIVALS_UNTIL * (i + 1)) / rest.length);
        const place = placeOf(PRELOADED + i);
        const { immutableId } = sim.addMessage(place.mailbox, place.folder, rest[i]!);
        await sim.prepareSummaries([immutableId]);
      }
      log(`all ${MESSAGES} messages have arrived`);
    })(),
  );
  // SIGKILL at 20 random points; the victim comes back a second later.
  const killTimes = Array.from(
    { length: KILLS },
    () => KILL_WINDOW[0] + random() * (KILL_WINDOW[1] - KILL_WINDOW[0]),
  ).sort((a, b) => a - b);
  chaos.push(
    (async () => {
      for (const time of killTimes) {
        await at(time);
        const victim = processes[Math.floor(random() * processes.length)]!;
        await victim.kill();
        figures.kills++;
        log(`SIGKILL ${victim.role} ${victim.index} (kill ${figures.kills}/${KILLS})`);
        await sleep(1000);
        victim.start();
      }
    })(),
  );
  chaos.push(
    (async () => {
      await at(FLUSH_AT);
      await redis.flushall();
      figures.flushes++;
      log('FLUSHALL: queues, ledger, checkpoints and locks are gone');
    })(),
  );
  for (const time of GONE_410_AT) {
    chaos.push(
      (async () => {
        await at(time);
        sim.injectFault({ kinds: ['delta'], status: 410 });
        log('the next delta request answers 410 SyncStateNotFound');
      })(),
    );
  }
  chaos.push(
    (async () => {
      await at(RANDOM_FAULTS_UNTIL);
      sim.randomFaults(undefined);
      log('random Graph faults stop');
    })(),
  );
  chaos.push(
    (async () => {
      await at(OUTAGE[0]);
      renameSync(root, `${root}.away`);
      writeFileSync(root, 'the backend is unavailable');
      log(`backend unavailable (its root is a file now) for ${OUTAGE_MS / 1000} s`);
      await at(OUTAGE[1]);
      rmSync(root);
      renameSync(`${root}.away`, root);
      log('backend back');
    })(),
  );
  await Promise.all(chaos);

  const ingest = new Queue('ingest', { connection: redis, prefix: 'faults' });
  const deadLetters = new Queue('dead-letter', { connection: redis, prefix: 'faults' });
  const busy = async () => {
    const counts = await ingest.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(counts).reduce((a, b) => a + b, 0);
  };
  /** Waits until the ingest queue has stayed empty for a while (polls run every 3 s). */
  const settle = async (what: string) => {
    let quiet = 0;
    while (quiet < 5 && elapsed() < DEADLINE) {
      quiet = (await busy()) === 0 ? quiet + 1 : 0;
      await sleep(2000);
    }
    log(
      `${what}: ${listDocuments(root).length} documents, ${await deadLetters.getWaitingCount()} dead letters`,
    );
  };
  await settle('settled after the outage');
  figures.deadLettersAfterOutage = await deadLetters.getWaitingCount();
  const retry = spawnCli(['--config', configFile, 'dlq', 'retry', '--all'], env);
  await retry.exited;
  figures.retried = Number(/retried (\d+)/.exec(retry.stdout.join(' '))?.[1] ?? 0);
  log(`dlq retry --all: ${retry.stdout.join(' ')}${retry.stderr.join(' ')}`);
  while (elapsed() < DEADLINE) {
    const docs = listDocuments(root).length;
    if (docs >= MESSAGES && (await busy()) === 0) break;
    await sleep(2000);
  }
  await settle('final');

  // The verdict: compare every stored message with the documents.
  const counters = sim.counters();
  const documents = listDocuments(root);
  const byId = new Map<string, number>();
  for (const d of documents) byId.set(d.metadata.messageId, (byId.get(d.metadata.messageId) ?? 0) + 1);
  let lost = 0;
  let corrupt = 0;
  for (const { mailbox, folder } of places) {
    for (const message of sim.messages(mailbox, folder)) {
      const doc = documents.find((d) => d.metadata.messageId === message.immutableId);
      if (!doc) lost++;
      else if (
        createHash('sha256')
          .update(readFileSync(messageFilePath(doc)))
          .digest('hex') !== message.sha256
      )
        corrupt++;
    }
  }
  const duplicates = [...byId.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
  const maxInFlight = Math.max(...Object.values(counters.maxInFlightPerMailbox));
  const remainingLetters = await deadLetters.getWaitingCount();
  const injected = counters.faultsInjected;
  const rows: Array<[string, string | number, string, boolean]> = [
    ['messages in the mailboxes', MESSAGES, '', true],
    ['documents', documents.length, `= ${MESSAGES}`, documents.length === MESSAGES],
    ['lost messages', lost, '0', lost === 0],
    ['duplicate documents', duplicates, '0', duplicates === 0],
    ['documents not byte-identical', corrupt, '0', corrupt === 0],
    ['worker/scheduler SIGKILLs', figures.kills, `${KILLS}`, figures.kills === KILLS],
    ['Redis flushes', figures.flushes, '1', figures.flushes === 1],
    ['delta 410s served', injected['410'] ?? 0, '2', (injected['410'] ?? 0) === 2],
    ['injected 429s (with Retry-After)', injected['429'] ?? 0, '> 0', (injected['429'] ?? 0) > 0],
    ['injected 503s', injected['503'] ?? 0, '> 0', (injected['503'] ?? 0) > 0],
    ['connection resets', injected.reset ?? 0, '> 0', (injected.reset ?? 0) > 0],
    ['concurrency 429s (over 4 in flight)', counters.throttled - (injected['429'] ?? 0), 'info', true],
    ['Retry-After violations', counters.retryAfterViolations, '0', counters.retryAfterViolations === 0],
    ['max in flight per mailbox', maxInFlight, '<= 4', maxInFlight <= 4],
    ['dead letters after the backend outage', figures.deadLettersAfterOutage, 'info', true],
    [
      'dead letters retried',
      figures.retried,
      `= ${figures.deadLettersAfterOutage}`,
      figures.retried === figures.deadLettersAfterOutage,
    ],
    ['dead letters left', remainingLetters, '0', remainingLetters === 0],
    ['Graph requests per message', (counters.graphRequests / MESSAGES).toFixed(3), 'info', true],
    ['wall time (s)', (elapsed() / 1000).toFixed(0), '< 900', elapsed() < 900_000],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  process.stdout.write(`\n${'figure'.padEnd(width)}  ${'value'.padStart(8)}  ${'target'.padEnd(8)}  ok\n`);
  for (const [name, value, target, ok] of rows) {
    process.stdout.write(
      `${name.padEnd(width)}  ${String(value).padStart(8)}  ${target.padEnd(8)}  ${ok ? 'yes' : 'NO'}\n`,
    );
  }
  for (const v of counters.retryAfterViolationDetails) {
    process.stdout.write(
      `Retry-After violation: ${v.mailbox}, arrived ${v.msAfterThrottle} ms after the 429/503 was sent, ${v.msBeforeRetryAfter} ms before its Retry-After ended\n`,
    );
  }
  const passed = rows.every((r) => r[3]);
  process.stdout.write(`\nfault suite ${passed ? 'passed' : 'FAILED'}; process logs in ${logDir}\n`);

  await Promise.all(processes.map((p) => p.stop()));
  await ingest.close();
  await deadLetters.close();
  redis.disconnect();
  await sim.close();
  await redisServer.stop();
  if (passed && !process.env.FAULT_KEEP) rmSync(dir, { recursive: true, force: true });
  return passed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `fault suite crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(2);
  },
);
