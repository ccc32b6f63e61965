import { z } from 'zod';
import { isLoopbackHost } from './loopback';

/**
 * A server postroom sends credentials to: https:// (TLS 1.2+), or plain http:// to this machine only,
 * where the project's simulators and a local instance listen. `example` shows a user the shape.
 */
export function secureUrl(example: string) {
  return z.string().superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: `must be an absolute URL such as ${example}` });
      return;
    }
    if (url.protocol === 'https:') return;
    if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return;
    ctx.addIssue({
      code: 'custom',
      message: 'must use https:// (plain http:// is accepted for loopback addresses only)',
    });
  });
}
