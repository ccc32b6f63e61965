import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, sleep, writeResponse, type SimResponse } from '../graph/http-io';
import { MFilesCounterBook } from './counters';
import { MFilesFaultInjector, type MFilesFaultSpec } from './fault-injector';
import { MFilesError, webServiceError } from './mfws-errors';
import { routeMfws, type MfwsContext } from './mfws-router';
import { DEFAULT_TOKEN_LIFETIME_MS, SessionStore } from './sessions';
import type { MFilesCounters, MFilesSimulatorOptions, PropertyValueJson, SimObject } from './types';
import { VaultStore } from './vault-store';
import { VaultStructure } from './vault-schema';

const DEFAULT_USERS = [{ username: 'postroom', password: 'postroom-secret' }];

/**
 * An M-Files Web Service (MFWS, `/REST/…`) for one vault over loopback HTTP: authentication
 * tokens, uploads, object creation with the server's validation, searches, structure and value
 * lists, WebServiceError bodies, the legacy `.aspx` mode, faults and outages.
 */
export class MFilesSimulator {
  readonly vaultGuid: string;
  private readonly counterBook = new MFilesCounterBook();
  private readonly faults = new MFilesFaultInjector();
  private readonly store: VaultStore;
  private readonly sessions: SessionStore;
  private readonly ctx: MfwsContext;
  private server: http.Server | undefined;
  private port: number;
  private downTimer: NodeJS.Timeout | undefined;
  private restarting: Promise<void> | undefined;
  /** Pending response delays; stop() cuts them short so no timer outlives the simulator. */
  private readonly delays = new Set<() => void>();

  constructor(private readonly options: MFilesSimulatorOptions = {}) {
    this.vaultGuid = (options.vaultGuid ?? randomUUID()).replace(/^\{|\}$/g, '').toUpperCase();
    this.port = options.port ?? 0;
    this.store = new VaultStore(new VaultStructure(options.schema));
    this.sessions = new SessionStore(
      options.users ?? DEFAULT_USERS,
      this.vaultGuid,
      options.tokenLifetimeMs ?? DEFAULT_TOKEN_LIFETIME_MS,
    );
    this.ctx = {
      store: this.store,
      sessions: this.sessions,
      counters: this.counterBook,
      faults: this.faults,
      legacyAspx: options.legacyAspx ?? false,
    };
  }

  /** Scheme, host and port, no trailing slash; the web service is under `/REST`. */
  get url(): string {
    return `http://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }

  private get host(): string {
    return this.options.host ?? '127.0.0.1';
  }

  get running(): boolean {
    return this.server?.listening ?? false;
  }

  async start(): Promise<void> {
    if (this.running) return;
    const server = http.createServer((req, res) => {
      this.onRequest(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => resolve());
    });
    // Later starts (after an outage) reuse the port, so clients reach the same URL again.
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    clearTimeout(this.downTimer);
    this.downTimer = undefined;
    for (const cancel of this.delays) cancel();
    await this.restarting;
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** Stops listening for `ms`: connections are refused (ECONNREFUSED), then it comes back. */
  async goDown(ms: number): Promise<void> {
    this.counterBook.down();
    await this.stop();
    this.downTimer = setTimeout(() => {
      this.downTimer = undefined;
      this.restarting = this.start().finally(() => (this.restarting = undefined));
    }, ms);
  }

  /** Resolves once the simulator listens again after goDown. */
  async waitUntilUp(): Promise<void> {
    while (!this.running) {
      if (this.restarting) await this.restarting;
      else await sleep(5);
    }
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.delays.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.delays.add(done);
    });
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', this.url);
    const body = await readBody(req);
    let response: SimResponse;
    let delayMs = 0;
    try {
      const outcome = await routeMfws(this.ctx, { method, url, headers: req.headers, body });
      delayMs = (outcome.delayMs ?? 0) + (this.options.latencyMs ?? 0);
      if (outcome.reset || !outcome.response) {
        if (delayMs > 0) await this.delay(delayMs);
        req.socket.destroy();
        return;
      }
      response = outcome.response;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      response = webServiceError(
        new MFilesError(500, 'InternalServerErrorException', `Simulator error: ${message}`),
        method,
        url.pathname,
      );
    }
    if (delayMs > 0) await this.delay(delayMs);
    // The client gave up meanwhile, or the simulator stopped: nobody is left to answer.
    if (res.destroyed || !this.running) return;
    this.counterBook.status(response.status);
    await writeResponse(res, response);
  }

  injectFault(spec: MFilesFaultSpec): void {
    this.faults.add(spec);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Every token issued so far stops working (403 on next use), as when sessions time out. */
  expireTokens(): void {
    this.sessions.expireAll();
  }

  counters(): MFilesCounters {
    return this.counterBook.snapshot();
  }

  resetCounters(): void {
    this.counterBook.reset();
  }

  /** Every object in the vault, deleted ones included, with properties and file bytes. */
  objects(): SimObject[] {
    return this.store.all();
  }

  /** Live (not deleted) objects only. */
  liveObjects(): SimObject[] {
    return this.objects().filter((o) => !o.deleted);
  }

  /** Adds an item to a value list, as an administrator would while postroom runs. */
  addValueListItem(valueList: number, item: { id: number; name: string }): void {
    const list = this.store.structure.valueLists.get(valueList);
    if (!list) throw new Error(`M-Files simulator: no value list ${valueList}`);
    list.items.push({ ...item });
  }

  /** Marks an object deleted, as a user would in M-Files. */
  deleteObject(id: number, objectType = 0): void {
    this.store.setDeleted(objectType, id, true);
  }
}

/** A property's stored value in a simple form: text, number, boolean, item id or item ids. */
export function simpleValue(object: SimObject, property: number): unknown {
  const typed = object.properties.find((p: PropertyValueJson) => p.PropertyDef === property)?.TypedValue;
  if (!typed || typed.HasValue === false) return undefined;
  if (typed.Lookup) return typed.Lookup.Item;
  if (typed.Lookups) return typed.Lookups.map((l) => l.Item);
  return typed.Value;
}

/** Creates and starts a simulator on a free loopback port. */
export async function startMFilesSimulator(options: MFilesSimulatorOptions = {}): Promise<MFilesSimulator> {
  const simulator = new MFilesSimulator(options);
  await simulator.start();
  return simulator;
}
