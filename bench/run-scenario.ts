import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { startGraphSimulator, type GraphSimulator } from '../src/simulators/graph';
import { TEST_REDIS_URL, deletePrefix, uniquePrefix } from '../test/helpers/redis';
import { naiveImport, valueOnlyRate } from './naive-client';

const CLI = join(__dirname, '../bin/postroom.js');
const TENANT = '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d';
const CLIENT = '1d2c3b4a-5f6e-4d7c-8b9a-0f1e2d3c4b5a';
const SECRET = 'bench-client-secret';
const FOLDER = 'Inbox/Bench';
/** USER_HZ: Linux reports process times in 1/100 s on every architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;
const POLL_INTERVAL_MS = 100;

export interface ScenarioSpec {
  mailboxes: number;
  messagesPerMailbox: number;
  latencyMs: number;
  make: (index: number) => Buffer;
  ingestConcurrency: number;
  /** `postroom worker` processes started beside `postroom run` (README: scaling out); 0 when omitted. */
  extraWorkers?: number;
  /** More source settings (YAML lines), e.g. conversion options. */
  sourceYaml?: string;
  /** Also import the same mail with the naive client, for comparison. */
  naive?: boolean;
}

export interface Measured {
  messages: number;
  megabytes: number;
  seconds: number;
  messagesPerSecond: number;
  megabytesPerSecond: number;
  graphRequestsPerMessage: number;
}

export interface ScenarioResult extends Measured {
  latencyMs: { p50: number; p95: number };
  peakRssMb: number;
  /** CPU time per message (ms of one core) of postroom, the simulator and Redis: what bounds a CPU-bound run. */
  cpuMsPerMessage?: { postroom: number; simulator: number; redis: number };
  naive?: Measured & { postroomSpeedup: number; valueOnlyMessagesPerSecond: number };
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** CPU seconds (user + system) a process has used so far, from the kernel (Linux). */
function cpuSeconds(pid: number): number {
  // Fields after the parenthesised command name; utime and stime are the 12th and 13th of them.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const of = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return of('used_cpu_user') + of('used_cpu_sys');
}

interface CpuSnapshot {
  done: number;
  postroom: number;
  simulator: number;
  redis: number;
}

async function cpuNow(pids: number[], redis: Redis, done: number): Promise<CpuSnapshot> {
  const own = process.cpuUsage();
  return {
    done,
    postroom: pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0),
    // The simulator runs in this process; the bench's own polling is a rounding error beside it.
    simulator: (own.user + own.system) / 1e6,
    redis: await redisCpuSeconds(redis),
  };
}

/** Where each message's CPU went: postroom, the Graph simulator, Redis (ms of one core). */
function cpuPerMessage(from: CpuSnapshot, to: CpuSnapshot): ScenarioResult['cpuMsPerMessage'] {
  const per = (key: 'postroom' | 'simulator' | 'redis') =>
    round(((to[key] - from[key]) * 1000) / (to.done - from.done));
  return { postroom: per('postroom'), simulator: per('simulator'), redis: per('redis') };
}

/** Peak resident set of a process, from the kernel (Linux). */
function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return round(kb / 1024, 1);
}

async function seededSimulator(
  spec: ScenarioSpec,
): Promise<{ sim: GraphSimulator; folders: string[]; bytes: number }> {
  const sim = await startGraphSimulator({ latencyMs: spec.latencyMs, seed: 1 });
  sim.registerApp({ tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET });
  const folders: string[] = [];
  let bytes = 0;
  for (let m = 0; m < spec.mailboxes; m++) {
    const mailbox = `box${m}@bench.example`;
    sim.addMailbox(mailbox);
    folders.push(sim.ensureFolder(mailbox, FOLDER).id);
    for (let i = 0; i < spec.messagesPerMailbox; i++) {
      const raw = spec.make(m * spec.messagesPerMailbox + i);
      bytes += raw.length;
      sim.addMessage(mailbox, FOLDER, raw);
    }
  }
  await sim.prepareSummaries();
  return { sim, folders, bytes };
}

/** postroom as users run it: one `postroom run` process against the simulator and Redis. */
export async function runScenario(spec: ScenarioSpec): Promise<ScenarioResult> {
  const total = spec.mailboxes * spec.messagesPerMailbox;
  const { sim, bytes } = await seededSimulator(spec);
  const dir = mkdtempSync(join(tmpdir(), 'postroom-bench-'));
  const prefix = uniquePrefix();
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  mkdirSync(join(dir, 'sources'));
  writeFileSync(
    join(dir, 'postroom.yaml'),
    [
      `redis:\n  url: ${TEST_REDIS_URL}`,
      `queuePrefix: ${prefix}`,
      `workers:\n  pollConcurrency: ${Math.min(spec.mailboxes, 16)}\n  ingestConcurrency: ${spec.ingestConcurrency}`,
      // The simulator enforces no budget; lifting postroom's own pacing measures the pipeline itself.
      'graph:\n  requestBudget:\n    requests: 10000000\n    windowSeconds: 600\n    burst: 10000',
      `directories:\n  spool: ${join(dir, 'spool')}\n  data: ${dir}`,
      'backends:\n  documents:\n    type: folder',
      'log:\n  level: warn',
      'http:\n  enabled: false',
    ].join('\n') + '\n',
  );
  for (let m = 0; m < spec.mailboxes; m++) {
    writeFileSync(
      join(dir, 'sources', `box${m}.yaml`),
      [
        `id: box${m}`,
        "schedule: '0 0 1 1 *'",
        `tenantId: ${TENANT}`,
        `clientId: ${CLIENT}`,
        `clientSecret: ${SECRET}`,
        `authorityHost: ${sim.authorityHost}`,
        `graphEndpoint: ${sim.graphEndpoint}`,
        `mailbox: box${m}@bench.example`,
        `folder: ${FOLDER}`,
        'pageSize: 100',
        'backend: documents',
        spec.sourceYaml ?? '',
      ].join('\n') + '\n',
    );
  }
  // e.g. POSTROOM_BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile postroom itself.
  const nodeArgs = process.env.POSTROOM_BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const start = (role: 'run' | 'worker') =>
    spawn(process.execPath, [...nodeArgs, CLI, role, '--config', join(dir, 'postroom.yaml')], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  const child = start('run');
  const workers = Array.from({ length: spec.extraWorkers ?? 0 }, () => start('worker'));
  const processes = [child, ...workers];
  const exited = Promise.all(processes.map((p) => new Promise((resolve) => p.once('exit', resolve))));
  const pids = () => processes.map((p) => p.pid!);
  try {
    const ledgers = Array.from({ length: spec.mailboxes }, (_, m) => `${prefix}:ledger:box${m}`);
    // CPU is counted from the first delivered message on, so start-up (module loading) stays out.
    let cpuFrom: CpuSnapshot | undefined;
    for (;;) {
      const done = (await Promise.all(ledgers.map((key) => redis.hlen(key)))).reduce((a, b) => a + b, 0);
      if (done >= total) break;
      if (done > 0 && !cpuFrom) cpuFrom = await cpuNow(pids(), redis, done);
      const gone = processes.find((p) => p.exitCode !== null);
      if (gone) throw new Error(`postroom exited with ${gone.exitCode}`);
      await new Promise((r) => setTimeout(r, POLL_INTERVAL_MS));
    }
    const cpuTo = await cpuNow(pids(), redis, total);
    const rss = Math.max(...pids().map(peakRssMb));
    for (const p of processes) p.kill('SIGTERM');
    await exited;

    const ingest = new Queue('ingest', { connection: redis, prefix });
    const jobs = await ingest.getJobs(['completed'], 0, -1);
    await ingest.close();
    const latencies = jobs.map((j) => (j.finishedOn ?? 0) - j.timestamp).sort((a, b) => a - b);
    const startedAt = Math.min(...jobs.map((j) => j.timestamp));
    const finishedAt = Math.max(...jobs.map((j) => j.finishedOn ?? 0));
    const seconds = (finishedAt - startedAt) / 1000;
    const result: ScenarioResult = {
      ...measured(total, bytes, seconds, sim.counters().graphRequests),
      latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95) },
      peakRssMb: rss,
      ...(cpuFrom && cpuTo.done > cpuFrom.done ? { cpuMsPerMessage: cpuPerMessage(cpuFrom, cpuTo) } : {}),
    };
    if (spec.naive) result.naive = await runNaive(spec, result.messagesPerSecond, join(dir, 'naive'));
    return result;
  } finally {
    for (const p of processes) p.kill('SIGKILL');
    await sim.close();
    await deletePrefix(redis, prefix);
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}

function measured(messages: number, bytes: number, seconds: number, graphRequests: number): Measured {
  return {
    messages,
    megabytes: round(bytes / 1024 / 1024),
    seconds: round(seconds),
    messagesPerSecond: round(messages / seconds, 1),
    megabytesPerSecond: round(bytes / 1024 / 1024 / seconds),
    graphRequestsPerMessage: round(graphRequests / messages, 3),
  };
}

async function runNaive(
  spec: ScenarioSpec,
  postroomRate: number,
  outDir: string,
): Promise<ScenarioResult['naive']> {
  const { sim, folders, bytes } = await seededSimulator(spec);
  try {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: CLIENT,
      client_secret: SECRET,
      scope: `${sim.graphEndpoint}/.default`,
    });
    const token = (
      (await (
        await fetch(`${sim.authorityHost}/${TENANT}/oauth2/v2.0/token`, { method: 'POST', body: form })
      ).json()) as {
        access_token: string;
      }
    ).access_token;
    const valueOnly = await valueOnlyRate({
      graphEndpoint: sim.graphEndpoint,
      token,
      mailbox: 'box0@bench.example',
      ids: sim.messages('box0@bench.example', FOLDER).map((m) => m.immutableId),
      concurrency: 4,
    });
    sim.resetCounters();
    const started = Date.now();
    await Promise.all(
      folders.map((folderId, m) =>
        naiveImport({
          graphEndpoint: sim.graphEndpoint,
          token,
          mailbox: `box${m}@bench.example`,
          folderId,
          outDir: join(outDir, String(m)),
          concurrency: 4,
        }),
      ),
    );
    const result = measured(
      spec.mailboxes * spec.messagesPerMailbox,
      bytes,
      (Date.now() - started) / 1000,
      sim.counters().graphRequests,
    );
    return {
      ...result,
      postroomSpeedup: round(postroomRate / result.messagesPerSecond),
      valueOnlyMessagesPerSecond: round(valueOnly, 1),
    };
  } finally {
    await sim.close();
  }
}
