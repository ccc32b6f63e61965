import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { Secret } from '../../config/secret';
import { PostroomError, isNetworkError } from '../../errors/postroom-error';
import type { Logger } from '../../observability/logger';
import { IdleTimeout } from '../../sources/graph/idle-timeout';
import type { DocumentFile } from '../document-sink';
import { errorFromResponse, networkError, pathOnly } from './mfiles-errors';
import type { UploadInfo } from './mfws-types';

/** Read size for uploads: each chunk read also proves the upload is still moving. */
const UPLOAD_CHUNK_BYTES = 256 * 1024;

export interface MFilesClientOptions {
  /** Server root, without `/REST`. */
  root: string;
  /** `{GUID}`. */
  vaultGuid: string;
  username: string;
  password: Secret;
  legacyAspx: boolean;
  idleTimeoutMs: number;
  logger: Logger;
}

export interface UploadedFile {
  info: UploadInfo;
  /** What was actually sent, to compare with what the spool promised. */
  sha256: string;
  size: number;
}

/** Requests made with one authentication token. */
export interface MfwsSession {
  get<T>(path: string, params?: Record<string, string>): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
  put<T>(path: string, body: unknown): Promise<T>;
  upload(file: DocumentFile): Promise<UploadedFile>;
}

interface SendOptions {
  token?: string;
  params?: Record<string, string>;
  json?: unknown;
  file?: { handle: fs.FileHandle; size: number; hash: ReturnType<typeof createHash> };
}

function isForbidden(err: unknown): boolean {
  return err instanceof PostroomError && (err.status === 401 || err.status === 403);
}

/**
 * HTTP to the M-Files Web Service: JSON in and out, raw uploads, an idle timeout on every request,
 * the legacy `.aspx` spelling, and one cached authentication token shared by all deliveries.
 *
 * M-Files hands out a token even for a wrong password and answers 403 when it is used, and an
 * expired token is 403 too. So a 403 means: log in again once and repeat the whole operation (its
 * uploads belong to the old session); a second 403 means the credentials are wrong.
 */
export class MFilesClient {
  #token: Promise<string> | undefined;
  readonly #host: string;

  constructor(private readonly options: MFilesClientOptions) {
    this.#host = new URL(options.root).host;
  }

  async run<T>(operation: (session: MfwsSession) => Promise<T>): Promise<T> {
    const first = await this.#currentToken();
    try {
      return await operation(this.#session(first));
    } catch (err) {
      if (!isForbidden(err)) throw err;
      this.options.logger.info('M-Files refused the session token (expired or rejected); logging in again', {
        vault: this.options.vaultGuid,
        error: (err as Error).message,
      });
      await this.#forget(first);
    }
    const second = await this.#currentToken();
    try {
      return await operation(this.#session(second));
    } catch (err) {
      if (!isForbidden(err)) throw err;
      await this.#forget(second);
      throw new PostroomError(
        'DMS_AUTH_FAILED',
        `M-Files rejected the credentials for vault ${this.options.vaultGuid} (user ${this.options.username}) ` +
          `even after logging in again: ${(err as Error).message}. ` +
          'Check the user name and password and the user’s access to the vault.',
        {
          cause: err,
          status: (err as PostroomError).status,
          upstreamCode: (err as PostroomError).upstreamCode,
        },
      );
    }
  }

  #currentToken(): Promise<string> {
    // One login in flight for all concurrent deliveries; a failed login is not cached.
    this.#token ??= this.#authenticate().catch((err: unknown) => {
      this.#token = undefined;
      throw err;
    });
    return this.#token;
  }

  async #forget(token: string): Promise<void> {
    const current = this.#token;
    if (current && (await current.catch(() => undefined)) === token && this.#token === current) {
      this.#token = undefined;
    }
  }

  async #authenticate(): Promise<string> {
    const response = await this.#send('POST', '/server/authenticationtokens', {
      json: {
        Username: this.options.username,
        Password: this.options.password.reveal(),
        VaultGuid: this.options.vaultGuid,
      },
    });
    const body = (await response.json()) as { Value?: unknown };
    if (typeof body.Value !== 'string' || body.Value === '') {
      throw new PostroomError('DMS_UNAVAILABLE', 'M-Files answered the login without a token');
    }
    return body.Value;
  }

  #session(token: string): MfwsSession {
    return {
      get: (path, params) => this.#json('GET', path, { token, params }),
      post: (path, body) => this.#json('POST', path, { token, json: body }),
      put: (path, body) => this.#json('PUT', path, { token, json: body }),
      upload: (file) => this.#upload(token, file),
    };
  }

  async #json<T>(method: string, path: string, options: SendOptions): Promise<T> {
    const response = await this.#send(method, path, options);
    try {
      return (await response.json()) as T;
    } catch (err) {
      if (isNetworkError(err)) throw this.#scrubbed(networkError(err, method, path, this.#host));
      throw new PostroomError('DMS_UNAVAILABLE', `M-Files sent no JSON for ${method} ${pathOnly(path)}`, {
        cause: err,
      });
    }
  }

  async #upload(token: string, file: DocumentFile): Promise<UploadedFile> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(file.path, 'r');
    } catch (err) {
      throw new PostroomError(
        'SINK_WRITE_FAILED',
        `cannot read ${file.name} for upload: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        { cause: err },
      );
    }
    try {
      const { size } = await handle.stat();
      const hash = createHash('sha256');
      const info = await this.#json<UploadInfo>('POST', '/files', { token, file: { handle, size, hash } });
      return { info, sha256: hash.digest('hex'), size };
    } finally {
      await handle.close();
    }
  }

  /** The URL for a path below /REST, spelt for old IIS when configured. */
  #url(method: string, path: string, params: Record<string, string> = {}): { url: string; method: string } {
    const query = new URLSearchParams(params);
    let sent = method;
    let resource = path;
    if (this.options.legacyAspx) {
      resource = `${path}.aspx`;
      // Old IIS lets only GET and POST through; MFWS reads the real verb from _method.
      if (method !== 'GET' && method !== 'POST') {
        query.set('_method', method);
        sent = 'POST';
      }
    }
    const search = query.toString();
    return { url: `${this.options.root}/REST${resource}${search ? `?${search}` : ''}`, method: sent };
  }

  async #send(method: string, path: string, options: SendOptions): Promise<Response> {
    const { url, method: sent } = this.#url(method, path, options.params);
    const idle = new IdleTimeout(this.options.idleTimeoutMs);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (options.token) headers['X-Authentication'] = options.token;
    let body: RequestInit['body'];
    if (options.json !== undefined) {
      headers['Content-Type'] = 'application/json; charset=utf-8';
      body = JSON.stringify(options.json);
    } else if (options.file) {
      headers['Content-Type'] = 'application/octet-stream';
      headers['Content-Length'] = String(options.file.size);
      body = this.#fileStream(options.file, idle);
    }
    let response: Response;
    try {
      response = await fetch(url, {
        method: sent,
        headers,
        body,
        signal: idle.signal,
        ...(options.file ? { duplex: 'half' } : {}),
      } as RequestInit);
    } catch (err) {
      idle.clear();
      throw this.#scrubbed(
        networkError(idle.signal.aborted ? idle.signal.reason : err, method, path, this.#host),
      );
    }
    const watched = idle.watch(response);
    if (!watched.ok) {
      try {
        throw this.#scrubbed(await errorFromResponse(watched, method, path));
      } finally {
        idle.clear();
      }
    }
    return watched;
  }

  /**
   * A server or proxy that echoes the login request in its error page would put the password into
   * the message, and messages end up in dead letters and the ledger, not only in (redacted) logs.
   */
  #scrubbed(err: PostroomError): PostroomError {
    const secret = this.options.password.reveal();
    if (secret !== '' && err.message.includes(secret))
      err.message = err.message.split(secret).join('[redacted]');
    return err;
  }

  /** The file as a request body; every chunk is hashed and counts as progress for the idle timeout. */
  #fileStream(file: NonNullable<SendOptions['file']>, idle: IdleTimeout): ReadableStream<Uint8Array> {
    let position = 0;
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        // Never past the announced Content-Length, even if the file grew meanwhile.
        const buffer = Buffer.alloc(Math.min(UPLOAD_CHUNK_BYTES, file.size - position));
        const { bytesRead } =
          buffer.length > 0 ? await file.handle.read(buffer, 0, buffer.length, position) : { bytesRead: 0 };
        if (bytesRead === 0) {
          controller.close();
          return;
        }
        position += bytesRead;
        idle.touch();
        const chunk = buffer.subarray(0, bytesRead);
        file.hash.update(chunk);
        controller.enqueue(chunk);
      },
    });
  }
}
