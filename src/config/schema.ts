import { z } from 'zod';
import { validateDetailed } from 'node-cron';
import { mfilesBackendSchema } from '../backends/mfiles/mfiles-config';
import { paperlessBackendSchema } from '../backends/paperless/paperless-schema';
import { sharepointBackendSchema } from '../backends/sharepoint/sharepoint-schema';
import { GUID, appCredentialFields, guid } from './app-credential-fields';
import { exactlyOneCredential } from './credential-rule';
import { httpSchema, secretExpiresSchema } from './http-schema';
import { afterImportSchema } from '../actions/after-import-schema';
import { filtersSchema, metadataSchema } from '../mapping/mapping-schema';

export const DEFAULT_SCHEDULE = '*/5 * * * *';

const cron = z.string().superRefine((value, ctx) => {
  const result = validateDetailed(value);
  if (!result.valid) {
    const detail = result.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    ctx.addIssue({ code: 'custom', message: `is not a valid cron expression (${detail || value})` });
  }
});

export const sourceSchema = z
  .strictObject({
    id: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9_-]{0,62}$/i,
        'must be 1-63 letters, digits, "-" or "_", starting with a letter or digit',
      ),
    type: z.literal('exchange-online').default('exchange-online'),
    enabled: z.boolean().default(true),
    schedule: cron.default(DEFAULT_SCHEDULE),
    ...appCredentialFields,
    secretExpires: secretExpiresSchema.optional(),
    mailbox: z
      .string()
      .refine(
        (v) => GUID.test(v) || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v),
        'must be a user principal name or a user id',
      ),
    folder: z
      .string()
      .min(1)
      .refine(
        (v) => v.split('/').every((segment) => segment.trim() !== ''),
        'must be a path like Inbox/Invoices',
      )
      .default('Inbox'),
    format: z.enum(['eml', 'msg']).default('eml'),
    /** embedded: inside the message file; separate: one multi-file document; documents: one each. */
    attachments: z.enum(['embedded', 'separate', 'documents']).default('embedded'),
    inline: z
      .strictObject({
        mode: z.enum(['keep', 'skip-images']).default('skip-images'),
        /** Images referenced by cid: and smaller than this are signature logos, not documents. */
        maxImageKB: z.number().min(0).max(100_000).default(20),
      })
      .default({ mode: 'skip-images', maxImageKB: 20 }),
    /** How deep attached messages are unpacked with `separate` / `documents`. */
    nestedDepth: z.number().int().min(0).max(10).default(2),
    backend: z.string().min(1),
    pageSize: z.number().int().min(1).max(1000).default(100),
    metadata: metadataSchema.optional(),
    filters: filtersSchema.optional(),
    afterImport: afterImportSchema,
  })
  .superRefine(exactlyOneCredential);

export type SourceDefinition = z.infer<typeof sourceSchema>;

const folderBackendSchema = z.strictObject({
  type: z.literal('folder'),
  /** Default: `<directories.data>/documents`. */
  root: z.string().min(1).optional(),
});

export const backendSchema = z.discriminatedUnion('type', [
  folderBackendSchema,
  mfilesBackendSchema,
  paperlessBackendSchema,
  sharepointBackendSchema,
]);
export type BackendDefinition = z.infer<typeof backendSchema>;

export const serviceSchema = z.strictObject({
  redis: z
    .strictObject({ url: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL') })
    .default({
      url: 'redis://127.0.0.1:6379',
    }),
  queuePrefix: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_.-]*$/i, 'must be letters, digits, ".", "-" or "_"')
    .default('postroom'),
  workers: z
    .strictObject({
      pollConcurrency: z.number().int().min(1).max(64).default(2),
      ingestConcurrency: z.number().int().min(1).max(256).default(4),
      ingestAttempts: z.number().int().min(1).max(100).default(8),
      retryDelaySeconds: z.number().min(0.01).max(3600).default(30),
    })
    .default({ pollConcurrency: 2, ingestConcurrency: 4, ingestAttempts: 8, retryDelaySeconds: 30 }),
  graph: z
    .strictObject({
      maxConcurrentPerMailbox: z.number().int().min(1).max(16).default(4),
      maxRetryAfterSeconds: z.number().min(1).max(3600).default(120),
      requestAttempts: z.number().int().min(1).max(20).default(6),
      idleTimeoutSeconds: z.number().min(0.1).max(3600).default(100),
      requestBudget: z
        .strictObject({
          requests: z.number().int().min(10).max(10_000_000).default(10_000),
          windowSeconds: z.number().min(1).max(86_400).default(600),
          burst: z.number().int().min(0).max(10_000).default(100),
        })
        .refine((b) => b.burst < b.requests, { message: 'must be smaller than requests', path: ['burst'] })
        .default({ requests: 10_000, windowSeconds: 600, burst: 100 }),
    })
    .default({
      maxConcurrentPerMailbox: 4,
      maxRetryAfterSeconds: 120,
      requestAttempts: 6,
      idleTimeoutSeconds: 100,
      requestBudget: { requests: 10_000, windowSeconds: 600, burst: 100 },
    }),
  directories: z
    .strictObject({ spool: z.string().default('./data/spool'), data: z.string().default('./data') })
    .default({ spool: './data/spool', data: './data' }),
  log: z
    .strictObject({
      level: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
      /** JSON lines also go to daily files: postroom-YYYY-MM-DD.log, kept for `keepDays`. */
      files: z
        .strictObject({
          enabled: z.boolean().default(true),
          /** Default: `<directories.data>/logs`. */
          dir: z.string().min(1).optional(),
          keepDays: z.number().int().min(1).max(3650).default(14),
          /** A day's file is also cut when it reaches this size (it continues in a numbered file). */
          maxSizeMB: z.number().int().min(1).max(100_000).default(100),
          compress: z.boolean().default(false),
        })
        .default({ enabled: true, keepDays: 14, maxSizeMB: 100, compress: false }),
    })
    .default({ level: 'info', files: { enabled: true, keepDays: 14, maxSizeMB: 100, compress: false } }),
  sourcesDir: z.string().default('sources'),
  /** How long a stop waits for jobs in hand before exiting anyway (they are then retried). */
  shutdownTimeoutSeconds: z.number().min(1).max(3600).default(30),
  http: httpSchema,
  backends: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i), backendSchema),
  demo: z
    .strictObject({
      graphSimulator: z.strictObject({
        port: z.number().int().min(1).max(65535),
        sampleMessages: z.number().int().min(0).max(10_000).default(36),
        mailbox: z.string(),
        folder: z.string().default('Inbox'),
        tenantId: guid,
        clientId: guid,
        clientSecret: z.string().min(1),
      }),
    })
    .optional(),
});

export type ServiceDefinition = z.infer<typeof serviceSchema>;
