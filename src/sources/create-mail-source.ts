import type { Redis } from 'ioredis';
import type { ResolvedService, Source } from '../config/load-config';
import type { Logger } from '../observability/logger';
import { GraphMailSource } from './graph/graph-mail-source';
import type { GateSettings } from './graph/mailbox-gate';
import type { MailSource } from './mail-source';

/** The per-mailbox limits of the service configuration, shared through `redis`. */
export function gateSettingsOf(service: ResolvedService, redis: Redis): GateSettings {
  const budget = service.graph.requestBudget;
  return {
    redis,
    prefix: service.queuePrefix,
    limit: service.graph.maxConcurrentPerMailbox,
    budget: { requests: budget.requests, windowMs: budget.windowSeconds * 1000, burst: budget.burst },
  };
}

/**
 * The one place that turns a source definition into its adapter. Every process (service, CLI)
 * builds it the same way, so the per-mailbox limits in Redis are shared by all of them.
 */
export function createMailSource(
  source: Source,
  service: ResolvedService,
  redis: Redis,
  logger: Logger,
): MailSource {
  return new GraphMailSource(source, {
    gate: gateSettingsOf(service, redis),
    maxRetryAfterMs: service.graph.maxRetryAfterSeconds * 1000,
    requestAttempts: service.graph.requestAttempts,
    idleTimeoutMs: service.graph.idleTimeoutSeconds * 1000,
    logger: logger.child({ component: 'graph', sourceId: source.definition.id }),
  });
}
