import { z } from 'zod';
import { secureUrl } from '../../config/secure-url';

/** Paperless answers over the network: HTTPS, or plain HTTP to loopback (a local instance, the simulator). */
const paperlessUrl = secureUrl('https://paperless.example.com');

const customFieldName = z.string().min(1).max(128);

export const paperlessBackendSchema = z.strictObject({
  type: z.literal('paperless'),
  /** Base URL of the Paperless-ngx instance, with its sub-path if it has one (https://host/paperless). */
  url: paperlessUrl,
  /** API token: `${env:NAME}`, `${file:/path}` or a literal. */
  token: z.string().min(1),
  /** String custom field that receives the mail's Message-ID (the parent's, for attachment documents). */
  messageIdField: customFieldName.default('Message-ID'),
  /** String custom field that receives postroom's delivery key: how `find` recognises a document. */
  keyField: customFieldName.default('Postroom-Key'),
  /** How long to wait for Paperless to consume an upload before handing the job back for a retry. */
  taskTimeoutSeconds: z.number().min(1).max(3600).default(300),
  /** How often the consumption task is asked for its state. */
  pollIntervalMs: z.number().int().min(10).max(60_000).default(1_000),
  /** Tries per request against 429/5xx/connection failures before the job's own retry takes over. */
  requestAttempts: z.number().int().min(1).max(20).default(4),
  /** A Retry-After longer than this is left to the job's backoff instead of being waited out. */
  maxRetryAfterSeconds: z.number().min(1).max(3600).default(120),
  /** A request with no response, or no new body bytes, for this long is abandoned. */
  idleTimeoutSeconds: z.number().min(0.1).max(3600).default(100),
});

export type PaperlessBackendDefinition = z.infer<typeof paperlessBackendSchema>;
