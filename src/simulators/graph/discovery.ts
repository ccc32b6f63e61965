import type { AppRegistry } from './app-registry';
import { EntraError, entraErrorBody } from './errors';
import type { SimResponse } from './http-io';
import { MULTI_TENANT_ALIASES } from './token-endpoint';

/** OpenID Connect metadata for `base/{tenant}`, in the shape msal reads from login.microsoftonline.com. */
export function openIdConfiguration(base: string, tenant: string): Record<string, unknown> {
  const issuerTenant = MULTI_TENANT_ALIASES.has(tenant.toLowerCase()) ? '{tenantid}' : tenant;
  const host = base.replace(/^https?:\/\//, '');
  return {
    token_endpoint: `${base}/${tenant}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/${tenant}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/${issuerTenant}/v2.0`,
    request_uri_parameter_supported: false,
    authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/devicecode`,
    end_session_endpoint: `${base}/${tenant}/oauth2/v2.0/logout`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    tenant_region_scope: 'EU',
    cloud_instance_name: host,
    cloud_graph_host_name: host,
    msgraph_host: host,
  };
}

/** Handles the metadata paths under `/{tenant}/...`; undefined when the path is not one of them. */
export function handleDiscovery(
  base: string,
  segments: string[],
  registry: AppRegistry,
  correlationId?: string,
): SimResponse | undefined {
  const [tenant = '', ...rest] = segments;
  const path = rest.join('/').toLowerCase();
  if (tenant.toLowerCase() === 'common' && path === 'discovery/instance') {
    return {
      status: 200,
      json: {
        tenant_discovery_endpoint: `${base}/common/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [
          {
            preferred_network: base.replace(/^https?:\/\//, ''),
            preferred_cache: base.replace(/^https?:\/\//, ''),
            aliases: [base.replace(/^https?:\/\//, '')],
          },
        ],
      },
    };
  }
  const isConfig =
    path === 'v2.0/.well-known/openid-configuration' || path === '.well-known/openid-configuration';
  const isKeys = path === 'discovery/v2.0/keys' || path === 'discovery/keys';
  if (!isConfig && !isKeys) return undefined;
  if (!MULTI_TENANT_ALIASES.has(tenant.toLowerCase()) && !registry.tenantExists(tenant)) {
    const err = new EntraError(
      400,
      'invalid_tenant',
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    );
    return { status: 400, json: entraErrorBody(err, correlationId) };
  }
  // The simulator signs nothing a client must verify (access tokens are opaque), so no keys.
  if (isKeys) return { status: 200, json: { keys: [] } };
  return { status: 200, json: openIdConfiguration(base, tenant) };
}
