import type { PaperlessStore } from './paperless-store';
import { ValidationFailure } from './post-document';
import type { StoredPaperlessDocument } from './types';

/** Paperless caps page_size here (StandardPagination.max_page_size). */
const MAX_PAGE_SIZE = 100_000;

export class InvalidPage extends Error {}

/** One page in Paperless' envelope, with absolute next/previous links that keep the other parameters. */
export function paginate<T>(items: T[], url: URL, defaultPageSize: number): Record<string, unknown> {
  const size = Math.min(MAX_PAGE_SIZE, Number(url.searchParams.get('page_size')) || defaultPageSize);
  const page = Number(url.searchParams.get('page') ?? '1');
  const pages = Math.max(1, Math.ceil(items.length / size));
  if (!Number.isInteger(page) || page < 1 || page > pages) throw new InvalidPage();
  const link = (target: number): string | null => {
    if (target < 1 || target > pages) return null;
    const next = new URL(url);
    next.searchParams.set('page', String(target));
    return next.toString();
  };
  return {
    count: items.length,
    next: link(page + 1),
    previous: link(page - 1),
    all: items.map((item) => (item as { id?: unknown }).id),
    results: items.slice((page - 1) * size, page * size),
  };
}

/** The name and id filters the object lists support. */
export function filterByName<T extends { id: number; name: string }>(
  items: T[],
  params: URLSearchParams,
): T[] {
  let out = items;
  const exact = params.get('name__iexact');
  if (exact !== null) out = out.filter((o) => o.name.toLowerCase() === exact.toLowerCase());
  const contains = params.get('name__icontains');
  if (contains !== null) out = out.filter((o) => o.name.toLowerCase().includes(contains.toLowerCase()));
  const idIn = params.get('id__in');
  if (idIn !== null) {
    const ids = new Set(idIn.split(',').map(Number));
    out = out.filter((o) => ids.has(o.id));
  }
  return out;
}

type Clause = [string | number, string, unknown] | ['AND' | 'OR', Clause[]];

function customFieldIdOf(store: PaperlessStore, ref: string | number): number {
  for (const field of store.customFields.values()) {
    if (field.id === ref || field.name === ref) return field.id;
  }
  throw new ValidationFailure({
    custom_field_query: [`${JSON.stringify(ref)} is not a valid custom field.`],
  });
}

function matches(store: PaperlessStore, doc: StoredPaperlessDocument, clause: Clause): boolean {
  const [head, op, operand] = clause as [unknown, unknown, unknown];
  if ((head === 'AND' || head === 'OR') && Array.isArray(op)) {
    const results = (op as Clause[]).map((c) => matches(store, doc, c));
    return head === 'AND' ? results.every(Boolean) : results.some(Boolean);
  }
  const fieldId = customFieldIdOf(store, head as string | number);
  const instance = doc.custom_fields.find((f) => f.field === fieldId);
  const value = instance?.value ?? null;
  switch (op) {
    case 'exists':
      return (instance !== undefined) === operand;
    case 'isnull':
      return (value === null) === operand;
    case 'exact':
      return value === operand;
    case 'in':
      return Array.isArray(operand) && operand.includes(value);
    case 'icontains':
      return typeof value === 'string' && value.toLowerCase().includes(String(operand).toLowerCase());
    default:
      throw new ValidationFailure({
        custom_field_query: [`${String(op)} is not a supported lookup expression.`],
      });
  }
}

/** The document filters postroom and tests use, with Paperless' semantics. */
export function filterDocuments(store: PaperlessStore, params: URLSearchParams): StoredPaperlessDocument[] {
  let docs = [...store.documents.values()].filter((d) => !d.deleted);
  const query = params.get('custom_field_query');
  if (query !== null) {
    let clause: Clause;
    try {
      clause = JSON.parse(query) as Clause;
    } catch {
      throw new ValidationFailure({ custom_field_query: ['Value must be valid JSON.'] });
    }
    if (!Array.isArray(clause) || clause.length < 2)
      throw new ValidationFailure({ custom_field_query: ['Invalid custom field query expression'] });
    docs = docs.filter((d) => matches(store, d, clause));
  }
  // Matches any custom field value containing the text, case-insensitively.
  const anyField = params.get('custom_fields__icontains');
  if (anyField !== null) {
    const needle = anyField.toLowerCase();
    docs = docs.filter((d) =>
      d.custom_fields.some((f) =>
        String(f.value ?? '')
          .toLowerCase()
          .includes(needle),
      ),
    );
  }
  const checksum = params.get('checksum__iexact');
  if (checksum !== null) docs = docs.filter((d) => d.checksum === checksum.toLowerCase());
  const title = params.get('title__icontains');
  if (title !== null) docs = docs.filter((d) => d.title.toLowerCase().includes(title.toLowerCase()));
  return docs.sort((a, b) => b.id - a.id);
}

/** A document as the API shows it: metadata only, the bytes are served by /download/. */
export function documentJson(doc: StoredPaperlessDocument): Record<string, unknown> {
  return {
    id: doc.id,
    correspondent: doc.correspondent,
    document_type: doc.document_type,
    storage_path: doc.storage_path,
    title: doc.title,
    content: '',
    tags: doc.tags,
    created: doc.created,
    created_date: doc.created,
    modified: doc.added,
    added: doc.added,
    archive_serial_number: doc.archive_serial_number,
    original_file_name: doc.original_file_name,
    archived_file_name: null,
    owner: 1,
    user_can_change: true,
    is_shared_by_requester: false,
    notes: [],
    custom_fields: doc.custom_fields,
    mime_type: doc.mime_type,
  };
}
