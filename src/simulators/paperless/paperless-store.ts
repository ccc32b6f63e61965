import { createHash, randomUUID } from 'node:crypto';
import type {
  CustomFieldDataType,
  CustomFieldValue,
  PaperlessObjectKind,
  StoredPaperlessDocument,
  StoredPaperlessTask,
} from './types';

export interface NamedObject {
  id: number;
  name: string;
  slug: string;
}

export interface CustomFieldRecord extends NamedObject {
  data_type: CustomFieldDataType;
  extra_data: { select_options?: Array<{ id: string; label: string }>; default_currency?: string | null };
}

/** What a post_document request asked for, after validation. */
export interface Consumption {
  fileName: string;
  contentType: string;
  bytes: Buffer;
  title?: string;
  created?: string;
  correspondent: number | null;
  document_type: number | null;
  storage_path: number | null;
  tags: number[];
  archive_serial_number: number | null;
  custom_fields: CustomFieldValue[];
}

interface QueuedTask {
  task: StoredPaperlessTask;
  consumption: Consumption;
  postedAt: number;
}

function slugify(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * Paperless' data: the objects documents refer to, the documents, and the consumption tasks.
 *
 * Consumption is evaluated lazily: a task's state follows from the time it was posted, and due tasks
 * are consumed in posting order whenever anything is read. From outside that is indistinguishable
 * from a background worker, and it needs no timers.
 */
export class PaperlessStore {
  private readonly objects: Record<PaperlessObjectKind, Map<number, NamedObject>> = {
    correspondents: new Map(),
    document_types: new Map(),
    storage_paths: new Map(),
    tags: new Map(),
  };
  readonly customFields = new Map<number, CustomFieldRecord>();
  readonly documents = new Map<number, StoredPaperlessDocument>();
  private readonly tasks: QueuedTask[] = [];
  private nextId = 1;
  private nextDocumentId = 1;
  /** Failure messages for the next consumptions, for tests of consumer errors. */
  private readonly scriptedFailures: string[] = [];

  constructor(
    private consumeMs: number,
    private readonly supportedContentTypes: string[] | undefined,
  ) {}

  setConsumeMs(ms: number): void {
    this.consumeMs = ms;
  }

  failNextConsumption(message: string): void {
    this.scriptedFailures.push(message);
  }

  addObject(kind: PaperlessObjectKind, name: string): number {
    const id = this.nextId++;
    this.objects[kind].set(id, { id, name, slug: slugify(name) });
    return id;
  }

  addCustomField(
    name: string,
    dataType: CustomFieldDataType,
    selectOptions: string[] = [],
  ): { id: number; options: Array<{ id: string; label: string }> } {
    const id = this.nextId++;
    const options = selectOptions.map((label, i) => ({ id: `opt${id}-${i + 1}`, label }));
    this.customFields.set(id, {
      id,
      name,
      slug: slugify(name),
      data_type: dataType,
      extra_data: dataType === 'select' ? { select_options: options } : { default_currency: null },
    });
    return { id, options };
  }

  list(kind: PaperlessObjectKind): NamedObject[] {
    return [...this.objects[kind].values()];
  }

  has(kind: PaperlessObjectKind, id: number): boolean {
    return this.objects[kind].has(id);
  }

  documentCount(kind: PaperlessObjectKind | 'custom_fields', id: number): number {
    let n = 0;
    for (const doc of this.documents.values()) {
      if (doc.deleted) continue;
      if (
        kind === 'tags'
          ? doc.tags.includes(id)
          : kind === 'custom_fields'
            ? doc.custom_fields.some((f) => f.field === id)
            : doc[kindField(kind)] === id
      )
        n++;
    }
    return n;
  }

  /** Queues a consumption and returns its task id, as post_document does. */
  enqueue(consumption: Consumption, now = Date.now()): string {
    const task: StoredPaperlessTask = {
      task_id: randomUUID(),
      task_file_name: consumption.fileName,
      status: 'PENDING',
      result: null,
      related_document: null,
      date_created: new Date(now).toISOString(),
      date_done: null,
    };
    this.tasks.push({ task, consumption, postedAt: now });
    return task.task_id;
  }

  /** Brings every task up to date; consumes the due ones in the order they were posted. */
  advance(now = Date.now()): void {
    for (const queued of this.tasks) {
      const { task } = queued;
      if (task.status === 'SUCCESS' || task.status === 'FAILURE') continue;
      const elapsed = now - queued.postedAt;
      if (elapsed < this.consumeMs / 2) continue;
      if (elapsed < this.consumeMs) {
        task.status = 'STARTED';
        continue;
      }
      this.consume(queued, now);
    }
  }

  task(taskId: string): StoredPaperlessTask | undefined {
    return this.tasks.find((t) => t.task.task_id === taskId)?.task;
  }

  allTasks(): StoredPaperlessTask[] {
    return this.tasks.map((t) => t.task);
  }

  private consume(queued: QueuedTask, now: number): void {
    const { task, consumption: c } = queued;
    const done = (status: 'SUCCESS' | 'FAILURE', result: string, documentId?: number): void => {
      task.status = status;
      task.result = result;
      task.related_document = documentId === undefined ? null : String(documentId);
      task.date_done = new Date(now).toISOString();
    };
    // Paperless prefixes consumer failures with the file name.
    const fail = (message: string): void => done('FAILURE', `${c.fileName}: ${message}`);
    const scripted = this.scriptedFailures.shift();
    if (scripted !== undefined) return fail(scripted);

    const checksum = createHash('md5').update(c.bytes).digest('hex');
    const existing = [...this.documents.values()].find((d) => d.checksum === checksum);
    if (existing) {
      // Paperless' own wording; the trash note is what it adds for a trashed original.
      const trash = existing.deleted ? ' Note: existing document is in the trash.' : '';
      return fail(
        `Not consuming ${c.fileName}: It is a duplicate of ${existing.title} (#${existing.id}).${trash}`,
      );
    }
    if (this.supportedContentTypes && !this.supportedContentTypes.includes(c.contentType)) {
      return fail(`Unsupported mime type ${c.contentType}`);
    }
    if (
      c.archive_serial_number !== null &&
      [...this.documents.values()].some((d) => d.archive_serial_number === c.archive_serial_number)
    ) {
      return fail(`Not consuming ${c.fileName}: Given ASN ${c.archive_serial_number} already exists!`);
    }
    const id = this.nextDocumentId++;
    const added = new Date(now).toISOString();
    this.documents.set(id, {
      id,
      title: c.title ?? c.fileName.replace(/\.[^.]*$/, ''),
      created: (c.created ?? added).slice(0, 10),
      added,
      correspondent: c.correspondent,
      document_type: c.document_type,
      storage_path: c.storage_path,
      tags: c.tags,
      archive_serial_number: c.archive_serial_number,
      custom_fields: c.custom_fields,
      original_file_name: c.fileName,
      mime_type: c.contentType,
      checksum,
      bytes: c.bytes,
      deleted: false,
    });
    done('SUCCESS', `Success. New document id ${id} created`, id);
  }
}

function kindField(
  kind: Exclude<PaperlessObjectKind, 'tags'>,
): 'correspondent' | 'document_type' | 'storage_path' {
  if (kind === 'correspondents') return 'correspondent';
  if (kind === 'document_types') return 'document_type';
  return 'storage_path';
}
