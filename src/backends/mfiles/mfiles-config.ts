import { z } from 'zod';
import { secureUrl } from '../../config/secure-url';

const GUID = /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i;

/** As for Graph: long enough for a slow server, short enough to notice a dead connection. */
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 100;

/** A property definition or class: its id, or its name as shown in M-Files Admin. */
const idOrName = z.union([z.number().int().min(0), z.string().trim().min(1, 'must be an id or a name')]);

/** https://, or plain http:// to this machine only (where the simulator listens). */
const serverUrl = secureUrl('https://mfiles.example.com');

const timeZone = z.string().refine((value) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Europe/Berlin');

export const mfilesBackendSchema = z.strictObject({
  type: z.literal('mfiles'),
  /** The M-Files server (M-Files Web Service is under `<url>/REST`); a trailing `/REST` is accepted. */
  url: serverUrl,
  /** The vault's GUID, with or without braces. */
  vault: z.string().regex(GUID, 'must be the vault GUID such as {00000000-0000-0000-0000-000000000000}'),
  username: z.string().min(1),
  /** A literal, `${env:NAME}` or `${file:/path}`. */
  password: z.string().min(1),
  /** 0 = Document. */
  objectType: z.number().int().min(0).default(0),
  /** Class when the mapping names none: id or name. 1 = "Other document". */
  defaultClass: idOrName.default(1),
  /** Text property that receives the Internet Message-ID; 83 is M-Files' built-in MessageID. */
  messageIdProperty: idOrName.default(83),
  /**
   * Text property that receives postroom's delivery key (`postroom:<hash>[#part]`), so that
   * "already delivered?" has an answer from the vault itself for every document, attachment
   * documents and mail without a Message-ID included. Strongly recommended.
   */
  keyProperty: idOrName.optional(),
  /** Old IIS set-ups: `.aspx` on every path, PUT as `POST …?_method=PUT`. */
  legacyAspx: z.boolean().default(false),
  /** A request with no response (or upload progress) for this long is abandoned and retried later. */
  requestTimeoutSeconds: z.number().min(1).max(3600).default(DEFAULT_REQUEST_TIMEOUT_SECONDS),
  /** Date and Time properties take the calendar day and clock time in this zone. */
  timeZone: timeZone.default('UTC'),
});

export type MFilesBackendDefinition = z.infer<typeof mfilesBackendSchema>;
/** What a YAML file may leave out (defaults applied by the schema). */
export type MFilesBackendInput = z.input<typeof mfilesBackendSchema>;

/** The server root without trailing slashes or `/REST`. */
export function serverRoot(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/REST$/i, '');
}

/** The form M-Files expects in VaultGuid: upper case in braces. */
export function bracedGuid(vault: string): string {
  return `{${vault.replace(/^\{|\}$/g, '').toUpperCase()}}`;
}
