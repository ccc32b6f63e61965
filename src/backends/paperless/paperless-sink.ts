import { openAsBlob } from 'node:fs';
import { resolveSecret } from '../../config/secret';
import { PostroomError } from '../../errors/postroom-error';
import type { Logger } from '../../observability/logger';
import { deliveryKeyDigest } from '../delivery-key-digest';
import type { DeliveryKey, DocumentRef, DocumentSink, DocumentToDeliver } from '../document-sink';
import { PaperlessClient, PaperlessRejection, type Page } from './paperless-client';
import { PaperlessLookups } from './paperless-lookups';
import type { PaperlessBackendDefinition } from './paperless-schema';
import { waitForTask } from './paperless-task';
import { buildUpload, requireTextField, type PaperlessUpload } from './paperless-upload';

const SECONDS = 1000;
/** The key field's value: a version tag and 40 hex digits of the key digest (fits 128 characters). */
const KEY_PREFIX = 'postroom1-';
const KEY_DIGEST_CHARS = 40;

interface PaperlessDocumentJson {
  id: number;
  title: string;
  custom_fields?: Array<{ field: number; value: unknown }>;
}

/** The key field's value for a delivery key: the same key always gives the same value. */
export function paperlessKeyValue(key: DeliveryKey): string {
  return `${KEY_PREFIX}${deliveryKeyDigest(key).slice(0, KEY_DIGEST_CHARS)}`;
}

/**
 * Paperless-ngx: one document per file. The upload is consumed asynchronously; the sink waits for
 * the consumption task and returns the document id. postroom's delivery key is written to a
 * custom field (keyField), which is how `find` answers "already delivered?" from Paperless itself.
 * Paperless refuses a file whose checksum it already holds; that refusal counts as delivered.
 */
class PaperlessSink implements DocumentSink {
  readonly #client: PaperlessClient;
  readonly #lookups: PaperlessLookups;

  constructor(
    readonly name: string,
    private readonly definition: PaperlessBackendDefinition,
    private readonly logger: Logger,
  ) {
    this.#client = new PaperlessClient({
      baseUrl: definition.url.replace(/\/+$/, ''),
      token: resolveSecret(definition.token, `backend ${name}: token`),
      logger,
      attempts: definition.requestAttempts,
      maxRetryAfterMs: definition.maxRetryAfterSeconds * SECONDS,
      idleTimeoutMs: definition.idleTimeoutSeconds * SECONDS,
    });
    this.#lookups = new PaperlessLookups(this.#client);
  }

  #ref(id: number): DocumentRef {
    return { backend: this.name, ref: String(id) };
  }

  async find(key: DeliveryKey): Promise<DocumentRef | null> {
    // The field is checked first: a query on a missing field is a setup problem, said plainly.
    const field = await requireTextField(
      this.#lookups,
      { backend: this.name },
      this.definition.keyField,
      'keyField',
    );
    // Paperless only lists a document once consumption has finished: nothing half-written is found.
    const query = JSON.stringify([field.id, 'exact', paperlessKeyValue(key)]);
    const page = await this.#client.getJson<Page<PaperlessDocumentJson>>(
      `/api/documents/?custom_field_query=${encodeURIComponent(query)}&page_size=1&ordering=id`,
    );
    const found = page.results[0];
    return found ? this.#ref(found.id) : null;
  }

  async deliver(document: DocumentToDeliver): Promise<DocumentRef> {
    if (document.files.length !== 1) {
      throw new PostroomError(
        'DMS_REJECTED',
        `Paperless backend ${this.name} takes one file per document, this one has ${document.files.length} (${document.files
          .map((f) => f.name)
          .join(
            ', ',
          )}): set the source's attachments to "documents" (each attachment its own document) or "embedded"`,
      );
    }
    const existing = await this.find(document.key);
    if (existing) return existing;

    const keyValue = paperlessKeyValue(document.key);
    const upload = await buildUpload(document, this.#lookups, {
      backend: this.name,
      keyField: this.definition.keyField,
      messageIdField: this.definition.messageIdField,
      keyValue,
      logger: this.logger,
    });
    const taskId = await this.#post(document, upload);
    const outcome = await waitForTask(this.#client, taskId, {
      timeoutMs: this.definition.taskTimeoutSeconds * SECONDS,
      pollIntervalMs: this.definition.pollIntervalMs,
      backend: this.name,
    });
    if (outcome.kind === 'duplicate')
      await this.#noteDuplicate(outcome.documentId, keyValue, outcome.message);
    return this.#ref(outcome.documentId);
  }

  async #post(document: DocumentToDeliver, upload: PaperlessUpload): Promise<string> {
    const file = document.files[0]!;
    const form = new FormData();
    // Read from disk as it is sent, and again on a retry.
    form.append('document', await openAsBlob(file.path, { type: file.contentType }), file.name);
    form.append('title', upload.title);
    form.append('created', upload.created);
    if (upload.correspondent !== undefined) form.append('correspondent', String(upload.correspondent));
    if (upload.document_type !== undefined) form.append('document_type', String(upload.document_type));
    if (upload.storage_path !== undefined) form.append('storage_path', String(upload.storage_path));
    for (const tag of upload.tags) form.append('tags', String(tag));
    if (upload.archive_serial_number !== undefined)
      form.append('archive_serial_number', String(upload.archive_serial_number));
    form.append('custom_fields', JSON.stringify(upload.customFields));
    try {
      const taskId = await this.#client.postForm<unknown>('/api/documents/post_document/', form);
      if (typeof taskId !== 'string')
        throw new PostroomError('DMS_UNAVAILABLE', 'Paperless returned no task id');
      return taskId;
    } catch (err) {
      if (err instanceof PaperlessRejection) throw this.#explainRejection(document, upload, err);
      throw err;
    }
  }

  /** A 400 names form fields; the message names where their values came from. */
  #explainRejection(
    document: DocumentToDeliver,
    upload: PaperlessUpload,
    err: PaperlessRejection,
  ): PostroomError {
    const fields = Object.keys(err.fieldErrors);
    const mapped = fields.filter((f) => upload.origins[f] !== undefined);
    if (mapped.length === 0) return err;
    const detail = mapped
      .map((f) => `${upload.origins[f]}: Paperless says ${JSON.stringify(err.fieldErrors[f])}`)
      .join('; ');
    return new PostroomError(
      'METADATA_INVALID',
      `source ${document.metadata.sourceId}: Paperless backend ${this.name}: ${detail}`,
      { cause: err, status: 400 },
    );
  }

  /**
   * Paperless keeps one document per checksum. Usually the refused upload is this very document,
   * delivered before its outcome was recorded; it can also be another message with a byte-identical
   * file, which Paperless will not store twice either way.
   */
  async #noteDuplicate(documentId: number, keyValue: string, message: string): Promise<void> {
    const doc = await this.#client
      .getJson<PaperlessDocumentJson>(`/api/documents/${documentId}/`)
      .catch(() => undefined);
    const ours = doc?.custom_fields?.some((f) => f.value === keyValue) ?? false;
    if (ours) {
      this.logger.info('Paperless already holds this document', { document: documentId });
    } else {
      this.logger.warn(
        'Paperless refused the file as a duplicate of another document; counted as delivered',
        {
          document: documentId,
          trashed: doc === undefined,
          paperless: message,
        },
      );
    }
  }
}

export function createPaperlessSink(
  name: string,
  definition: PaperlessBackendDefinition,
  deps: { logger: Logger },
): DocumentSink {
  return new PaperlessSink(name, definition, deps.logger);
}
