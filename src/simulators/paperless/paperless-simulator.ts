import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CounterBook, MailboxThrottle } from '../graph/counters';
import { GraphError } from '../graph/errors';
import { FaultInjector } from '../graph/fault-injector';
import { headerValue, readBody, writeResponse, type SimResponse } from '../graph/http-io';
import { admit, type Admitted } from '../graph/request-admission';
import { PaperlessStore } from './paperless-store';
import { handlePaperless, json, kindOf } from './paperless-routes';
import type {
  CustomFieldDataType,
  PaperlessCounters,
  PaperlessFaultSpec,
  PaperlessObjectKind,
  PaperlessRandomFaults,
  PaperlessSimulatorOptions,
  StoredPaperlessDocument,
  StoredPaperlessTask,
} from './types';

const DEFAULT_TOKEN = 'paperless-sim-token';
const DEFAULT_CONSUME_MS = 50;
const DEFAULT_PAGE_SIZE = 25;
const DEFAULT_MAX_CONCURRENT = 64;
/** All requests share one throttle key: Paperless has one server, not one per mailbox. */
const THROTTLE_KEY = 'paperless';
/** What Paperless reports in X-Api-Version / X-Version on authenticated responses. */
const API_VERSION = '9';
const SERVER_VERSION = '2.15.0';

/**
 * A Paperless-ngx REST API on loopback, for tests and demos: token authentication, post_document
 * with asynchronous consumption tasks, duplicate refusal by checksum, the object lists and the
 * document filters postroom uses, plus scripted faults (status codes with Retry-After, cut
 * connections) and a down mode.
 */
export class PaperlessSimulator {
  readonly store: PaperlessStore;
  readonly #tokens: Set<string>;
  readonly #counters = new CounterBook();
  readonly #throttle: MailboxThrottle;
  readonly #faults = new FaultInjector();
  readonly #pageSize: number;
  #server: http.Server | undefined;
  #port: number;
  #url = '';
  #down = false;
  #unauthorized = 0;

  constructor(private readonly options: PaperlessSimulatorOptions = {}) {
    this.#tokens = new Set(options.tokens ?? [DEFAULT_TOKEN]);
    this.store = new PaperlessStore(options.consumeMs ?? DEFAULT_CONSUME_MS, options.supportedContentTypes);
    this.#throttle = new MailboxThrottle(
      options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT,
      options.throttleRetryAfterSeconds ?? 1,
      this.#counters,
    );
    this.#pageSize = options.defaultPageSize ?? DEFAULT_PAGE_SIZE;
    this.#port = options.port ?? 0;
  }

  /** E.g. 'http://127.0.0.1:41234' (no trailing slash). */
  get url(): string {
    return this.#url;
  }

  /** The first accepted API token. */
  get token(): string {
    return [...this.#tokens][0]!;
  }

  async start(): Promise<void> {
    const server = http.createServer((req, res) => {
      this.#onRequest(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    const host = this.options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, host, () => resolve());
    });
    this.#server = server;
    this.#port = (server.address() as AddressInfo).port;
    this.#url = `http://${host}:${this.#port}`;
  }

  /** Stops listening; start() again brings it back on the same port, data intact. */
  stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return Promise.resolve();
    return new Promise((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      server.closeAllConnections();
    });
  }

  /** While down, every connection is cut before an answer, as when the server or its proxy is gone. */
  setDown(down: boolean): void {
    this.#down = down;
  }

  addCorrespondent(name: string): number {
    return this.store.addObject('correspondents', name);
  }

  addDocumentType(name: string): number {
    return this.store.addObject('document_types', name);
  }

  addStoragePath(name: string): number {
    return this.store.addObject('storage_paths', name);
  }

  addTag(name: string): number {
    return this.store.addObject('tags', name);
  }

  addObject(kind: PaperlessObjectKind, name: string): number {
    return this.store.addObject(kind, name);
  }

  addCustomField(name: string, dataType: CustomFieldDataType = 'string', selectOptions?: string[]) {
    return this.store.addCustomField(name, dataType, selectOptions);
  }

  /** Documents consumed so far (trashed ones included), oldest first. */
  documents(): StoredPaperlessDocument[] {
    this.store.advance();
    return [...this.store.documents.values()];
  }

  tasks(): StoredPaperlessTask[] {
    this.store.advance();
    return this.store.allTasks();
  }

  /** Moves a document to the trash: gone from the API, still refused as a duplicate. */
  trashDocument(id: number): void {
    const doc = this.store.documents.get(id);
    if (!doc) throw new Error(`paperless simulator: no document ${id}`);
    doc.deleted = true;
  }

  /** The next consumption fails with this consumer message. */
  failNextConsumption(message: string): void {
    this.store.failNextConsumption(message);
  }

  setConsumeMs(ms: number): void {
    this.store.setConsumeMs(ms);
  }

  injectFault(spec: PaperlessFaultSpec): void {
    this.#faults.add(spec);
  }

  randomFaults(spec: PaperlessRandomFaults | undefined): void {
    this.#faults.setRandom(spec);
  }

  clearFaults(): void {
    this.#faults.clear();
  }

  counters(): PaperlessCounters {
    const c = this.#counters.snapshot();
    return {
      requests: c.requests,
      byStatus: c.byStatus,
      retryAfterViolations: c.retryAfterViolations,
      faultsInjected: c.faultsInjected,
      maxInFlight: c.maxInFlightPerMailbox[THROTTLE_KEY] ?? 0,
      unauthorized: this.#unauthorized,
    };
  }

  resetCounters(): void {
    this.#counters.reset();
    this.#unauthorized = 0;
  }

  async #onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (this.#down) {
      req.socket.destroy();
      return;
    }
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', this.#url);
    const kind = kindOf(url.pathname.split('/').filter((s) => s !== ''));
    const body = await readBody(req);
    this.#counters.request(kind);
    let release = (): void => undefined;
    let response: SimResponse;
    try {
      response = await this.#answer(req, method, url, kind, body, (r) => (release = r));
    } catch (err) {
      response = json(500, { detail: `Simulator error: ${(err as Error).message}` });
    }
    this.#counters.status(response.status);
    try {
      await writeResponse(res, response);
    } finally {
      release();
    }
  }

  async #answer(
    req: http.IncomingMessage,
    method: string,
    url: URL,
    kind: ReturnType<typeof kindOf>,
    body: Buffer,
    hold: (release: () => void) => void,
  ): Promise<SimResponse> {
    const auth = headerValue(req.headers, 'authorization');
    const token = auth ? /^Token\s+(\S+)\s*$/i.exec(auth)?.[1] : undefined;
    if (!token || !this.#tokens.has(token)) {
      this.#unauthorized++;
      const response = json(401, {
        detail: auth ? 'Invalid token.' : 'Authentication credentials were not provided.',
      });
      response.headers = { ...response.headers, 'WWW-Authenticate': 'Token' };
      return response;
    }
    let admitted: Admitted;
    try {
      admitted = admit(
        { throttle: this.#throttle, faults: this.#faults, counters: this.#counters },
        THROTTLE_KEY,
        kind,
      );
    } catch (err) {
      if (err instanceof GraphError && err.status === 429)
        return throttled(Number(err.headers['Retry-After']));
      throw err;
    }
    hold(admitted.release);
    const fault = admitted.fault;
    if (fault?.error) return faultResponse(fault.error.status, fault.retryAfterSeconds);
    const response = await handlePaperless(
      this.store,
      { method, url, contentType: headerValue(req.headers, 'content-type'), body },
      kind,
      this.#pageSize,
    );
    response.headers = { ...response.headers, 'X-Api-Version': API_VERSION, 'X-Version': SERVER_VERSION };
    if (fault?.reset) response.reset = true;
    return response;
  }
}

/** Django REST framework's throttling answer. */
function throttled(seconds: number): SimResponse {
  const response = json(429, {
    detail: `Request was throttled. Expected available in ${Math.ceil(seconds)} second${Math.ceil(seconds) === 1 ? '' : 's'}.`,
  });
  response.headers = { ...response.headers, 'Retry-After': String(seconds) };
  return response;
}

/** A scripted failure: JSON from Paperless itself for 4xx, a proxy's HTML page for 5xx. */
function faultResponse(status: number, retryAfterSeconds: number | undefined): SimResponse {
  if (status === 429) return throttled(retryAfterSeconds ?? 1);
  const headers: Record<string, string> = {};
  if (retryAfterSeconds !== undefined) headers['Retry-After'] = String(retryAfterSeconds);
  if (status >= 500) {
    return {
      status,
      headers: { ...headers, 'Content-Type': 'text/html' },
      body: Buffer.from(
        `<html><head><title>${status}</title></head><body><h1>${status}</h1></body></html>\n`,
      ),
    };
  }
  const detail =
    status === 401
      ? 'Invalid token.'
      : status === 403
        ? 'You do not have permission to perform this action.'
        : `Injected fault ${status}.`;
  const response = json(status, { detail });
  response.headers = { ...response.headers, ...headers };
  return response;
}

/** Starts a Paperless-ngx simulator on loopback. */
export async function startPaperlessSimulator(
  options: PaperlessSimulatorOptions = {},
): Promise<PaperlessSimulator> {
  const simulator = new PaperlessSimulator(options);
  await simulator.start();
  return simulator;
}
