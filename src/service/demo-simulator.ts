import { PostroomError } from '../errors/postroom-error';
import type { ServiceDefinition } from '../config/schema';
import type { Logger } from '../observability/logger';
import { generateSampleMessages, startGraphSimulator, type GraphSimulator } from '../simulators/graph';

export type DemoSettings = NonNullable<ServiceDefinition['demo']>['graphSimulator'];

/** Fixed so that a restarted demo serves the same messages and postroom recognises them. */
const DEMO_SEED = 20_260_601;

/**
 * A received time that is the same on every start (the Date header, or a fixed day), so documents
 * land in the same folders after a restart.
 */
function receivedTime(raw: Buffer, index: number): string {
  const headerEnd = raw.indexOf('\r\n\r\n');
  const headers = raw.subarray(0, headerEnd < 0 ? raw.length : headerEnd).toString('latin1');
  const date = Date.parse(/^Date:[ \t]*(.+)$/im.exec(headers)?.[1] ?? '');
  return new Date(Number.isNaN(date) ? Date.UTC(2026, 0, 1) + index * 60_000 : date + 30_000).toISOString();
}

/**
 * The quick start's stand-in for Exchange Online: the project's Graph simulator, in-process on a
 * fixed loopback port, seeded with varied sample messages. Only started when the service
 * configuration has a `demo.graphSimulator` section.
 */
export async function startDemoSimulator(settings: DemoSettings, logger: Logger): Promise<GraphSimulator> {
  let simulator: GraphSimulator;
  try {
    simulator = await startGraphSimulator({ port: settings.port, seed: DEMO_SEED });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new PostroomError(
      'CONFIG_INVALID',
      `the demo Graph simulator cannot listen on 127.0.0.1:${settings.port} (${code}): is another postroom running? ` +
        'Change demo.graphSimulator.port in the service configuration and the demo source to match',
    );
  }
  simulator.registerApp({
    tenantId: settings.tenantId,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
  });
  simulator.addMailbox(settings.mailbox);
  simulator.ensureFolder(settings.mailbox, settings.folder);
  const messages = generateSampleMessages({ count: settings.sampleMessages, seed: DEMO_SEED });
  messages.forEach((raw, i) =>
    simulator.addMessage(settings.mailbox, settings.folder, raw, { receivedDateTime: receivedTime(raw, i) }),
  );
  logger.info('demo Graph simulator started', {
    url: simulator.url,
    mailbox: settings.mailbox,
    folder: settings.folder,
    messages: messages.length,
    addMore: `curl --data-binary @message.eml '${simulator.url}/_sim/mailboxes/${settings.mailbox}/messages?folder=${encodeURIComponent(settings.folder)}'`,
  });
  return simulator;
}
