import type { Readable } from 'node:stream';
import type { Source } from '../../config/load-config';
import { PostroomError } from '../../errors/postroom-error';
import type { Logger } from '../../observability/logger';
import type {
  ActionHints,
  ActionOutcome,
  ChangePage,
  ChangesOptions,
  MailAddress,
  MailboxAction,
  MailSource,
  MessageSummary,
} from '../mail-source';
import { resolveFolder } from './folder-resolver';
import { GraphActions } from './graph-actions';
import { GraphApi } from './graph-api';
import { gateFor, type GateSettings, type MailboxGate } from './mailbox-gate';
import { tokenProviderFor } from './token-provider';

/** Everything the ingest needs comes from the delta pages, so no per-message JSON request is made. */
const SELECT = [
  'id',
  'internetMessageId',
  'subject',
  'from',
  'toRecipients',
  'ccRecipients',
  'sentDateTime',
  'receivedDateTime',
  'hasAttachments',
  'conversationId',
  'categories',
  'importance',
].join(',');

const UNKNOWN_RECEIVED = '1970-01-01T00:00:00Z';

interface GraphRecipient {
  emailAddress?: { name?: string; address?: string };
}

interface GraphMessage {
  id: string;
  '@removed'?: { reason?: string };
  internetMessageId?: string;
  subject?: string;
  from?: GraphRecipient;
  toRecipients?: GraphRecipient[];
  ccRecipients?: GraphRecipient[];
  sentDateTime?: string;
  receivedDateTime?: string;
  hasAttachments?: boolean;
  conversationId?: string;
  categories?: string[];
  importance?: string;
}

interface DeltaPage {
  value: GraphMessage[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

/** What postroom stores between rounds. The folder id saves resolving the path on every poll. */
interface GraphCheckpoint {
  mailbox: string;
  folder: string;
  folderId: string;
  deltaLink: string;
}

function address(r: GraphRecipient | undefined): MailAddress | undefined {
  if (!r?.emailAddress) return undefined;
  return { name: r.emailAddress.name, address: r.emailAddress.address };
}

function summarise(m: GraphMessage): MessageSummary {
  return {
    id: m.id,
    internetMessageId: m.internetMessageId,
    subject: m.subject,
    from: address(m.from),
    to: (m.toRecipients ?? []).map(address).filter((a): a is MailAddress => a !== undefined),
    cc: (m.ccRecipients ?? []).map(address).filter((a): a is MailAddress => a !== undefined),
    sentDateTime: m.sentDateTime,
    // Graph always sends it for messages. The fallback must be the same on every round: backends
    // may file by it, and a moving value would file the same message twice.
    receivedDateTime: m.receivedDateTime ?? m.sentDateTime ?? UNKNOWN_RECEIVED,
    hasAttachments: m.hasAttachments,
    conversationId: m.conversationId,
    categories: m.categories ?? [],
    importance: importanceOf(m.importance),
  };
}

function importanceOf(value: string | undefined): MessageSummary['importance'] {
  const lower = value?.toLowerCase();
  return lower === 'low' || lower === 'normal' || lower === 'high' ? lower : undefined;
}

export interface GraphMailSourceOptions {
  /** Where the per-mailbox limits are shared, and what they are. */
  gate: GateSettings;
  maxRetryAfterMs: number;
  requestAttempts: number;
  idleTimeoutMs: number;
  logger: Logger;
}

/** MailSource over Microsoft Graph delta queries for one mailbox folder. */
export class GraphMailSource implements MailSource {
  readonly sourceId: string;
  readonly #api: GraphApi;
  readonly #gate: MailboxGate;
  readonly #source: Source;
  readonly #actions: GraphActions;

  constructor(source: Source, options: GraphMailSourceOptions) {
    const def = source.definition;
    this.sourceId = def.id;
    this.#source = source;
    this.#gate = gateFor(source.graphEndpoint, def.clientId, def.mailbox, options.gate);
    this.#api = new GraphApi({
      graphEndpoint: source.graphEndpoint,
      tokens: tokenProviderFor({
        tenantId: def.tenantId,
        clientId: def.clientId,
        credential: source.credential,
        authorityHost: source.authorityHost,
        graphEndpoint: source.graphEndpoint,
      }),
      gate: this.#gate,
      maxRetryAfterMs: options.maxRetryAfterMs,
      requestAttempts: options.requestAttempts,
      idleTimeoutMs: options.idleTimeoutMs,
      logger: options.logger,
      metricLabels: { sourceId: def.id, mailbox: def.mailbox },
    });
    this.#actions = new GraphActions(this.#api, def.mailbox);
  }

  #parseCheckpoint(checkpoint: string | null): GraphCheckpoint | null {
    if (!checkpoint) return null;
    try {
      const parsed = JSON.parse(checkpoint) as GraphCheckpoint;
      const { mailbox, folder } = this.#source.definition;
      // A source pointed at another mailbox or folder starts over rather than reuse a foreign link.
      if (parsed.mailbox.toLowerCase() !== mailbox.toLowerCase() || parsed.folder !== folder) return null;
      return parsed;
    } catch {
      return null;
    }
  }

  async changes(
    checkpoint: string | null,
    onPage: (page: ChangePage) => Promise<void>,
    options: ChangesOptions = {},
  ): Promise<string> {
    const { mailbox, folder, pageSize } = this.#source.definition;
    const previous = this.#parseCheckpoint(checkpoint);
    const folderId = previous?.folderId ?? (await resolveFolder(this.#api, mailbox, folder));
    // Delta accepts one filter on messages: receivedDateTime ge|gt (GRAPH.md).
    const since = options.receivedSince
      ? `&$filter=receivedDateTime ge ${new Date(options.receivedSince).toISOString()}`
      : '';
    let url =
      previous?.deltaLink ??
      `/users/${encodeURIComponent(mailbox)}/mailFolders/${encodeURIComponent(folderId)}/messages/delta?$select=${SELECT}${since}`;
    const headers = { Prefer: `odata.maxpagesize=${pageSize}` };
    for (let first = true; ; first = false) {
      const page = await this.#api.getJson<DeltaPage>(url, headers).catch((err: unknown) => {
        // The stored link's folder was deleted (and maybe recreated under the same path): start over.
        if (first && previous && err instanceof PostroomError && err.upstreamCode === 'ErrorItemNotFound') {
          throw new PostroomError(
            'SYNC_STATE_EXPIRED',
            `the folder of the stored delta link is gone: ${err.message}`,
            {
              cause: err,
            },
          );
        }
        throw err;
      });
      const messages: MessageSummary[] = [];
      const removed: string[] = [];
      for (const item of page.value ?? []) {
        if (item['@removed']) removed.push(item.id);
        else messages.push(summarise(item));
      }
      await onPage({ messages, removed });
      if (page['@odata.nextLink']) {
        url = page['@odata.nextLink'];
      } else if (page['@odata.deltaLink']) {
        const next: GraphCheckpoint = { mailbox, folder, folderId, deltaLink: page['@odata.deltaLink'] };
        return JSON.stringify(next);
      } else {
        throw new PostroomError(
          'GRAPH_UNEXPECTED',
          'a delta page carried neither a nextLink nor a deltaLink',
        );
      }
    }
  }

  download(messageId: string, consume: (mime: Readable) => Promise<void>): Promise<void> {
    const { mailbox } = this.#source.definition;
    // The folder-scoped $value path answers 405: use the mailbox-wide one.
    return this.#api.download(
      `/users/${encodeURIComponent(mailbox)}/messages/${encodeURIComponent(messageId)}/$value`,
      consume,
    );
  }

  /** Needs the application permission Mail.ReadWrite; with Mail.Read alone Graph answers 403. */
  applyAction(messageId: string, action: MailboxAction, hints?: ActionHints): Promise<ActionOutcome> {
    return this.#actions.apply(messageId, action, hints);
  }

  remainingBudget(): Promise<number> {
    return this.#gate.budgetRemaining();
  }
}
