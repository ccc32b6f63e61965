/**
 * The msal-node `auth` settings that point a ConfidentialClientApplication at a simulator.
 * msal-node refuses http:// authorities, so the authority is https on the simulator's host and
 * the metadata, which msal then trusts without a discovery request, names the real (possibly
 * http) token endpoint. Spread the result into `auth` next to clientId and the credential.
 */
export function msalAuthOptions(
  simulator: { authorityHost: string },
  tenantId: string,
): { authority: string; knownAuthorities: string[]; authorityMetadata: string } {
  const base = simulator.authorityHost;
  const host = new URL(base).host;
  return {
    authority: `https://${host}/${tenantId}`,
    knownAuthorities: [host],
    authorityMetadata: JSON.stringify({
      token_endpoint: `${base}/${tenantId}/oauth2/v2.0/token`,
      authorization_endpoint: `${base}/${tenantId}/oauth2/v2.0/authorize`,
      issuer: `${base}/${tenantId}/v2.0`,
      jwks_uri: `${base}/${tenantId}/discovery/v2.0/keys`,
    }),
  };
}
