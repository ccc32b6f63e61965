import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { AppRecord, AppRegistry } from './app-registry';
import { verifyClientAssertion } from './client-assertion';
import { EntraError, entraErrorBody } from './errors';
import type { SimResponse } from './http-io';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Tenant aliases that name no tenant; client credentials need a real one. */
export const MULTI_TENANT_ALIASES = new Set(['common', 'organizations', 'consumers']);

/** Graph's resource identifiers in every cloud; a token for anything else is not a Graph token. */
const GRAPH_RESOURCES = [
  'https://graph.microsoft.com',
  'https://graph.microsoft.us',
  'https://dod-graph.microsoft.us',
  'https://microsoftgraph.chinacloudapi.cn',
  '00000003-0000-0000-c000-000000000000',
];

export interface TokenRequest {
  tenant: string;
  method: string;
  contentType?: string;
  body: Buffer;
  /** The URL the request was sent to, for the assertion's `aud`. */
  endpointUrl: string;
  /** The simulator's own base URL, accepted as a Graph resource too. */
  selfUrl: string;
  correlationId?: string;
  lifetimeSeconds: number;
}

const missing = (name: string): EntraError =>
  new EntraError(
    400,
    'invalid_request',
    900144,
    `The request body must contain the following parameter: '${name}'.`,
  );

function sameSecret(a: string, b: string): boolean {
  const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

function resourceOf(scope: string | null, selfUrl: string): string {
  if (!scope) throw missing('scope');
  const scopes = scope.split(/\s+/).filter((s) => s && !['openid', 'profile', 'offline_access'].includes(s));
  const only = scopes.length === 1 ? scopes[0] : undefined;
  if (!only || !only.endsWith('/.default')) {
    throw new EntraError(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  const resource = only.slice(0, -'/.default'.length).replace(/\/+$/, '');
  const known = [...GRAPH_RESOURCES, selfUrl.replace(/^http:/, 'https:'), selfUrl];
  if (!known.some((r) => r.toLowerCase() === resource.toLowerCase())) {
    throw new EntraError(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${resource} was not found in the tenant. This can happen if the application has not been installed by the administrator of the tenant.`,
    );
  }
  return resource;
}

function authenticate(app: AppRecord, form: URLSearchParams, clientId: string, endpointUrl: string): void {
  const secret = form.get('client_secret');
  const assertion = form.get('client_assertion');
  const assertionType = form.get('client_assertion_type');
  if (secret !== null && assertion !== null) {
    // Entra takes exactly one credential; we report it like a missing one (AADSTS7000218).
    throw new EntraError(
      401,
      'invalid_client',
      7000218,
      "Send either 'client_assertion' or 'client_secret', not both.",
    );
  }
  if (assertion !== null) {
    if (assertionType !== JWT_BEARER) {
      throw new EntraError(
        401,
        'invalid_client',
        7000218,
        `The request body must contain the following parameter: 'client_assertion_type' with value '${JWT_BEARER}'.`,
      );
    }
    verifyClientAssertion(assertion, app, clientId, endpointUrl);
    return;
  }
  if (secret !== null) {
    if (!app.clientSecret || !sameSecret(secret, app.clientSecret)) {
      throw new EntraError(
        401,
        'invalid_client',
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`,
      );
    }
    return;
  }
  throw new EntraError(
    401,
    'invalid_client',
    7000218,
    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  );
}

function issueToken(req: TokenRequest, registry: AppRegistry): Record<string, unknown> {
  if (req.method !== 'POST') {
    throw new EntraError(
      405,
      'invalid_request',
      900561,
      `The endpoint only accepts POST, OPTIONS requests. Received a ${req.method} request.`,
    );
  }
  if (MULTI_TENANT_ALIASES.has(req.tenant.toLowerCase())) {
    // AADSTS50059 is Entra's "no tenant-identifying information" error; app-only tokens need a tenant.
    throw new EntraError(
      400,
      'invalid_request',
      50059,
      `No tenant-identifying information found in either the request or implied by any provided credentials. Client credentials cannot use the '${req.tenant}' endpoint; use the tenant id.`,
    );
  }
  if (!registry.tenantExists(req.tenant)) {
    throw new EntraError(
      400,
      'invalid_tenant',
      90002,
      `Tenant '${req.tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    );
  }
  const isForm = (req.contentType ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
  const form = new URLSearchParams(isForm ? req.body.toString('utf8') : '');
  const grantType = form.get('grant_type');
  if (!grantType) throw missing('grant_type');
  if (grantType !== 'client_credentials') {
    throw new EntraError(
      400,
      'unsupported_grant_type',
      70003,
      `The app requested an unsupported grant type '${grantType}'.`,
    );
  }
  const clientId = form.get('client_id');
  if (!clientId) throw missing('client_id');
  const app = registry.findApp(req.tenant, clientId);
  if (!app) {
    throw new EntraError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${req.tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  }
  authenticate(app, form, clientId, req.endpointUrl);
  const resource = resourceOf(form.get('scope'), req.selfUrl);
  return {
    token_type: 'Bearer',
    expires_in: req.lifetimeSeconds,
    ext_expires_in: req.lifetimeSeconds,
    access_token: registry.issue(app, resource, req.lifetimeSeconds),
  };
}

export function handleTokenRequest(req: TokenRequest, registry: AppRegistry): SimResponse {
  const headers: Record<string, string> = {
    'Cache-Control': 'no-store, no-cache',
    Pragma: 'no-cache',
    'x-ms-request-id': randomUUID(),
  };
  if (req.correlationId) headers['client-request-id'] = req.correlationId;
  try {
    return { status: 200, headers, json: issueToken(req, registry) };
  } catch (err) {
    if (!(err instanceof EntraError)) throw err;
    return { status: err.status, headers, json: entraErrorBody(err, req.correlationId) };
  }
}
