import type { SimResponse } from '../graph/http-io';

/** Thrown by MFWS handlers; the router turns it into M-Files' WebServiceError body. */
export class MFilesError extends Error {
  constructor(
    readonly status: number,
    /** .NET exception name M-Files reports in `Exception.Name`. */
    readonly exceptionName: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'MFilesError';
  }
}

/** The WebServiceError body: status, request line, the exception and the message again on top. */
export function webServiceError(err: MFilesError, method: string, url: string): SimResponse {
  return {
    status: err.status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...err.headers },
    json: {
      Status: err.status,
      URL: url,
      Method: method,
      Exception: { Name: err.exceptionName, Message: err.message, InnerException: null, StackText: '' },
      Stack: null,
      Message: err.message,
    },
  };
}

const HTML_TITLES: Record<number, string> = {
  404: '404 - File or directory not found.',
  405: '405 - HTTP verb used to access this page is not allowed.',
};

/** What IIS (or a proxy in front of it) answers before MFWS sees the request: an HTML page, not JSON. */
export function iisError(status: number, path: string, headers: Record<string, string> = {}): SimResponse {
  const title = HTML_TITLES[status] ?? `${status} - The server could not handle the request.`;
  const html =
    `<!DOCTYPE html><html><head><title>${title}</title></head>` +
    `<body><h2>${title}</h2><p>${path.replace(/[<>&"]/g, '')}</p></body></html>`;
  return { status, headers: { ...headers, 'Content-Type': 'text/html' }, body: Buffer.from(html, 'utf8') };
}

export const validationError = (message: string): MFilesError =>
  new MFilesError(400, 'MFilesException', message);

export const notFound = (message: string): MFilesError => new MFilesError(404, 'NotFoundException', message);

export const forbidden = (message: string): MFilesError =>
  new MFilesError(403, 'ForbiddenException', message);

export const methodNotAllowed = (method: string, path: string): MFilesError =>
  new MFilesError(405, 'MethodNotAllowedException', `The method ${method} is not allowed for ${path}.`);
