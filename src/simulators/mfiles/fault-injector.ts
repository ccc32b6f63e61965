import { ScriptedFaults } from '../scripted-faults';
import { MFilesError } from './mfws-errors';
import type { MFilesRequestKind } from './types';

/**
 * A scripted failure for the next matching requests, so tests meet what a troubled M-Files server
 * or its proxy does (503 with Retry-After, 500, a slow answer, a cut connection) exactly when
 * they want to.
 */
export interface MFilesFaultSpec {
  /** Request kinds it applies to; every request when omitted. */
  kinds?: MFilesRequestKind[];
  /** Matching requests to let through first. Default 0. */
  after?: number;
  /** How many matching requests it affects. Default 1. */
  count?: number;
  /** Answer with this status and a WebServiceError body (omit to answer normally). */
  status?: number;
  /** Sent as Retry-After, in seconds. */
  retryAfterSeconds?: number;
  /** Wait this long before answering (the request is still carried out afterwards). */
  delayMs?: number;
  /** Close the connection without an answer. */
  reset?: boolean;
  /** Answer the status with an HTML page, as a reverse proxy does, instead of JSON. */
  html?: boolean;
}

export interface FaultOutcome {
  error?: MFilesError;
  delayMs?: number;
  reset?: boolean;
  html?: boolean;
  label: string;
}

const EXCEPTIONS: Record<number, [string, string]> = {
  400: ['MFilesException', 'Injected bad request.'],
  403: ['ForbiddenException', 'Access denied.'],
  404: ['NotFoundException', 'Not found.'],
  429: ['TooManyRequestsException', 'Too many requests.'],
  500: ['InternalServerErrorException', 'An internal error occurred in the M-Files server.'],
  502: ['BadGatewayException', 'Bad gateway.'],
  503: ['ServiceUnavailableException', 'The M-Files server is temporarily unavailable.'],
};

export class MFilesFaultInjector {
  private readonly faults = new ScriptedFaults<MFilesFaultSpec>();

  add(spec: MFilesFaultSpec): void {
    this.faults.add(spec);
  }

  clear(): void {
    this.faults.clear();
  }

  /** The fault this request meets, if any; consumes one use of it. */
  take(kind: MFilesRequestKind): FaultOutcome | undefined {
    const spec = this.faults.next(kind);
    if (!spec) return undefined;
    const { status, retryAfterSeconds, delayMs, reset, html } = spec;
    if (reset) return { reset: true, delayMs, label: 'reset' };
    if (status === undefined) return { delayMs, label: 'delay' };
    const [name, message] = EXCEPTIONS[status] ?? ['WebServiceException', `Injected fault ${status}.`];
    const headers: Record<string, string> = {};
    if (retryAfterSeconds !== undefined) headers['Retry-After'] = String(retryAfterSeconds);
    return { error: new MFilesError(status, name, message, headers), delayMs, html, label: String(status) };
  }
}
