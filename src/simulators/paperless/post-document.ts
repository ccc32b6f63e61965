import type { Consumption, PaperlessStore } from './paperless-store';
import type { CustomFieldValue, PaperlessObjectKind } from './types';

/** Paperless' limits on titles and on string custom field values. */
const MAX_TITLE_CHARS = 128;
const MAX_STRING_FIELD_CHARS = 128;
const MAX_ASN = 0xffffffff;

/** Django REST framework's validation error body: field name -> messages. */
export class ValidationFailure extends Error {
  constructor(readonly body: Record<string, string[]>) {
    super('validation failed');
  }
}

function invalidPk(value: string): string {
  return `Invalid pk "${value}" - object does not exist.`;
}

function single(form: FormData, name: string): string | undefined {
  const value = form.get(name);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Validates post_document's form as Paperless does and describes the consumption to queue. */
export async function readPostDocument(form: FormData, store: PaperlessStore): Promise<Consumption> {
  const errors: Record<string, string[]> = {};
  const add = (field: string, message: string): void => {
    (errors[field] ??= []).push(message);
  };

  const file = form.get('document');
  if (!(file instanceof Blob)) add('document', 'No file was submitted.');

  const title = single(form, 'title');
  if (title !== undefined && title.length > MAX_TITLE_CHARS)
    add('title', `Ensure this field has no more than ${MAX_TITLE_CHARS} characters.`);

  const created = single(form, 'created');
  if (created !== undefined && Number.isNaN(Date.parse(created)))
    add(
      'created',
      'Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].',
    );

  const related = (field: string, kind: PaperlessObjectKind): number | null => {
    const raw = single(form, field);
    if (raw === undefined) return null;
    if (!/^\d+$/.test(raw)) {
      add(field, `Incorrect type. Expected pk value, received str.`);
      return null;
    }
    if (!store.has(kind, Number(raw))) add(field, invalidPk(raw));
    return Number(raw);
  };
  const correspondent = related('correspondent', 'correspondents');
  const documentType = related('document_type', 'document_types');
  const storagePath = related('storage_path', 'storage_paths');

  const tags: number[] = [];
  for (const raw of form.getAll('tags')) {
    if (typeof raw !== 'string' || !/^\d+$/.test(raw) || !store.has('tags', Number(raw))) {
      add('tags', invalidPk(String(raw)));
      continue;
    }
    tags.push(Number(raw));
  }

  let asn: number | null = null;
  const asnRaw = single(form, 'archive_serial_number');
  if (asnRaw !== undefined) {
    if (!/^\d+$/.test(asnRaw) || Number(asnRaw) > MAX_ASN)
      add('archive_serial_number', `Ensure this value is less than or equal to ${MAX_ASN}.`);
    else asn = Number(asnRaw);
  }

  const customFields = readCustomFields(single(form, 'custom_fields'), store, add);

  if (Object.keys(errors).length > 0) throw new ValidationFailure(errors);
  const blob = file as File;
  return {
    fileName: blob.name || 'document',
    contentType: (blob.type || 'application/octet-stream').split(';')[0]!.trim(),
    bytes: Buffer.from(await blob.arrayBuffer()),
    title,
    created,
    correspondent,
    document_type: documentType,
    storage_path: storagePath,
    tags,
    archive_serial_number: asn,
    custom_fields: customFields,
  };
}

/** `custom_fields` is JSON: a list of field ids (empty values) or an object field id -> value. */
function readCustomFields(
  raw: string | undefined,
  store: PaperlessStore,
  add: (field: string, message: string) => void,
): CustomFieldValue[] {
  if (raw === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    add('custom_fields', 'Value must be valid JSON.');
    return [];
  }
  const entries: Array<[string, unknown]> = Array.isArray(parsed)
    ? parsed.map((id) => [String(id), null])
    : parsed !== null && typeof parsed === 'object'
      ? Object.entries(parsed)
      : [];
  if (entries.length === 0 && !Array.isArray(parsed)) {
    add('custom_fields', 'Expected a list of ids or an object of id: value.');
    return [];
  }
  const out: CustomFieldValue[] = [];
  for (const [id, value] of entries) {
    const field = /^\d+$/.test(id) ? store.customFields.get(Number(id)) : undefined;
    if (!field || out.some((f) => f.field === field.id)) {
      add('custom_fields', "Some custom fields don't exist or were specified twice.");
      continue;
    }
    if (value !== null && !valueFits(field.data_type, value, field.extra_data.select_options)) {
      add(
        'custom_fields',
        `Invalid value ${JSON.stringify(value)} for custom field ${field.name} (${field.data_type}).`,
      );
      continue;
    }
    out.push({ field: field.id, value: value as CustomFieldValue['value'] });
  }
  return out;
}

function valueFits(type: string, value: unknown, options: Array<{ id: string }> = []): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string' && value.length <= MAX_STRING_FIELD_CHARS;
    case 'longtext':
    case 'url':
    case 'monetary':
      return typeof value === 'string';
    case 'date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
      return Number.isInteger(value);
    case 'float':
      return typeof value === 'number';
    case 'select':
      return options.some((o) => o.id === value);
    default:
      return false;
  }
}
