import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Secret } from '../../config/secret';

export const DASHBOARD_COOKIE = 'postroom_dashboard';
/** Purpose string of the cookie's HMAC: the cookie proves the token was given without being it. */
const COOKIE_PURPOSE = 'postroom dashboard session v1';

/** Compares two strings in time that does not depend on where they differ (digests of equal length). */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function cookieValue(token: Secret): string {
  return createHmac('sha256', token.reveal()).update(COOKIE_PURPOSE).digest('hex');
}

function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function bearer(req: Request): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1]?.trim();
}

/**
 * Guards the dashboard with the configured token, given one of three ways:
 * - `Authorization: Bearer <token>` on every request (scripts, reverse proxies);
 * - `?token=<token>` once in a browser: answered with an HttpOnly, SameSite=Strict cookie scoped to
 *   the dashboard and a redirect to the same page without the token, so it leaves the address bar
 *   and history; the cookie holds an HMAC of the token, not the token, and lasts the browser session;
 * - that cookie.
 * Anything else gets 401. Every comparison is constant-time.
 */
export function dashboardAuth(token: Secret, basePath: string): RequestHandler {
  const expectedCookie = cookieValue(token);
  return (req: Request, res: Response, next: NextFunction) => {
    const header = bearer(req);
    if (header !== undefined && sameSecret(header, token.reveal())) return next();

    const cookie = readCookie(req, DASHBOARD_COOKIE);
    if (cookie !== undefined && sameSecret(cookie, expectedCookie)) return next();

    const url = new URL(req.originalUrl, 'http://postroom.invalid');
    const query = url.searchParams.get('token');
    if (query !== null && sameSecret(query, token.reveal())) {
      url.searchParams.delete('token');
      res.cookie(DASHBOARD_COOKIE, expectedCookie, { httpOnly: true, sameSite: 'strict', path: basePath });
      return res.redirect(303, url.pathname + url.search);
    }

    res
      .status(401)
      .set('WWW-Authenticate', 'Bearer realm="postroom dashboard"')
      .json({ error: 'unauthorized: give the dashboard token (Authorization: Bearer, or ?token= once)' });
  };
}
