import { z } from 'zod';
import { CLOUD_NAMES } from './clouds';
import { secureUrl } from './secure-url';

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** Tenants that name no directory: client-credential tokens need a real tenant. */
const MULTI_TENANT_ALIASES = new Set(['common', 'organizations', 'consumers']);

/**
 * Endpoint overrides must use HTTPS (TLS 1.2+); plain HTTP is allowed for loopback only, which is
 * where the project's own simulators listen.
 */
export const endpointUrl = secureUrl('https://login.microsoftonline.com');

export const guid = z.string().regex(GUID, 'must be a GUID such as 00000000-0000-0000-0000-000000000000');

/**
 * The app registration fields every definition with app credentials carries (sources, the
 * SharePoint backend); pair them with `exactlyOneCredential`.
 */
export const appCredentialFields = {
  tenantId: z.string().superRefine((value, ctx) => {
    if (MULTI_TENANT_ALIASES.has(value.toLowerCase())) {
      ctx.addIssue({
        code: 'custom',
        message: `"${value}" is not allowed for app-only access: use the tenant id`,
      });
    } else if (!GUID.test(value) && !DOMAIN.test(value)) {
      ctx.addIssue({
        code: 'custom',
        message:
          'must be a GUID (the directory/tenant id) or a verified domain such as contoso.onmicrosoft.com',
      });
    }
  }),
  clientId: guid,
  clientSecret: z.string().min(1).optional(),
  clientCertificate: z.string().min(1).optional(),
  cloud: z.enum(CLOUD_NAMES).default('global'),
  authorityHost: endpointUrl.optional(),
  graphEndpoint: endpointUrl.optional(),
};
