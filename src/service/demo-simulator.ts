import type { ServiceDefinition } from '../config/schema';
import type { Logger } from '../observability/logger';
import { generateSampleMessages, startGraphSimulator, type GraphSimulator } from '../simulators/graph';

export type DemoSettings = NonNullable<ServiceDefinition['demo']>['graphSimulator'];

/** Fixed so that a restarted demo serves the same messages and postroom recognises them. */
const DEMO_SEED = 20_260_601;

/**
 * The quick start's stand-in for Exchange Online: the project's Graph simulator, in-process on a
 * fixed loopback port, seeded with varied sample messages. Only started when the service
 * configuration has a `demo.graphSimulator` section.
 */
export async function startDemoSimulator(settings: DemoSettings, logger: Logger): Promise<GraphSimulator> {
  const simulator = await startGraphSimulator({ port: settings.port });
  simulator.registerApp({ tenantId: settings.tenantId, clientId: settings.clientId, clientSecret: settings.clientSecret });
  simulator.addMailbox(settings.mailbox);
  simulator.ensureFolder(settings.mailbox, settings.folder);
  const messages = generateSampleMessages({ count: settings.sampleMessages, seed: DEMO_SEED });
  for (const raw of messages) simulator.addMessage(settings.mailbox, settings.folder, raw);
  logger.info('demo Graph simulator started', {
    url: simulator.url,
    mailbox: settings.mailbox,
    folder: settings.folder,
    messages: messages.length,
    addMore: `curl --data-binary @message.eml '${simulator.url}/_sim/mailboxes/${settings.mailbox}/messages?folder=${encodeURIComponent(settings.folder)}'`,
  });
  return simulator;
}
