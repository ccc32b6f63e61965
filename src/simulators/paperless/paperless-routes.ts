import type { SimResponse } from '../graph/http-io';
import { InvalidPage, documentJson, filterByName, filterDocuments, paginate } from './list-query';
import type { PaperlessStore } from './paperless-store';
import { ValidationFailure, readPostDocument } from './post-document';
import type { PaperlessObjectKind, PaperlessRequestKind } from './types';

const OBJECT_KINDS = new Set<string>(['correspondents', 'document_types', 'storage_paths', 'tags']);

export interface PaperlessRequest {
  method: string;
  url: URL;
  contentType?: string;
  body: Buffer;
}

/** The counter and fault kind of a path such as /api/documents/post_document/. */
export function kindOf(segments: string[]): PaperlessRequestKind {
  const [api, area, sub] = segments;
  if (api !== 'api' || area === undefined) return 'other';
  if (area === 'documents') return sub === 'post_document' ? 'post_document' : 'documents';
  if (area === 'tasks' || area === 'custom_fields' || OBJECT_KINDS.has(area))
    return area as PaperlessRequestKind;
  return 'other';
}

export const json = (status: number, body: unknown): SimResponse => ({
  status,
  headers: { 'Content-Type': 'application/json' },
  json: body,
});

const notFound = (): SimResponse => json(404, { detail: 'Not found.' });
const methodNotAllowed = (method: string): SimResponse =>
  json(405, { detail: `Method "${method}" not allowed.` });

/** Answers one authenticated API request. */
export async function handlePaperless(
  store: PaperlessStore,
  req: PaperlessRequest,
  kind: PaperlessRequestKind,
  defaultPageSize: number,
): Promise<SimResponse> {
  store.advance();
  const segments = req.url.pathname.split('/').filter((s) => s !== '');
  try {
    switch (kind) {
      case 'post_document':
        if (req.method !== 'POST') return methodNotAllowed(req.method);
        return await postDocument(store, req);
      case 'tasks':
        if (req.method !== 'GET') return methodNotAllowed(req.method);
        return tasks(store, req.url);
      case 'documents':
        if (req.method !== 'GET') return methodNotAllowed(req.method);
        return documents(store, req.url, segments, defaultPageSize);
      case 'custom_fields': {
        if (req.method !== 'GET') return methodNotAllowed(req.method);
        const fields = [...store.customFields.values()].map((f) => ({
          ...f,
          document_count: store.documentCount('custom_fields', f.id),
        }));
        return json(200, paginate(filterByName(fields, req.url.searchParams), req.url, defaultPageSize));
      }
      case 'correspondents':
      case 'document_types':
      case 'storage_paths':
      case 'tags': {
        if (req.method !== 'GET') return methodNotAllowed(req.method);
        const objects = store.list(kind as PaperlessObjectKind).map((o) => ({
          ...o,
          match: '',
          matching_algorithm: 0,
          is_insensitive: true,
          document_count: store.documentCount(kind as PaperlessObjectKind, o.id),
          owner: 1,
        }));
        return json(200, paginate(filterByName(objects, req.url.searchParams), req.url, defaultPageSize));
      }
      default:
        return notFound();
    }
  } catch (err) {
    if (err instanceof ValidationFailure) return json(400, err.body);
    if (err instanceof InvalidPage) return json(404, { detail: 'Invalid page.' });
    throw err;
  }
}

async function postDocument(store: PaperlessStore, req: PaperlessRequest): Promise<SimResponse> {
  const contentType = req.contentType ?? '';
  if (!contentType.toLowerCase().startsWith('multipart/form-data')) {
    return json(415, { detail: `Unsupported media type "${contentType}" in request.` });
  }
  let form: FormData;
  try {
    form = await new Response(req.body, { headers: { 'content-type': contentType } }).formData();
  } catch {
    return json(400, { detail: 'Multipart form parse error - Invalid boundary in multipart: None' });
  }
  const consumption = await readPostDocument(form, store);
  // Paperless answers with the task id as a bare JSON string.
  return json(200, store.enqueue(consumption));
}

function tasks(store: PaperlessStore, url: URL): SimResponse {
  const taskId = url.searchParams.get('task_id');
  const all = store.allTasks();
  const selected = taskId === null ? all : all.filter((t) => t.task_id === taskId);
  // The tasks endpoint returns a plain list, not a page.
  return json(
    200,
    selected.map((t, i) => ({
      id: i + 1,
      task_id: t.task_id,
      task_name: 'consume_file',
      task_file_name: t.task_file_name,
      date_created: t.date_created,
      date_done: t.date_done,
      type: 'auto_task',
      status: t.status,
      result: t.result,
      acknowledged: false,
      related_document: t.related_document,
      owner: 1,
    })),
  );
}

function documents(store: PaperlessStore, url: URL, segments: string[], pageSize: number): SimResponse {
  const [, , id, action] = segments;
  if (id === undefined)
    return json(200, paginate(filterDocuments(store, url.searchParams).map(documentJson), url, pageSize));
  const doc = /^\d+$/.test(id) ? store.documents.get(Number(id)) : undefined;
  if (!doc || doc.deleted) return notFound();
  if (action === undefined) return json(200, documentJson(doc));
  if (action === 'download') {
    return {
      status: 200,
      headers: {
        'Content-Type': doc.mime_type,
        'Content-Disposition': `attachment; filename="${doc.original_file_name.replace(/"/g, '')}"`,
      },
      body: doc.bytes,
    };
  }
  return notFound();
}
