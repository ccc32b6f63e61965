import { Command, InvalidArgumentError } from 'commander';
import type { Config } from '../config/load-config';
import {
  DEFAULT_EXPIRY_WARNING_DAYS,
  credentialExpiry,
  type CredentialExpiry,
} from '../config/secret-expiry';
import { formatTable, shortTime } from './table';

/**
 * Exit codes of `secrets check`: 1 like every other postroom failure (something is broken now, or
 * the configuration could not be read), 2 for "works today, renew soon", so a monitoring script can
 * tell the two apart and `postroom secrets check || alert` still catches both.
 */
export const SECRETS_OK = 0;
export const SECRETS_EXPIRED = 1;
export const SECRETS_EXPIRING = 2;

function parseDays(value: string): number {
  const days = Number(value);
  if (!Number.isInteger(days) || days < 0) throw new InvalidArgumentError('give a whole number of days');
  return days;
}

export function secretsExitCode(expiries: readonly CredentialExpiry[]): number {
  if (expiries.some((e) => e.state === 'expired')) return SECRETS_EXPIRED;
  if (expiries.some((e) => e.state === 'expiring')) return SECRETS_EXPIRING;
  return SECRETS_OK;
}

function stateText(e: CredentialExpiry): string {
  switch (e.state) {
    case 'expired':
      return 'EXPIRED';
    case 'expiring':
      return 'expires soon';
    case 'unknown':
      return 'unknown: add secretExpires (YYYY-MM-DD) to the source';
    case 'ok':
      return 'ok';
  }
}

function render(expiries: readonly CredentialExpiry[], days: number): string {
  const table = formatTable(
    ['SOURCE', 'ENABLED', 'CREDENTIAL', 'EXPIRES', 'DAYS LEFT', 'STATE'],
    expiries.map((e) => [
      e.sourceId,
      e.enabled ? 'yes' : 'no',
      e.kind,
      e.expiresAt ? shortTime(e.expiresAt.getTime()) : '-',
      e.daysLeft === null ? '-' : String(e.daysLeft),
      stateText(e),
    ]),
  );
  const count = (state: CredentialExpiry['state']) => expiries.filter((e) => e.state === state).length;
  return `${table}\n\n${count('expired')} expired, ${count('expiring')} expiring within ${days} days, ${count('ok')} ok, ${count('unknown')} unknown`;
}

/** `postroom secrets check`: when each source's certificate or client secret runs out. */
export function secretsCommand(loadConfig: () => Config): Command {
  const secrets = new Command('secrets').description('check source credentials');
  secrets
    .command('check')
    .description(
      `expiry of each source's certificate (from its PEM) or client secret (secretExpires); exit 0 ok, ${SECRETS_EXPIRING} when one expires within --days, ${SECRETS_EXPIRED} when one has expired`,
    )
    .option(
      '--days <n>',
      'warn about credentials expiring within this many days',
      parseDays,
      DEFAULT_EXPIRY_WARNING_DAYS,
    )
    .option('--json', 'print JSON instead of a table')
    .action((options: { days: number; json?: boolean }) => {
      const now = new Date();
      const expiries = loadConfig().sources.map((source) => credentialExpiry(source, options.days, now));
      const out = options.json
        ? JSON.stringify(
            {
              warningDays: options.days,
              credentials: expiries.map((e) => ({ ...e, expiresAt: e.expiresAt?.toISOString() ?? null })),
            },
            null,
            2,
          )
        : render(expiries, options.days);
      process.stdout.write(`${out}\n`);
      process.exitCode = secretsExitCode(expiries);
    });
  return secrets;
}
