import type { Express } from 'express';
import { Registry } from 'prom-client';
import { metrics } from '../metrics';
import type { ClusterGauges } from './cluster-gauges';

/** /metrics in Prometheus text format: this process's instruments plus the cluster's gauges. */
export function mountMetricsRoute(app: Express, cluster: ClusterGauges): void {
  metrics.enableProcessMetrics();
  const registry = Registry.merge([metrics.registry, cluster.registry]);
  app.get('/metrics', async (_req, res) => {
    await cluster.refresh();
    res.set('Content-Type', registry.contentType).send(await registry.metrics());
  });
}
