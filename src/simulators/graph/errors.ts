import { randomUUID } from 'node:crypto';

/** Thrown by Graph handlers; the router turns it into Graph's error body. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

/** Graph's innerError.date has no fractional seconds and no zone designator. */
export function graphErrorDate(now = new Date()): string {
  return now.toISOString().slice(0, 19);
}

export function graphErrorBody(
  code: string,
  message: string,
  requestId: string,
  clientRequestId: string,
): Record<string, unknown> {
  return {
    error: {
      code,
      message,
      innerError: { date: graphErrorDate(), 'request-id': requestId, 'client-request-id': clientRequestId },
    },
  };
}

export const notFoundItem = (): GraphError =>
  new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');

export const malformedId = (): GraphError =>
  new GraphError(400, 'ErrorInvalidIdMalformed', 'Id is malformed.');

export const methodNotAllowed = (): GraphError =>
  new GraphError(405, 'MethodNotAllowed', 'Specified HTTP method is not allowed for the request target.');

export const badRequest = (message: string, code = 'BadRequest'): GraphError =>
  new GraphError(400, code, message);

/** Thrown by the token endpoint; carries the AADSTS number Entra would send. */
export class EntraError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly aadsts: number,
    message: string,
  ) {
    super(message);
    this.name = 'EntraError';
  }
}

/** Entra's timestamp format: '2024-05-01 10:20:30Z'. */
function entraTimestamp(now = new Date()): string {
  return `${now.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

export function entraErrorBody(err: EntraError, correlationId: string | undefined): Record<string, unknown> {
  const traceId = randomUUID();
  const correlation = correlationId ?? randomUUID();
  const timestamp = entraTimestamp();
  return {
    error: err.error,
    error_description:
      `AADSTS${err.aadsts}: ${err.message} Trace ID: ${traceId} ` +
      `Correlation ID: ${correlation} Timestamp: ${timestamp}`,
    error_codes: [err.aadsts],
    timestamp,
    trace_id: traceId,
    correlation_id: correlation,
    error_uri: `https://login.microsoftonline.com/error?code=${err.aadsts}`,
  };
}
