import type { MailAddress } from '../sources/mail-source';
import type { MessageInfo } from './mapped-metadata';
import type { FilterCondition, Filters } from './mapping-schema';
import { matchesPattern } from './patterns';

export type FilterVerdict = { include: true } | { include: false; reason: string };

function addressMatches(pattern: string, address: MailAddress | undefined): boolean {
  if (!address) return false;
  // Addresses compare case-insensitively even under a regular expression without the i flag.
  if (address.address !== undefined && matchesPattern(pattern, address.address, true)) return true;
  return address.name !== undefined && address.name !== '' && matchesPattern(pattern, address.name);
}

/** One test per condition key; a condition matches when every key it has matches. */
const TESTS: {
  [K in keyof FilterCondition]-?: (value: NonNullable<FilterCondition[K]>, info: MessageInfo) => boolean;
} = {
  sender: (p, info) => addressMatches(p, info.from),
  recipient: (p, info) => [...info.to, ...info.cc].some((a) => addressMatches(p, a)),
  subject: (p, info) => matchesPattern(p, info.subject ?? ''),
  body: (p, info) => matchesPattern(p, info.bodyText ?? ''),
  attachmentName: (p, info) => info.attachmentNames.some((name) => matchesPattern(p, name)),
  hasAttachments: (wanted, info) => info.hasAttachments === wanted,
  receivedAfter: (after, info) => Date.parse(info.received) >= Date.parse(after),
};

function keysOf(condition: FilterCondition): Array<keyof FilterCondition> {
  return (Object.keys(TESTS) as Array<keyof FilterCondition>).filter((key) => condition[key] !== undefined);
}

export function conditionMatches(info: MessageInfo, condition: FilterCondition): boolean {
  return keysOf(condition).every((key) => {
    const test = TESTS[key] as (value: unknown, info: MessageInfo) => boolean;
    return test(condition[key], info);
  });
}

/** The condition in words, for skip reasons: `subject matches "Out of office*" and hasAttachments is false`. */
export function describeCondition(condition: FilterCondition): string {
  return keysOf(condition)
    .map((key) => {
      const value = condition[key];
      if (key === 'hasAttachments') return `hasAttachments is ${String(value)}`;
      if (key === 'receivedAfter') return `received on or after ${String(value)}`;
      return `${key} matches ${JSON.stringify(value)}`;
    })
    .join(' and ');
}

/**
 * Decides whether a message is imported. `include` (when given) needs one matching rule; any
 * matching `exclude` rule skips the message. The reason names the rule, for the ledger and the log.
 *
 * Body and attachment-name rules read what conversion found in the MIME: evaluate them after the
 * download (see `filtersNeedContent`); the others can be evaluated from the delta page alone.
 */
export function evaluateFilters(info: MessageInfo, filters: Filters | undefined): FilterVerdict {
  if (!filters) return { include: true };
  const { include, exclude } = filters;
  if (include && !include.some((condition) => conditionMatches(info, condition))) {
    return {
      include: false,
      reason:
        include.length === 1
          ? `include[0] does not match: ${describeCondition(include[0]!)}`
          : `matches none of include[0..${include.length - 1}]`,
    };
  }
  const excluded = (exclude ?? []).findIndex((condition) => conditionMatches(info, condition));
  if (excluded >= 0) {
    return { include: false, reason: `exclude[${excluded}]: ${describeCondition(exclude![excluded]!)}` };
  }
  return { include: true };
}

/** True when some rule reads the body or attachment names, which only the downloaded MIME has. */
export function filtersNeedContent(filters: Filters | undefined): boolean {
  const all = [...(filters?.include ?? []), ...(filters?.exclude ?? [])];
  return all.some((c) => c.body !== undefined || c.attachmentName !== undefined);
}
