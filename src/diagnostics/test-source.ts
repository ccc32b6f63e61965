import type { Redis } from 'ioredis';
import type { DocumentSink } from '../backends/document-sink';
import type { Config, Source } from '../config/load-config';
import type { Logger } from '../observability/logger';
import { GraphApi } from '../sources/graph/graph-api';
import { resolveFolder } from '../sources/graph/folder-resolver';
import { gateSettingsOf } from '../sources/create-mail-source';
import { gateFor } from '../sources/graph/mailbox-gate';
import { tokenProviderFor } from '../sources/graph/token-provider';
import { explainFailure, isTlsFailureCode, type Diagnosis } from './explain-failure';
import { probeTls } from './tls-probe';

export interface CheckResult {
  check: 'token' | 'permissions' | 'mailbox' | 'folder' | 'backend';
  status: 'ok' | 'warn' | 'fail' | 'skipped';
  detail: string;
  fix?: string;
}

/** Test-source requests are few; they still go through the mailbox's shared gate and budget. */
const TEST_REQUEST_ATTEMPTS = 2;
const TEST_IDLE_TIMEOUT_MS = 30_000;

/** The `roles` claim of an Entra access token; null when the token is not a readable JWT. */
export function tokenRoles(token: string): string[] | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { roles?: unknown };
    return Array.isArray(claims.roles) ? claims.roles.map(String) : [];
  } catch {
    return null;
  }
}

function failed(check: CheckResult['check'], diagnosis: Diagnosis): CheckResult {
  return { check, status: 'fail', detail: diagnosis.problem, fix: diagnosis.fix };
}

/**
 * Walks the path a poll takes, one step at a time, and stops at the first step that fails:
 * token, granted permissions, mailbox, folder, then the backend's write access.
 */
export async function testSource(
  source: Source,
  config: Config,
  deps: { redis: Redis; logger: Logger; sink: DocumentSink },
): Promise<CheckResult[]> {
  const def = source.definition;
  const results: CheckResult[] = [];
  const context = { mailbox: def.mailbox, clientId: def.clientId };
  const tokens = tokenProviderFor({
    tenantId: def.tenantId,
    clientId: def.clientId,
    credential: source.credential,
    authorityHost: source.authorityHost,
    graphEndpoint: source.graphEndpoint,
  });

  let token: string;
  try {
    token = await tokens.getToken();
    results.push({
      check: 'token',
      status: 'ok',
      detail: `token issued by ${source.authorityHost} for client ${def.clientId} in tenant ${def.tenantId}`,
    });
  } catch (err) {
    // msal-node hides why a connection failed: look at the TLS handshake ourselves.
    const tlsFailure = await probeTls(source.authorityHost);
    const cause =
      tlsFailure && isTlsFailureCode(tlsFailure)
        ? Object.assign(new Error(tlsFailure), { code: tlsFailure })
        : err;
    return [failed('token', explainFailure(cause, context))];
  }

  const roles = tokenRoles(token);
  if (roles === null) {
    results.push({
      check: 'permissions',
      status: 'skipped',
      detail: 'the token is not a JWT: roles not read',
    });
  } else if (roles.includes('Mail.ReadWrite')) {
    results.push({
      check: 'permissions',
      status: 'ok',
      detail: `application permissions: ${roles.join(', ')}`,
    });
  } else if (roles.includes('Mail.Read')) {
    results.push({
      check: 'permissions',
      status: 'warn',
      detail: `application permissions: ${roles.join(', ')}: enough to import, not to mark read, move, delete or categorise`,
      fix: 'Grant Mail.ReadWrite (application) with admin consent before configuring an after-import action.',
    });
  } else {
    return [
      ...results,
      {
        check: 'permissions',
        status: 'fail',
        detail: `the token carries no mail permission (roles: ${roles.join(', ') || 'none'})`,
        fix: 'In the app registration, add the Microsoft Graph APPLICATION permission Mail.Read (or Mail.ReadWrite) and grant admin consent.',
      },
    ];
  }

  const api = new GraphApi({
    graphEndpoint: source.graphEndpoint,
    tokens,
    gate: gateFor(
      source.graphEndpoint,
      def.clientId,
      def.mailbox,
      gateSettingsOf(config.service, deps.redis),
    ),
    maxRetryAfterMs: config.service.graph.maxRetryAfterSeconds * 1000,
    requestAttempts: TEST_REQUEST_ATTEMPTS,
    idleTimeoutMs: TEST_IDLE_TIMEOUT_MS,
    logger: deps.logger,
  });
  const user = `/users/${encodeURIComponent(def.mailbox)}`;
  try {
    const inbox = await api.getJson<{ totalItemCount?: number }>(
      `${user}/mailFolders/inbox?$select=id,totalItemCount`,
    );
    results.push({
      check: 'mailbox',
      status: 'ok',
      detail: `mailbox ${def.mailbox} opened (Inbox holds ${inbox.totalItemCount ?? '?'} messages)`,
    });
  } catch (err) {
    return [...results, failed('mailbox', explainFailure(err, context))];
  }

  try {
    const folderId = await resolveFolder(api, def.mailbox, def.folder);
    const folder = await api.getJson<{ totalItemCount?: number; unreadItemCount?: number }>(
      `${user}/mailFolders/${encodeURIComponent(folderId)}?$select=id,totalItemCount,unreadItemCount`,
    );
    results.push({
      check: 'folder',
      status: 'ok',
      detail: `folder ${def.folder} found: ${folder.totalItemCount ?? '?'} messages, ${folder.unreadItemCount ?? '?'} unread`,
    });
  } catch (err) {
    return [...results, failed('folder', explainFailure(err, context))];
  }

  if (!deps.sink.probe) {
    results.push({
      check: 'backend',
      status: 'skipped',
      detail: `backend ${def.backend} has no write probe`,
    });
    return results;
  }
  try {
    results.push({ check: 'backend', status: 'ok', detail: await deps.sink.probe() });
  } catch (err) {
    results.push(failed('backend', explainFailure(err, context)));
  }
  return results;
}
