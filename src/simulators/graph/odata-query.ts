import { badRequest, GraphError } from './errors';

/** Prefer header preferences by lower-cased name, quotes removed. Several Prefer headers may be joined by commas. */
export function parsePrefer(header: string | undefined): Map<string, string> {
  const prefs = new Map<string, string>();
  if (!header) return prefs;
  const tokens = header.match(/(?:[^,"]+|"[^"]*")+/g) ?? [];
  for (const token of tokens) {
    const eq = token.indexOf('=');
    const name = (eq < 0 ? token : token.slice(0, eq)).trim().toLowerCase();
    const value =
      eq < 0
        ? ''
        : token
            .slice(eq + 1)
            .trim()
            .replace(/^"(.*)"$/, '$1');
    if (name) prefs.set(name, value);
  }
  return prefs;
}

/** `Prefer: IdType="ImmutableId"` (Graph compares the value case-insensitively). */
export function wantsImmutableIds(prefs: Map<string, string>): boolean {
  return (prefs.get('idtype') ?? '').toLowerCase() === 'immutableid';
}

export function maxPageSize(prefs: Map<string, string>): number | undefined {
  const raw = prefs.get('odata.maxpagesize');
  if (!raw || !/^\d+$/.test(raw)) return undefined;
  const n = Number(raw);
  return n >= 1 ? Math.min(n, 1000) : undefined;
}

export function parseTop(value: string | null): number | undefined {
  if (value === null) return undefined;
  if (!/^\s*\d+\s*$/.test(value) || Number(value) < 1) {
    throw badRequest(`Invalid value '${value}' for query option '$top'.`);
  }
  return Math.min(Number(value), 1000);
}

/**
 * `$select` names mapped to their canonical spelling (Graph matches them case-insensitively);
 * unknown names fail the way Graph's URI parser does.
 */
export function parseSelect(
  value: string | null,
  known: readonly string[],
  typeName: string,
): string[] | undefined {
  if (value === null || value.trim() === '') return undefined;
  const byLower = new Map(known.map((k) => [k.toLowerCase(), k]));
  return value.split(',').map((part) => {
    const name = part.trim();
    const canonical = byLower.get(name.toLowerCase());
    if (!canonical) {
      throw new GraphError(
        400,
        'RequestBroker--ParseUri',
        `Could not find a property named '${name}' on type '${typeName}'.`,
      );
    }
    return canonical;
  });
}

/** Only `displayName eq '...'` (with '' escaping a quote) is needed to walk folder paths. */
export function parseDisplayNameFilter(value: string | null): string | undefined {
  if (value === null) return undefined;
  const m = /^\s*displayName\s+eq\s+'((?:[^']|'')*)'\s*$/i.exec(value);
  if (!m) {
    throw badRequest(
      `Invalid filter clause: the simulator supports only "displayName eq '...'" on folders, got: ${value}`,
    );
  }
  return (m[1] ?? '').replace(/''/g, "'");
}

export interface ReceivedFilter {
  op: 'ge' | 'gt';
  at: number;
}

/** Delta accepts only `receivedDateTime ge|gt <DateTimeOffset>`. */
export function parseReceivedFilter(value: string | null): ReceivedFilter | undefined {
  if (value === null) return undefined;
  const m = /^\s*receivedDateTime\s+(ge|gt)\s+'?([0-9T:.+\-Z]+)'?\s*$/i.exec(value);
  const at = m ? Date.parse(m[2] ?? '') : NaN;
  if (!m || Number.isNaN(at)) {
    throw badRequest(
      `The delta query supports only '$filter=receivedDateTime ge|gt {value}' on messages, got: ${value}`,
      'ErrorInvalidUrlQueryFilter',
    );
  }
  return { op: (m[1] ?? 'ge').toLowerCase() as 'ge' | 'gt', at };
}
