import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { resolveSecret, type Secret } from '../../config/secret';
import { PostroomError, errorMessage } from '../../errors/postroom-error';
import type { Runtime } from '../../service/runtime';
import { SourceStatusStore } from '../../state/source-status';
import { metrics } from '../metrics';
import { ClusterGauges } from './cluster-gauges';
import { DASHBOARD_PATH, mountDashboard } from './dashboard';
import { openHealthConnection } from './health-connection';
import { mountHealthRoutes } from './health-routes';
import { mountMetricsRoute } from './metrics-route';
import { ReadinessProbe } from './readiness';

/** A shorter token could be guessed; a generated one (openssl rand -hex 32) is far longer. */
const MIN_DASHBOARD_TOKEN_LENGTH = 16;

export interface HttpListener {
  /** Where it listens, e.g. http://127.0.0.1:9464. */
  url: string;
  port: number;
  close(): Promise<void>;
}

function dashboardToken(runtime: Runtime): Secret | null {
  const reference = runtime.config.service.http.dashboardToken;
  if (reference === undefined) return null;
  const token = resolveSecret(reference, `${runtime.config.file}: http.dashboardToken`);
  if (token.reveal().length < MIN_DASHBOARD_TOKEN_LENGTH) {
    throw new PostroomError(
      'CONFIG_INVALID',
      `${runtime.config.file}: http.dashboardToken: must be at least ${MIN_DASHBOARD_TOKEN_LENGTH} characters (try: openssl rand -hex 32)`,
    );
  }
  return token;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * Starts the HTTP listener of `service.http`: /healthz, /readyz, /metrics and the dashboard. A port
 * that cannot be bound (another postroom on the machine has it) is logged as an error and the
 * service runs on without it: moving mail matters more than being watched. A bad dashboard token
 * setting stops start-up like any other configuration error.
 */
export async function startHttpListener(
  runtime: Runtime,
  startedAt = Date.now(),
): Promise<HttpListener | null> {
  const settings = runtime.config.service.http;
  if (!settings.enabled) return null;
  const token = dashboardToken(runtime);
  const { logger, config } = runtime;
  for (const source of config.sources) metrics.declareSource(source.definition.id);

  const health = await openHealthConnection(config.service.redis.url);
  const status = new SourceStatusStore(health.redis, config.service.queuePrefix);
  const app = express();
  app.disable('x-powered-by');
  mountHealthRoutes(
    app,
    new ReadinessProbe(health, status, () => runtime.config.sources, startedAt),
    startedAt,
  );
  mountMetricsRoute(app, new ClusterGauges(runtime, health, status));
  await mountDashboard(app, runtime.queues, token);
  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: 'not found: try /healthz, /readyz, /metrics or /dashboard' });
  });
  // Express 5 hands rejected handlers here. The detail goes to the (redacting) log, not the client.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    logger.error('http request failed', { path: req.path, error: errorMessage(err) });
    if (!res.headersSent) res.status(500).json({ error: 'internal error' });
  });

  const server = createServer(app);
  try {
    await listen(server, settings.port, settings.host);
  } catch (err) {
    await health.close();
    logger.error('http listener not started: health, metrics and dashboard are off in this process', {
      host: settings.host,
      port: settings.port,
      code: (err as NodeJS.ErrnoException).code,
      hint: 'set http.port to a free port, or http.enabled: false',
    });
    return null;
  }
  const port = (server.address() as AddressInfo).port;
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  const url = `http://${host}:${port}`;
  logger.info('http listening', {
    url,
    endpoints: ['/healthz', '/readyz', '/metrics', ...(token ? [DASHBOARD_PATH] : [])],
  });

  return {
    url,
    port,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections (a scraper's) would hold close() open.
        server.closeAllConnections();
      });
      await health.close();
    },
  };
}
