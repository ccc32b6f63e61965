import type { Express } from 'express';
import type { ReadinessProbe } from './readiness';

/**
 * /healthz answers while the process runs (a liveness probe restarts it only when it hangs);
 * /readyz answers 200 only when Redis and every enabled source are well, 503 naming what fails.
 */
export function mountHealthRoutes(app: Express, probe: ReadinessProbe, startedAt: number): void {
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) });
  });

  app.get('/readyz', async (_req, res) => {
    const readiness = await probe.check();
    const failing = readiness.checks.filter((c) => !c.ok).map((c) => c.name);
    res
      .status(readiness.ready ? 200 : 503)
      .json({ status: readiness.ready ? 'ready' : 'not ready', failing, checks: readiness.checks });
  });
}
