import { z } from 'zod';
import { exactlyOneCredential } from '../../config/credential-rule';
import { appCredentialFields } from '../../config/app-credential-fields';

const KIB = 1024;
const MIB = 1024 * KIB;
/** Upload-session fragments must be multiples of 320 KiB (Graph docs). */
export const FRAGMENT_UNIT_BYTES = 320 * KIB;
/** …and each under 60 MiB: the largest multiple of 320 KiB below that. */
const MAX_CHUNK_BYTES = Math.floor((60 * MIB - 1) / FRAGMENT_UNIT_BYTES) * FRAGMENT_UNIT_BYTES;
/** Graph's documented cap for a simple upload; older docs said 4 MB, hence the default below. */
const MAX_SIMPLE_UPLOAD_BYTES = 250 * MIB;

/** Placeholders a folder template may use: all come from the delivery key, so paths stay stable. */
export const FOLDER_PLACEHOLDERS = ['source', 'yyyy', 'mm', 'dd'] as const;
/** Characters SharePoint refuses in folder names. */
const INVALID_NAME_CHARS = /["*:<>?\\|]/;

const folderTemplate = z.string().superRefine((value, ctx) => {
  for (const [, name] of value.matchAll(/\{([^}]*)\}/g)) {
    if (!(FOLDER_PLACEHOLDERS as readonly string[]).includes(name!)) {
      ctx.addIssue({
        code: 'custom',
        message: `{${name}} is not a placeholder; use ${FOLDER_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`,
      });
    }
  }
  const segments = value.split('/').filter((s) => s !== '');
  if (segments.some((s) => s !== s.trim() || s.endsWith('.') || INVALID_NAME_CHARS.test(s))) {
    ctx.addIssue({
      code: 'custom',
      message:
        'folder names may not contain " * : < > ? \\ | nor start or end with a space or end with a dot',
    });
  }
});

// The app credential and cloud settings follow the rules of a source definition.
const { tenantId, clientId, clientSecret, clientCertificate, cloud, authorityHost, graphEndpoint } =
  appCredentialFields;

export const sharepointBackendSchema = z
  .strictObject({
    type: z.literal('sharepoint'),
    tenantId,
    clientId,
    clientSecret,
    clientCertificate,
    cloud,
    authorityHost,
    graphEndpoint,
    /** hostname:/server-relative-path of the site, e.g. contoso.sharepoint.com:/sites/Finance. */
    site: z
      .string()
      .regex(
        /^[a-z0-9.-]+\.[a-z]{2,}:\/\S.*$/i,
        'must be hostname:/path such as contoso.sharepoint.com:/sites/Finance',
      ),
    /** The document library's name as Graph lists it (the default library is "Documents"). */
    library: z.string().min(1).default('Documents'),
    /** Where documents go inside the library; placeholders come from the message's receive time. */
    folder: folderTemplate.default('postroom/{source}/{yyyy}/{mm}'),
    /** Where the small index files live that let `find` answer from SharePoint alone. */
    indexFolder: folderTemplate.default('postroom/_index'),
    /** Files up to this size go in one PUT; larger ones through an upload session. */
    simpleUploadLimitBytes: z
      .number()
      .int()
      .min(1)
      .max(MAX_SIMPLE_UPLOAD_BYTES)
      .default(4 * MIB),
    /** Upload-session fragment size: a multiple of 320 KiB under 60 MiB. */
    chunkBytes: z
      .number()
      .int()
      .min(FRAGMENT_UNIT_BYTES)
      .max(MAX_CHUNK_BYTES)
      .refine(
        (n) => n % FRAGMENT_UNIT_BYTES === 0,
        `must be a multiple of 320 KiB (${FRAGMENT_UNIT_BYTES} bytes)`,
      )
      .default(32 * FRAGMENT_UNIT_BYTES),
    /** Tries per request against 429/5xx/connection failures before the job's own retry takes over. */
    requestAttempts: z.number().int().min(1).max(20).default(6),
    /** A Retry-After longer than this is left to the job's backoff instead of being waited out. */
    maxRetryAfterSeconds: z.number().min(1).max(3600).default(120),
    /** A request with no response, or no new body bytes, for this long is abandoned. */
    idleTimeoutSeconds: z.number().min(0.1).max(3600).default(100),
  })
  .superRefine(exactlyOneCredential);

export type SharePointBackendDefinition = z.infer<typeof sharepointBackendSchema>;
