import { basename } from 'node:path';
import { isLoopbackHost } from '../../config/loopback';
import { resolveSecret } from '../../config/secret';
import { PostroomError, errorMessage } from '../../errors/postroom-error';
import type { Logger } from '../../observability/logger';
import { enforceTlsPolicy } from '../../service/tls-policy';
import type { DeliveryKey, DocumentRef, DocumentSink, DocumentToDeliver } from '../document-sink';
import { deliveryKeyValue, isPartKey } from './delivery-key';
import { bracedGuid, serverRoot, type MFilesBackendDefinition } from './mfiles-config';
import { MFilesClient, type MfwsSession } from './mfiles-client';
import {
  BuiltInProperty,
  DataType,
  type ObjectVersion,
  type PropertyValue,
  type Results,
  type UploadInfo,
} from './mfws-types';
import { fileParts, planObject, type ObjectPlan, type PlanSettings } from './object-plan';
import { VaultMetadata, type PropertyInfo } from './vault-metadata';

/** Message-ID hits whose key is read to tell attachment documents apart; more would be a vault problem. */
const MAX_HITS_INSPECTED = 5;

export interface MFilesSinkDeps {
  logger: Logger;
}

function lowestId(items: ObjectVersion[]): ObjectVersion | undefined {
  return [...items].sort((a, b) => a.ObjVer.ID - b.ObjVer.ID)[0];
}

/**
 * Delivers documents into an M-Files vault through the M-Files Web Service: each file uploaded,
 * then one object created with class, title, Single file, Message-ID, delivery key and the mapped
 * properties converted to the vault's data types.
 *
 * "Already delivered?" is answered by the vault: a search on the key property (every document
 * postroom creates carries `postroom:<hash>[#part]`) and, for a message's own document, on the
 * Message-ID property, which also finds the same mail delivered from another source or imported by
 * M-Files itself. Deliveries of one key within this process are joined; two processes racing past
 * the check both create, and the later object deletes itself in favour of the lower id.
 */
export class MFilesSink implements DocumentSink {
  #settings: Promise<PlanSettings> | undefined;
  readonly #inflight = new Map<string, Promise<DocumentRef>>();

  constructor(
    readonly name: string,
    private readonly definition: MFilesBackendDefinition,
    private readonly client: MFilesClient,
    private readonly metadata: VaultMetadata,
    private readonly logger: Logger,
  ) {
    if (definition.keyProperty === undefined) {
      logger.warn(
        `backends.${name}: no keyProperty configured; documents are found again only by Message-ID, so ` +
          'per-attachment documents and mail without a Message-ID may be imported twice after a lost ledger',
      );
    }
  }

  async find(key: DeliveryKey): Promise<DocumentRef | null> {
    const settings = await this.#resolveSettings();
    if (!settings.keyProperty) return null;
    const property = settings.keyProperty;
    const hit = await this.client.run(async (api) =>
      lowestId(await this.#search(api, property, deliveryKeyValue(key))),
    );
    return hit ? this.#ref(hit) : null;
  }

  async deliver(document: DocumentToDeliver): Promise<DocumentRef> {
    if (document.files.length === 0) {
      throw new PostroomError(
        'SINK_WRITE_FAILED',
        `source ${document.key.sourceId}: a document without files`,
      );
    }
    for (const file of document.files) {
      if (file.name !== basename(file.name) || file.name.includes('\\') || file.name.trim() === '') {
        throw new PostroomError(
          'SINK_WRITE_FAILED',
          `refusing file name ${JSON.stringify(file.name)}: not a plain file name`,
        );
      }
    }
    const settings = await this.#resolveSettings();
    const plan = await planObject(document, settings, this.metadata);
    const lock = deliveryKeyValue(document.key);
    const running = this.#inflight.get(lock);
    if (running) return running;
    const delivery = this.#deliver(document, plan, settings).finally(() => this.#inflight.delete(lock));
    this.#inflight.set(lock, delivery);
    return delivery;
  }

  async #deliver(
    document: DocumentToDeliver,
    plan: ObjectPlan,
    settings: PlanSettings,
  ): Promise<DocumentRef> {
    const log = this.logger.child({ sourceId: document.key.sourceId, messageId: document.key.messageId });
    const existing = await this.client.run((api) => this.#existing(api, plan, settings));
    if (existing) {
      log.info('document already in M-Files', {
        document: this.#ref(existing.object).ref,
        by: existing.by,
      });
      return this.#ref(existing.object);
    }
    if (plan.notes.length > 0) log.warn('values changed to fit M-Files', { notes: plan.notes });

    const created = await this.client.run((api) => this.#create(api, document, plan));
    log.debug('M-Files object created', {
      document: this.#ref(created).ref,
      class: plan.cls.name,
    });
    return this.#ref(await this.#settleRace(created, plan, settings, log));
  }

  /** The object already holding this document: by delivery key, else (message documents) by Message-ID. */
  async #existing(
    api: MfwsSession,
    plan: ObjectPlan,
    settings: PlanSettings,
  ): Promise<{ object: ObjectVersion; by: string } | undefined> {
    if (plan.keyValue !== undefined && settings.keyProperty) {
      const hit = lowestId(await this.#search(api, settings.keyProperty, plan.keyValue));
      if (hit) return { object: hit, by: 'delivery key' };
    }
    if (plan.messageIdValue === undefined) return undefined;
    const hits = await this.#search(api, settings.messageIdProperty, plan.messageIdValue);
    const candidates: ObjectVersion[] = [];
    for (const hit of hits.sort((a, b) => a.ObjVer.ID - b.ObjVer.ID).slice(0, MAX_HITS_INSPECTED)) {
      // A per-attachment document may carry its parent's Message-ID; it is not the message's document.
      if (settings.keyProperty && isPartKey(await this.#propertyOf(api, hit, settings.keyProperty.id)))
        continue;
      candidates.push(hit);
    }
    const hit = lowestId(candidates);
    return hit ? { object: hit, by: 'Message-ID' } : undefined;
  }

  async #create(api: MfwsSession, document: DocumentToDeliver, plan: ObjectPlan): Promise<ObjectVersion> {
    const files: UploadInfo[] = [];
    for (const file of document.files) {
      const uploaded = await api.upload(file);
      if (
        uploaded.sha256 !== file.sha256 ||
        uploaded.size !== file.size ||
        uploaded.info.Size !== file.size
      ) {
        throw new PostroomError(
          'SINK_WRITE_FAILED',
          `${file.name} changed since it was spooled (sent ${uploaded.size} bytes, sha256 ${uploaded.sha256}; ` +
            `expected ${file.size} bytes, sha256 ${file.sha256}; M-Files received ${uploaded.info.Size})`,
        );
      }
      const { title, extension } = fileParts(file.name);
      files.push({
        UploadID: uploaded.info.UploadID,
        Title: title,
        Extension: extension,
        Size: uploaded.size,
      });
    }
    const singleFile: PropertyValue = {
      PropertyDef: BuiltInProperty.SingleFile,
      TypedValue: { DataType: DataType.Boolean, Value: files.length === 1 },
    };
    return api.post<ObjectVersion>(`/objects/${this.definition.objectType}`, {
      PropertyValues: [...plan.propertyValues, singleFile],
      Files: files,
    });
  }

  /**
   * Another process may have created the same document between our check and our creation. The
   * lowest id stands; a later duplicate of ours is marked deleted (recoverable, never destroyed).
   */
  async #settleRace(
    created: ObjectVersion,
    plan: ObjectPlan,
    settings: PlanSettings,
    log: Logger,
  ): Promise<ObjectVersion> {
    if (plan.keyValue === undefined || !settings.keyProperty) return created;
    const property = settings.keyProperty;
    try {
      const hits = await this.client.run((api) => this.#search(api, property, plan.keyValue!));
      const winner = lowestId(hits);
      if (!winner || winner.ObjVer.ID === created.ObjVer.ID) return created;
      await this.client.run((api) =>
        api.put(`/objects/${created.ObjVer.Type}/${created.ObjVer.ID}/deleted`, { Value: true }),
      );
      log.warn('a concurrent delivery created the same document first; deleted ours', {
        kept: this.#ref(winner).ref,
        deleted: this.#ref(created).ref,
      });
      return winner;
    } catch (err) {
      log.warn('could not check M-Files for a concurrent duplicate', {
        error: errorMessage(err),
      });
      return created;
    }
  }

  /** Live objects of the configured type whose property equals the value. */
  async #search(api: MfwsSession, property: PropertyInfo, value: string): Promise<ObjectVersion[]> {
    const results = await api.get<Results<ObjectVersion>>('/objects', {
      o: String(this.definition.objectType),
      [`p${property.id}`]: value,
    });
    return results.Items.filter((o) => !o.Deleted);
  }

  async #propertyOf(api: MfwsSession, object: ObjectVersion, property: number): Promise<unknown> {
    const values = await api.get<PropertyValue[]>(
      `/objects/${object.ObjVer.Type}/${object.ObjVer.ID}/latest/properties`,
    );
    return values.find((v) => v.PropertyDef === property)?.TypedValue.Value;
  }

  #ref(object: ObjectVersion): DocumentRef {
    return { backend: this.name, ref: `${object.ObjVer.Type}-${object.ObjVer.ID}` };
  }

  /** The Message-ID and key properties, checked once against the vault (not cached when that fails). */
  #resolveSettings(): Promise<PlanSettings> {
    this.#settings ??= this.#loadSettings().catch((err: unknown) => {
      this.#settings = undefined;
      throw err;
    });
    return this.#settings;
  }

  async #loadSettings(): Promise<PlanSettings> {
    const { definition } = this;
    const textProperty = async (
      ref: string | number,
      key: string,
      types: number[],
    ): Promise<PropertyInfo> => {
      const property = await this.metadata.findProperty(ref);
      if (!property) {
        throw new PostroomError(
          'CONFIG_INVALID',
          `backends.${this.name}.${key}: the M-Files vault has no property ${JSON.stringify(ref)}`,
        );
      }
      if (!types.includes(property.dataType)) {
        throw new PostroomError(
          'CONFIG_INVALID',
          `backends.${this.name}.${key}: property "${property.name}" (${property.id}) must be a ${types.length > 1 ? 'text' : 'single-line text'} property`,
        );
      }
      return property;
    };
    return {
      backendName: this.name,
      objectType: definition.objectType,
      defaultClass: definition.defaultClass,
      messageIdProperty: await textProperty(definition.messageIdProperty, 'messageIdProperty', [
        DataType.Text,
        DataType.MultiLineText,
      ]),
      // Single-line only: searchable by equality and within the 100 characters the key is built for.
      keyProperty:
        definition.keyProperty === undefined
          ? undefined
          : await textProperty(definition.keyProperty, 'keyProperty', [DataType.Text]),
      timeZone: definition.timeZone,
    };
  }
}

/**
 * The M-Files backend. Refuses plain http:// to anything but this machine, pins TLS 1.2+ for
 * https://, and resolves the password reference now so a missing secret stops the start-up.
 */
export function createMFilesSink(
  name: string,
  definition: MFilesBackendDefinition,
  deps: MFilesSinkDeps,
): DocumentSink {
  const root = serverRoot(definition.url);
  const url = new URL(root);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new PostroomError(
      'CONFIG_INVALID',
      `backends.${name}.url: must use https:// (plain http:// is accepted for loopback addresses only)`,
    );
  }
  enforceTlsPolicy();
  const password = resolveSecret(definition.password, `backends.${name}.password`);
  const logger = deps.logger.child({ component: 'mfiles', backend: name });
  const client = new MFilesClient({
    root,
    vaultGuid: bracedGuid(definition.vault),
    username: definition.username,
    password,
    legacyAspx: definition.legacyAspx,
    idleTimeoutMs: definition.requestTimeoutSeconds * 1000,
    logger,
  });
  return new MFilesSink(name, definition, client, new VaultMetadata(client), logger);
}
