import { randomBytes } from 'node:crypto';
import { driveItemJson, jsonResponse } from './drive-json';
import type { DriveItemRecord, DriveRecord } from './drive-store';
import { GraphError } from './errors';
import type { GraphContext } from './graph-context';
import { errorResponse, type RequestIds } from './graph-router';
import { headerValue, type SimResponse } from './http-io';
import { admit, type Admitted } from './request-admission';

/** Fragments other than the last must be multiples of this (Graph: 320 KiB). */
export const UPLOAD_FRAGMENT_UNIT = 320 * 1024;
/** Graph takes less than 60 MiB per fragment. */
export const MAX_FRAGMENT_BYTES = 60 * 1024 * 1024;
/** Upload sessions expire if left alone this long; every fragment extends them. */
const SESSION_LIFETIME_MS = 15 * 60 * 1000;
/** Pre-authenticated download links live this long. */
const DOWNLOAD_LINK_LIFETIME_MS = 60 * 60 * 1000;

interface UploadSession {
  id: string;
  drive: DriveRecord;
  /** Folder names from the root, created when the upload completes. */
  folder: string[];
  name: string;
  conflictBehavior: string;
  total?: number;
  chunks: Buffer[];
  next: number;
  expiresAt: number;
}

const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+)$/;

/**
 * Upload sessions and download links: the URLs Graph hands out that live outside /v1.0 and carry
 * their own authorization. An upload URL must NOT be sent the bearer token (an Authorization
 * header there gets 401, as the Graph docs warn).
 */
export class DriveTransfers {
  readonly #sessions = new Map<string, UploadSession>();
  readonly #downloads = new Map<string, { drive: DriveRecord; item: DriveItemRecord; expiresAt: number }>();

  createSession(drive: DriveRecord, folder: string[], name: string, conflictBehavior: string): UploadSession {
    const session: UploadSession = {
      id: randomBytes(24).toString('base64url'),
      drive,
      folder,
      name,
      conflictBehavior,
      chunks: [],
      next: 0,
      expiresAt: Date.now() + SESSION_LIFETIME_MS,
    };
    this.#sessions.set(session.id, session);
    return session;
  }

  downloadLink(base: string, drive: DriveRecord, item: DriveItemRecord): string {
    const token = randomBytes(24).toString('base64url');
    this.#downloads.set(token, { drive, item, expiresAt: Date.now() + DOWNLOAD_LINK_LIFETIME_MS });
    return `${base}/_download/${token}`;
  }

  sessionStatus(session: UploadSession): Record<string, unknown> {
    return {
      expirationDateTime: new Date(session.expiresAt).toISOString(),
      nextExpectedRanges: [`${session.next}-${session.total !== undefined ? session.total - 1 : ''}`],
    };
  }

  /** Incomplete sessions, for tests. */
  openSessions(): number {
    return this.#sessions.size;
  }

  /** PUT/GET/DELETE on an upload URL, GET on a download link. */
  handle(
    ctx: GraphContext,
    method: string,
    url: URL,
    headers: Record<string, string | string[] | undefined>,
    body: Buffer,
    ids: RequestIds,
  ): { response: SimResponse; release: () => void } {
    const [area, token] = url.pathname.split('/').filter(Boolean);
    let release = (): void => undefined;
    try {
      if (area === '_download') {
        // Real download links are on another host, so fetch drops the bearer token on the redirect;
        // here they share the simulator's origin and the token comes along: it is ignored.
        ctx.counters.request('download');
        const link = token ? this.#downloads.get(token) : undefined;
        if (!link || link.expiresAt < Date.now())
          throw new GraphError(404, 'itemNotFound', 'The download link expired.');
        const admitted = this.#admit(ctx, link.drive, 'download');
        release = admitted.release;
        if (admitted.fault?.error) throw admitted.fault.error;
        return {
          response: {
            status: 200,
            headers: { 'Content-Type': link.item.mimeType ?? 'application/octet-stream' },
            body: link.item.bytes ?? Buffer.alloc(0),
            reset: admitted.fault?.reset,
          },
          release,
        };
      }
      ctx.counters.request('uploadChunk');
      if (headerValue(headers, 'authorization')) {
        throw new GraphError(
          401,
          'unauthenticated',
          'Upload URLs are pre-authenticated: send no Authorization header.',
        );
      }
      const session = token ? this.#sessions.get(token) : undefined;
      if (!session || session.expiresAt < Date.now()) {
        throw new GraphError(404, 'itemNotFound', 'The upload session was not found or has expired.');
      }
      const admitted = this.#admit(ctx, session.drive, 'uploadChunk');
      release = admitted.release;
      if (admitted.fault?.error) throw admitted.fault.error;
      if (method === 'DELETE') {
        this.#sessions.delete(session.id);
        return { response: { status: 204 }, release };
      }
      if (method === 'GET') return { response: jsonResponse(200, this.sessionStatus(session)), release };
      if (method !== 'PUT') throw new GraphError(405, 'invalidRequest', 'Use PUT to upload a fragment.');
      const response = this.#fragment(ctx, session, headerValue(headers, 'content-range'), body);
      // A cut connection after the fragment was stored: the client never hears that it arrived.
      if (admitted.fault?.reset) response.reset = true;
      return { response, release };
    } catch (err) {
      if (err instanceof GraphError) return { response: errorResponse(err, ids), release };
      release();
      throw err;
    }
  }

  #admit(ctx: GraphContext, drive: DriveRecord, kind: string): Admitted {
    return admit(ctx, `drive:${drive.id}`, kind, 'activityLimitReached');
  }

  #fragment(ctx: GraphContext, session: UploadSession, range: string | undefined, body: Buffer): SimResponse {
    const match = range ? CONTENT_RANGE.exec(range.trim()) : null;
    if (!match)
      throw new GraphError(
        400,
        'invalidRequest',
        'A Content-Range header of the form bytes start-end/total is required.',
      );
    const [start, end, total] = [Number(match[1]), Number(match[2]), Number(match[3])];
    if (end < start || end >= total || body.length !== end - start + 1) {
      throw new GraphError(400, 'invalidRequest', 'The Content-Range does not match the fragment sent.');
    }
    if (session.total !== undefined && session.total !== total) {
      throw new GraphError(
        400,
        'invalidRequest',
        'The declared file size differs from the earlier fragments.',
      );
    }
    if (start !== session.next) {
      // Graph: a fragment the server already has, or one out of order, is not satisfiable.
      throw new GraphError(416, 'invalidRange', `Expected the fragment starting at ${session.next}.`);
    }
    const last = end === total - 1;
    if (body.length > MAX_FRAGMENT_BYTES || (!last && body.length % UPLOAD_FRAGMENT_UNIT !== 0)) {
      throw new GraphError(
        400,
        'invalidRequest',
        `Fragments must be a multiple of 320 KiB (${UPLOAD_FRAGMENT_UNIT} bytes) and under 60 MiB, except the last.`,
      );
    }
    const commit = (): void => {
      session.total = total;
      session.chunks.push(Buffer.from(body));
      session.next = end + 1;
      session.expiresAt = Date.now() + SESSION_LIFETIME_MS;
    };
    if (!last) {
      commit();
      return jsonResponse(202, this.sessionStatus(session));
    }
    const { drive } = session;
    const folder = ctx.drives.ensureFolder(drive, drive.root, session.folder);
    // The name may have been taken while the upload ran: Graph reports that at the last fragment
    // (409) and keeps the session, so nothing is recorded unless the file was created.
    const bytes = Buffer.concat([...session.chunks, body]);
    const item = ctx.drives.putFile(drive, folder, session.name, bytes, session.conflictBehavior);
    commit();
    this.#sessions.delete(session.id);
    return jsonResponse(201, driveItemJson(ctx.drives, drive, item));
  }
}
