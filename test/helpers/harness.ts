import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config/load-config';
import { createLogger } from '../../src/observability/logger';
import { startService, type RunningService } from '../../src/service/service';
import {
  startGraphSimulator,
  type GraphSimulator,
  type GraphSimulatorOptions,
} from '../../src/simulators/graph';
import { TEST_REDIS_URL, deletePrefix, uniquePrefix } from './redis';
import { tempDir } from './temp-dir';

export const TENANT_ID = '3d1f0c52-7a43-4b6e-9c1d-2e8f5a6b7c90';
export const CLIENT_ID = 'a9e4b7c1-2d3f-4e5a-8b6c-7d8e9f0a1b2c';
export const MAILBOX = 'invoices@contoso.example';

/** Creates the mailbox and folder in the simulator and puts the messages there, in order. */
export function seedFolder(
  sim: GraphSimulator,
  folder: string,
  messages: readonly Buffer[],
  mailbox = MAILBOX,
): void {
  sim.addMailbox(mailbox);
  sim.ensureFolder(mailbox, folder);
  for (const raw of messages) sim.addMessage(mailbox, folder, raw);
}

export interface SourceSpec {
  id: string;
  folder?: string;
  mailbox?: string;
  schedule?: string;
  pageSize?: number;
  /** Backend name; default the harness's folder backend `documents`. */
  backend?: string;
  /** Authenticate with the harness's certificate instead of the client secret. */
  useCertificate?: boolean;
  extra?: string;
}

export interface HarnessOptions {
  sources: SourceSpec[];
  simulator?: GraphSimulatorOptions;
  /** Reuse a running simulator (several services against one tenant). */
  sim?: GraphSimulator;
  /** Share Redis data with another harness. */
  prefix?: string;
  /** The app's client secret; harnesses sharing a simulator must agree on it. */
  secret?: string;
  workersYaml?: string;
  /** More service settings (YAML), e.g. a `graph:` section. */
  serviceYaml?: string;
  /** More backends, as YAML lines indented under `backends:` (each starting with a newline). */
  backendsYaml?: string;
  /** The `http:` section; off by default, so parallel harnesses do not fight over one port. */
  httpYaml?: string;
  /** Another Redis than the shared test Redis (one the test can stop). */
  redisUrl?: string;
  /** Registered with the simulated app and written to a PEM file for sources with useCertificate. */
  certificate?: { certificatePem: string; privateKeyPem: string };
}

/**
 * A real postroom service (real Redis, BullMQ, msal-node, HTTP) against the Graph simulator, with
 * its configuration written to files and loaded the way the CLI loads it. Log lines are captured.
 */
export class Harness {
  readonly logs: string[] = [];
  #dir?: ReturnType<typeof tempDir>;
  readonly secret: string;
  readonly secretEnv = `POSTROOM_IT_SECRET_${randomUUID().slice(0, 8).toUpperCase()}`;
  readonly prefix: string;
  readonly redisUrl: string;
  redis!: Redis;
  sim!: GraphSimulator;
  service!: RunningService;
  #ownsSim = false;

  constructor(private readonly options: HarnessOptions) {
    this.prefix = options.prefix ?? uniquePrefix();
    this.redisUrl = options.redisUrl ?? TEST_REDIS_URL;
    this.secret = options.secret ?? `it-secret-${randomUUID()}`;
  }

  /** Made on first use, so a skipped suite leaves nothing behind. */
  get dir(): ReturnType<typeof tempDir> {
    this.#dir ??= tempDir('it');
    return this.#dir;
  }

  get documentsRoot(): string {
    return join(this.dir.path, 'documents');
  }

  get configFile(): string {
    return join(this.dir.path, 'postroom.yaml');
  }

  async start(opts: { pollOnStart?: boolean } = {}): Promise<this> {
    this.redis = new Redis(this.redisUrl, { maxRetriesPerRequest: null });
    if (this.options.sim) {
      this.sim = this.options.sim;
    } else {
      this.sim = await startGraphSimulator(this.options.simulator);
      this.#ownsSim = true;
    }
    this.sim.registerApp({
      tenantId: TENANT_ID,
      clientId: CLIENT_ID,
      clientSecret: this.secret,
      certificatePem: this.options.certificate?.certificatePem,
    });
    this.writeConfig();
    process.env[this.secretEnv] = this.secret;
    const config = loadConfig(this.configFile);
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => this.logs.push(...chunk.toString().split('\n').filter(Boolean)));
    const logger = createLogger({ level: 'debug', stream });
    this.service = await startService({ config, logger, pollOnStart: opts.pollOnStart ?? false });
    return this;
  }

  writeConfig(): void {
    mkdirSync(join(this.dir.path, 'sources'), { recursive: true });
    writeFileSync(
      this.configFile,
      [
        `redis:\n  url: ${this.redisUrl}`,
        `queuePrefix: ${this.prefix}`,
        this.options.workersYaml ?? 'workers:\n  ingestConcurrency: 4\n  ingestAttempts: 3',
        `directories:\n  spool: ${join(this.dir.path, 'spool')}\n  data: ${this.dir.path}`,
        `backends:\n  documents:\n    type: folder\n    root: ${this.documentsRoot}${this.options.backendsYaml ?? ''}`,
        this.options.serviceYaml ?? '',
        this.options.httpYaml ?? 'http:\n  enabled: false',
      ].join('\n') + '\n',
    );
    for (const s of this.options.sources) this.writeSource(s);
  }

  /** Writes (or rewrites) one source definition file, as a user editing the sources folder would. */
  writeSource(s: SourceSpec): string {
    const certificate = this.options.certificate;
    const pemFile = join(this.dir.path, 'app.pem');
    if (s.useCertificate && certificate)
      writeFileSync(pemFile, certificate.certificatePem + certificate.privateKeyPem);
    const credential = s.useCertificate
      ? `clientCertificate: ${pemFile}`
      : `clientSecret: \${env:${this.secretEnv}}`;
    const file = join(this.dir.path, 'sources', `${s.id}.yaml`);
    writeFileSync(
      file,
      [
        `id: ${s.id}`,
        `schedule: '${s.schedule ?? '0 0 1 1 *'}'`,
        `tenantId: ${TENANT_ID}`,
        `clientId: ${CLIENT_ID}`,
        credential,
        `authorityHost: ${this.sim.authorityHost}`,
        `graphEndpoint: ${this.sim.graphEndpoint}`,
        `mailbox: ${s.mailbox ?? MAILBOX}`,
        `folder: ${s.folder ?? 'Inbox/Invoices'}`,
        `pageSize: ${s.pageSize ?? 10}`,
        `backend: ${s.backend ?? 'documents'}`,
        s.extra ?? '',
      ].join('\n'),
    );
    return file;
  }

  /** Enqueues a poll and waits until it has run (the poll queue is empty again). */
  async poll(sourceId: string): Promise<void> {
    const before = this.logs.filter(
      (l) => l.includes('"poll finished"') && l.includes(`"sourceId":"${sourceId}"`),
    ).length;
    await this.service.scheduler!.pollNow(sourceId);
    const deadline = Date.now() + 60_000;
    while (
      this.logs.filter((l) => l.includes('"poll finished"') && l.includes(`"sourceId":"${sourceId}"`))
        .length <= before
    ) {
      const failed = this.logs.find((l) => l.includes('"poll failed"'));
      if (failed) throw new Error(`poll failed: ${failed}`);
      if (Date.now() > deadline) throw new Error(`poll of ${sourceId} did not finish`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Waits until no ingest job is waiting, delayed or running. */
  async drain(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const counts = await this.service.runtime.queues.ingest.getJobCounts(
        'waiting',
        'active',
        'delayed',
        'prioritized',
      );
      if (Object.values(counts).every((n) => n === 0)) return;
      if (Date.now() > deadline) throw new Error(`ingest queue did not drain: ${JSON.stringify(counts)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async stop(): Promise<void> {
    await this.service?.stop();
    if (this.#ownsSim) await this.sim?.close();
    if (this.redis) {
      if (!this.options.prefix) await deletePrefix(this.redis, this.prefix);
      this.redis.disconnect();
    }
    delete process.env[this.secretEnv];
    this.#dir?.cleanup();
  }
}
