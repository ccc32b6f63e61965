import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { AppRegistry } from './app-registry';
import { handleBatch } from './batch';
import { handleControl } from './control-routes';
import { CounterBook, MailboxThrottle } from './counters';
import { SyncTokenCodec } from './delta';
import { handleDiscovery } from './discovery';
import { DEFAULT_SIMPLE_UPLOAD_MAX_BYTES, handleDrive, isDrivePath } from './drive-routes';
import { DriveStore, type DriveColumn } from './drive-store';
import { DriveTransfers } from './drive-transfers';
import { GraphError } from './errors';
import type { GraphContext } from './graph-context';
import { errorResponse, handleGraph, unknownRoute, type RequestIds } from './graph-router';
import { headerValue, readBody, writeResponse, type SimResponse } from './http-io';
import { FaultInjector, type FaultSpec, type RandomFaults } from './fault-injector';
import { IdSource } from './ids';
import { MailboxStore } from './mailbox-store';
import { ContentCache } from './message-content';
import { handleTokenRequest } from './token-endpoint';
import type {
  AddMessageOptions,
  GraphSimulator,
  GraphSimulatorOptions,
  RegisteredApp,
  SimulatorCounters,
  StoredDriveItem,
  StoredMessage,
} from './types';

class GraphSimulatorServer implements GraphSimulator {
  private readonly store: MailboxStore;
  private readonly registry = new AppRegistry();
  private readonly counterBook = new CounterBook();
  private readonly ctx: GraphContext;
  private readonly server: http.Server;
  private baseUrl = '';
  private readonly tokenLifetimeSeconds: number;

  constructor(private readonly options: GraphSimulatorOptions) {
    this.tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 3599;
    this.store = new MailboxStore(new IdSource(options.seed));
    this.ctx = {
      store: this.store,
      registry: this.registry,
      counters: this.counterBook,
      throttle: new MailboxThrottle(
        options.maxConcurrentPerMailbox ?? 4,
        options.throttleRetryAfterSeconds ?? 1,
        this.counterBook,
        options.requestBudget,
      ),
      content: new ContentCache(),
      syncTokens: new SyncTokenCodec(),
      latencyMs: options.latencyMs ?? 0,
      faults: new FaultInjector(),
      defaultPageSize: options.defaultPageSize ?? 10,
      drives: new DriveStore(),
      driveTransfers: new DriveTransfers(),
      simpleUploadMaxBytes: options.simpleUploadMaxBytes ?? DEFAULT_SIMPLE_UPLOAD_MAX_BYTES,
      baseUrl: () => this.baseUrl,
    };
    const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      this.onRequest(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    };
    this.server = options.tls
      ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler)
      : http.createServer(handler);
  }

  get url(): string {
    return this.baseUrl;
  }

  get authorityHost(): string {
    return this.baseUrl;
  }

  get graphEndpoint(): string {
    return this.baseUrl;
  }

  async listen(): Promise<void> {
    const host = this.options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, host, () => resolve());
    });
    const port = (this.server.address() as AddressInfo).port;
    const visibleHost =
      host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
    this.baseUrl = `${this.options.tls ? 'https' : 'http'}://${visibleHost}:${port}`;
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const ids: RequestIds = {
      requestId: randomUUID(),
      clientRequestId: headerValue(req.headers, 'client-request-id') ?? randomUUID(),
    };
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', this.baseUrl);
    const segments = url.pathname.split('/').filter((s) => s !== '');
    const first = segments[0] ?? '';
    const body = await readBody(req);
    let response: SimResponse;
    let release = (): void => undefined;

    try {
      if (first === '_sim') {
        this.counterBook.request('control');
        response = handleControl(this, method, url, segments, body);
      } else if (first === 'v1.0') {
        const graphRequest = { method, url, headers: req.headers, body };
        if (decodeURIComponent(segments[1] ?? '') === '$batch') {
          response = await handleBatch(this.ctx, graphRequest, ids);
        } else if (isDrivePath(segments)) {
          const outcome = await handleDrive(this.ctx, graphRequest, ids);
          response = outcome.response;
          release = outcome.release;
        } else {
          const outcome = await handleGraph(this.ctx, graphRequest, ids);
          response = outcome.response;
          release = outcome.release;
        }
      } else if (first === '_upload' || first === '_download') {
        // Pre-authenticated upload and download URLs of the drive API.
        const outcome = this.ctx.driveTransfers.handle(this.ctx, method, url, req.headers, body, ids);
        response = outcome.response;
        release = outcome.release;
      } else if (segments.length === 4 && segments.slice(1).join('/').toLowerCase() === 'oauth2/v2.0/token') {
        this.counterBook.request('token');
        const scheme = this.options.tls ? 'https' : 'http';
        response = handleTokenRequest(
          {
            tenant: decodeURIComponent(first),
            method,
            contentType: headerValue(req.headers, 'content-type'),
            body,
            endpointUrl: `${scheme}://${req.headers.host ?? ''}${url.pathname}`,
            selfUrl: this.baseUrl,
            // msal-node sends its correlation id as a query parameter on the token URL.
            correlationId:
              headerValue(req.headers, 'client-request-id') ??
              url.searchParams.get('client-request-id') ??
              undefined,
            lifetimeSeconds: this.tokenLifetimeSeconds,
          },
          this.registry,
        );
      } else {
        const discovery = handleDiscovery(
          this.baseUrl,
          segments.map((s) => decodeURIComponent(s)),
          this.registry,
          headerValue(req.headers, 'client-request-id'),
        );
        this.counterBook.request(discovery ? 'discovery' : 'other');
        response = discovery ?? unknownRoute(segments[segments.length - 1] ?? '', ids);
      }
    } catch (err) {
      release();
      release = () => undefined;
      const message = err instanceof Error ? err.message : String(err);
      response = errorResponse(
        new GraphError(500, 'InternalServerError', `Simulator error: ${message}`),
        ids,
      );
    }

    this.counterBook.status(response.status);
    try {
      await writeResponse(res, response);
    } finally {
      release();
      response.after?.();
    }
  }

  registerApp(app: RegisteredApp): void {
    this.registry.register(app);
  }

  addMailbox(upn: string): void {
    this.store.addMailbox(upn);
  }

  ensureFolder(upn: string, path: string, options?: { hidden?: boolean }): { id: string } {
    const folder = this.store.ensureFolder(this.store.require(upn), path, options?.hidden ?? false);
    return { id: folder.id };
  }

  addMessage(
    upn: string,
    folderPath: string,
    raw: Buffer,
    opts?: AddMessageOptions,
  ): { id: string; immutableId: string } {
    const mailbox = this.store.require(upn);
    const folder = mailbox.folders.get(folderPath) ?? this.store.ensureFolder(mailbox, folderPath);
    const record = this.store.addMessage(mailbox, folder, Buffer.from(raw), opts);
    return { id: record.id, immutableId: record.immutableId };
  }

  deleteFolder(upn: string, path: string): void {
    const mailbox = this.store.require(upn);
    const folder = this.store.findFolder(mailbox, path);
    if (!folder) throw new Error(`graph simulator: no folder ${path} in ${upn}`);
    this.store.deleteFolder(mailbox, folder);
  }

  loadFolderFromDir(upn: string, folderPath: string, dir: string): number {
    const files = readdirSync(dir)
      .filter((name) => name.toLowerCase().endsWith('.eml'))
      .sort();
    for (const name of files) this.addMessage(upn, folderPath, readFileSync(join(dir, name)));
    return files.length;
  }

  /**
   * Works out now what message JSON needs from each stored body (hasAttachments, bodyPreview),
   * which the simulator otherwise does on first listing. Exchange keeps these with the item; a
   * benchmark calls this so that its measured window holds serving, not the simulator's parsing;
   * the fault suite calls it for each message as it arrives (`immutableIds`), so that listing a
   * page of new mail never stalls the simulator (requests it then handles late would look as if
   * they had been sent late).
   */
  async prepareSummaries(immutableIds?: readonly string[]): Promise<void> {
    const only = immutableIds && new Set(immutableIds);
    for (const mailbox of this.store.all()) {
      for (const message of this.store.messagesIn(mailbox)) {
        if (only && !only.has(message.immutableId)) continue;
        await this.ctx.content.summary(message.immutableId, message.raw, message.meta.contentType);
      }
    }
  }

  messages(upn: string, folderPath?: string): StoredMessage[] {
    const mailbox = this.store.require(upn);
    let folder;
    if (folderPath !== undefined) {
      folder = this.store.findFolder(mailbox, folderPath);
      if (!folder) throw new Error(`graph simulator: no folder ${folderPath} in ${upn}`);
    }
    return this.store.messagesIn(mailbox, folder).map((m) => this.store.snapshot(m));
  }

  addSite(hostname: string, path: string, options?: { displayName?: string }): { id: string } {
    return { id: this.ctx.drives.addSite(hostname, path, options?.displayName).id };
  }

  addDocumentLibrary(siteId: string, name: string, columns?: DriveColumn[]): { id: string } {
    return { id: this.ctx.drives.addLibrary(siteId, name, columns).id };
  }

  driveItems(driveId: string): StoredDriveItem[] {
    const drive = this.ctx.drives.drives.get(driveId);
    if (!drive) throw new Error(`graph simulator: no drive ${driveId}`);
    return [...drive.items.values()]
      .filter((item) => item.parentId !== null)
      .map((item) => ({
        id: item.id,
        path: this.ctx.drives.pathOf(drive, item),
        isFolder: item.isFolder,
        bytes: item.bytes,
        fields: { ...item.fields },
      }));
  }

  openUploadSessions(): number {
    return this.ctx.driveTransfers.openSessions();
  }

  injectFault(spec: FaultSpec): void {
    this.ctx.faults.add(spec);
  }

  clearFaults(): void {
    this.ctx.faults.clear();
  }

  randomFaults(spec: RandomFaults | undefined): void {
    this.ctx.faults.setRandom(spec);
  }

  expireSyncState(upn?: string): void {
    this.store.expireSyncState(upn === undefined ? undefined : this.store.require(upn));
  }

  counters(): SimulatorCounters {
    return this.counterBook.snapshot();
  }

  resetCounters(): void {
    this.counterBook.reset();
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.close((err) => (err ? reject(err) : resolve()));
      this.server.closeAllConnections();
    });
  }
}

/** Starts a Microsoft Graph + Entra ID simulator on loopback (HTTPS when `tls` is given). */
export async function startGraphSimulator(options: GraphSimulatorOptions = {}): Promise<GraphSimulator> {
  const simulator = new GraphSimulatorServer(options);
  await simulator.listen();
  return simulator;
}
