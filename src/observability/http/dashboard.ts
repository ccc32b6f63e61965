import type { Express } from 'express';
import type { Secret } from '../../config/secret';
import type { Queues } from '../../queues/queues';
import { dashboardAuth } from './dashboard-auth';

export const DASHBOARD_PATH = '/dashboard';

/**
 * Bull Board over postroom's queues at /dashboard, behind the token; without a token the path
 * answers 404 and says how to turn it on. The board is read-only: acting on jobs there would bypass
 * the ledger and the dead-letter bookkeeping, so retries and purges stay with `postroom dlq`.
 */
export async function mountDashboard(app: Express, queues: Queues, token: Secret | null): Promise<void> {
  if (!token) {
    app.use(DASHBOARD_PATH, (_req, res) => {
      res.status(404).json({ error: 'the dashboard is off: set http.dashboardToken to turn it on' });
    });
    return;
  }
  // Bull Board and its UI are loaded only when the dashboard is on: they weigh megabytes.
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use, as above */
  const { createBullBoard } = require('@bull-board/api') as typeof import('@bull-board/api');
  const { BullMQAdapter } =
    require('@bull-board/api/bullMQAdapter') as typeof import('@bull-board/api/bullMQAdapter');
  const { ExpressAdapter } = require('@bull-board/express') as typeof import('@bull-board/express');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const board = new ExpressAdapter();
  board.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: Object.values(queues).map((queue) => new BullMQAdapter(queue, { readOnlyMode: true })),
    serverAdapter: board,
  });
  app.use(DASHBOARD_PATH, dashboardAuth(token, DASHBOARD_PATH), board.getRouter());
}
