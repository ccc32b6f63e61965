import { PostroomError, errorMessage } from '../errors/postroom-error';

/** A failure told the way an administrator can act on it. */
export interface Diagnosis {
  /** What went wrong, in one line. */
  problem: string;
  /** What to do about it. */
  fix: string;
}

/** The Entra errors people actually hit when registering an app for mail access. */
const AADSTS_FIXES: Record<string, Diagnosis> = {
  AADSTS7000215: {
    problem: 'Entra rejected the client secret (AADSTS7000215).',
    fix:
      'Use the secret VALUE, not its "Secret ID": in Entra ID > App registrations > your app > ' +
      'Certificates & secrets, the Value column is shown only right after the secret is created; ' +
      'if it is hidden now, create a new secret and copy its Value.',
  },
  AADSTS7000222: {
    problem: 'The client secret has expired (AADSTS7000222).',
    fix: 'Create a new client secret, update the source definition, and set secretExpires to its end date.',
  },
  AADSTS700016: {
    problem: 'No application with this client id exists in the tenant (AADSTS700016).',
    fix:
      'Check clientId against "Application (client) ID" on the app registration\'s Overview page, and ' +
      'that tenantId names the tenant the app is registered in (or where a multi-tenant app was consented).',
  },
  AADSTS90002: {
    problem: 'The tenant does not exist (AADSTS90002).',
    fix:
      'Check tenantId against "Directory (tenant) ID" on the app registration\'s Overview page, and the ' +
      '`cloud` setting (a US Government or China tenant is not found in the global cloud).',
  },
  AADSTS700027: {
    problem: 'Entra did not accept the certificate signature (AADSTS700027).',
    fix: 'Upload this certificate (the public part of the PEM) to the app registration under Certificates & secrets.',
  },
};

/** Node's codes for certificate and handshake failures. */
const TLS_CODES =
  /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|ERR_TLS_CERT_ALTNAME_INVALID|ERR_SSL_.*|EPROTO)$/;

export function isTlsFailureCode(code: string): boolean {
  return TLS_CODES.test(code);
}

function causes(err: unknown): Array<{ code?: string; message?: string }> {
  const chain: Array<{ code?: string; message?: string }> = [];
  for (let e = err as { code?: string; message?: string; cause?: unknown } | undefined; e;) {
    chain.push(e);
    e = typeof e === 'object' ? (e.cause as typeof e) : undefined;
    if (chain.length > 8) break;
  }
  return chain;
}

function tlsCode(err: unknown): string | undefined {
  for (const e of causes(err)) {
    if (typeof e.code === 'string' && TLS_CODES.test(e.code)) return e.code;
    const inText = /\b(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|CERT_HAS_EXPIRED)\b/.exec(
      e.message ?? '',
    );
    if (inText) return inText[1];
  }
  return undefined;
}

/** Turns a failure from the token endpoint, Graph or the network into a problem and a fix. */
export function explainFailure(
  err: unknown,
  context: { mailbox?: string; clientId?: string } = {},
): Diagnosis {
  const tls = tlsCode(err);
  if (tls) {
    return {
      problem: `The TLS connection failed (${tls}): the server's certificate was not trusted or the handshake was refused.`,
      fix:
        'A proxy or firewall that inspects TLS presents its own certificate: give Node its CA with ' +
        'NODE_EXTRA_CA_CERTS=/path/to/ca.pem in the service environment. postroom requires TLS 1.2 or newer; ' +
        'a proxy offering only older versions must be reconfigured.',
    };
  }
  if (err instanceof PostroomError) {
    const known = err.upstreamCode ? AADSTS_FIXES[err.upstreamCode] : undefined;
    if (known) return known;
    if (err.code === 'GRAPH_ACCESS_DENIED') {
      return {
        problem:
          `Graph refused access to mailbox ${context.mailbox ?? ''} (403 ${err.upstreamCode ?? ''}).`.replace(
            /\s+\)/,
            ')',
          ),
        fix:
          'Grant the app the Microsoft Graph APPLICATION permission Mail.Read (Mail.ReadWrite for after-import ' +
          'actions) with admin consent. If it has them, an Exchange application access policy or RBAC for ' +
          `Applications scope excludes this mailbox: check with Test-ApplicationAccessPolicy -Identity ` +
          `${context.mailbox ?? '<mailbox>'} -AppId ${context.clientId ?? '<clientId>'} and add the mailbox to the ` +
          "policy's group.",
      };
    }
    if (
      err.code === 'GRAPH_NOT_FOUND' &&
      /ErrorInvalidUser|MailboxNotEnabledForRESTAPI/i.test(err.upstreamCode ?? '')
    ) {
      return {
        problem: `The mailbox ${context.mailbox ?? ''} was not found (${err.upstreamCode}).`,
        fix: 'Check `mailbox`: use the user principal name or object id of an Exchange Online mailbox (not an on-premises or shared-alias address).',
      };
    }
    if (err.code === 'FOLDER_NOT_FOUND') {
      return {
        problem: err.message,
        fix: 'Check `folder`: a path of display names from the mailbox root, such as Inbox/Invoices.',
      };
    }
    if (err.code === 'NETWORK' || err.code === 'AUTH_UNAVAILABLE' || err.code === 'GRAPH_UNAVAILABLE') {
      return {
        problem: err.message,
        fix: 'Check that this machine reaches login.microsoftonline.com and graph.microsoft.com on port 443 (proxy, firewall, DNS).',
      };
    }
    return {
      problem: err.message,
      fix: 'See the message above; `postroom validate` checks the definition itself.',
    };
  }
  return { problem: errorMessage(err), fix: 'Unexpected: run with log level debug and report the output.' };
}
