import { z } from 'zod';

/** The port OpenTelemetry's Prometheus exporter uses too; free on most hosts. */
export const DEFAULT_HTTP_PORT = 9464;

/**
 * `http:` in the service file: the listener for health checks, metrics and the queue dashboard.
 * `dashboardToken` is a secret reference (literal, `${env:…}`, `${file:…}`), resolved when the
 * listener starts; without it the dashboard stays off.
 */
export const httpSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    host: z.string().min(1).default('127.0.0.1'),
    /** 0 picks a free port (tests); the port bound is logged. */
    port: z.number().int().min(0).max(65535).default(DEFAULT_HTTP_PORT),
    dashboardToken: z.string().min(1).optional(),
  })
  .default({ enabled: true, host: '127.0.0.1', port: DEFAULT_HTTP_PORT });

export type HttpSettings = z.infer<typeof httpSchema>;

/** `secretExpires` of a source: the date the app registration shows for its client secret. */
export const secretExpiresSchema = z.iso.date({ error: 'must be a date such as 2027-06-30 (YYYY-MM-DD)' });
