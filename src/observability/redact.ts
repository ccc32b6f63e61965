/**
 * Every secret value postroom resolves is registered here, and the logger scrubs them from all
 * output. This is a second line of defence: secrets are kept in `Secret` wrappers that never print,
 * but an error message from a library (an HTTP body echoing a form field, say) could still carry one.
 */
const secrets = new Set<string>();

/** Short values would redact ordinary words; real secrets are never this short. */
const MIN_REDACTED_LENGTH = 6;

export function registerSecret(value: string): void {
  if (value.length >= MIN_REDACTED_LENGTH) secrets.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join('[redacted]');
  }
  return out;
}

/**
 * Redacts every string inside a log record before it is serialised, so a secret holding quotes,
 * backslashes or newlines (a PEM key) is caught before JSON escaping changes its spelling.
 */
export function redactDeep(value: unknown, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redact(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (value instanceof Error) {
    return { message: redact(value.message), code: (value as { code?: unknown }).code };
  }
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, seen));
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function')
    return redactDeep((value as { toJSON: () => unknown }).toJSON(), seen);
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactDeep(item, seen)]));
}

/** Hides the password of a URL such as redis://user:pass@host:6379. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
  }
}
