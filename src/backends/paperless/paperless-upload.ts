import { PostroomError } from '../../errors/postroom-error';
import type { MappedProperty, MappedValue } from '../../mapping/mapped-metadata';
import type { Logger } from '../../observability/logger';
import type { DocumentToDeliver } from '../document-sink';
import { customFieldValue, ValueMismatch, type CustomFieldJson } from './custom-field-value';
import type { PaperlessCustomField, PaperlessLookups, PaperlessObjectKind } from './paperless-lookups';

/** Paperless keeps titles to this many characters. */
export const MAX_TITLE_CHARS = 128;
const MAX_ASN = 0xffffffff;

/** The post_document form fields for one document, ids resolved. */
export interface PaperlessUpload {
  title: string;
  created: string;
  correspondent?: number;
  document_type?: number;
  storage_path?: number;
  tags: number[];
  archive_serial_number?: number;
  /** Custom field id -> value, as post_document's `custom_fields` JSON object takes it. */
  customFields: Record<string, CustomFieldJson>;
  /** Form field -> the mapping it came from, to name it should Paperless still refuse the value. */
  origins: Record<string, string>;
}

export interface UploadSettings {
  backend: string;
  keyField: string;
  messageIdField: string;
  /** The value of keyField for this document. */
  keyValue: string;
  logger: Logger;
}

/** Built-in document fields a mapped property may name (spelling-tolerant), and where they go. */
const BUILT_INS: Record<
  string,
  'correspondent' | 'document_type' | 'storage_path' | 'tags' | 'asn' | 'title' | 'created'
> = {
  correspondent: 'correspondent',
  documenttype: 'document_type',
  type: 'document_type',
  storagepath: 'storage_path',
  tags: 'tags',
  tag: 'tags',
  archiveserialnumber: 'asn',
  asn: 'asn',
  title: 'title',
  created: 'created',
};

const OBJECT_KIND = {
  correspondent: 'correspondents',
  document_type: 'document_types',
  storage_path: 'storage_paths',
} as const satisfies Record<string, PaperlessObjectKind>;

function builtIn(property: string | number): (typeof BUILT_INS)[string] | undefined {
  return typeof property === 'string' ? BUILT_INS[property.toLowerCase().replace(/[\s_-]/g, '')] : undefined;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Builds the form for one document; every refusal names the source, property, value and origin. */
export async function buildUpload(
  document: DocumentToDeliver,
  lookups: PaperlessLookups,
  settings: UploadSettings,
): Promise<PaperlessUpload> {
  const { metadata, mapped, key } = document;
  const file = document.files[0]!;
  const invalid = (
    p: MappedProperty | { property: string; value: MappedValue; origin: string },
    reason: string,
  ) =>
    new PostroomError(
      'METADATA_INVALID',
      `source ${metadata.sourceId}: Paperless backend ${settings.backend}: property "${p.property}" = ${JSON.stringify(p.value)} (from ${p.origin}): ${reason}`,
    );

  // An attachment document is titled by its file; the message document by the mapping or subject.
  const title = key.part ? file.name : (mapped?.title ?? metadata.subject ?? file.name);
  const upload: PaperlessUpload = {
    title: truncate(title.trim() || file.name, MAX_TITLE_CHARS),
    created: metadata.sent ?? metadata.received,
    tags: [],
    customFields: {},
    origins: {},
  };

  const objectId = async (
    p: MappedProperty,
    kind: PaperlessObjectKind,
    ref: MappedValue,
  ): Promise<number> => {
    const single = Array.isArray(ref) && ref.length === 1 ? ref[0]! : ref;
    if (typeof single !== 'string' && typeof single !== 'number')
      throw invalid(p, `give one ${kind.replace(/s$/, '').replace('_', ' ')} name or id`);
    const result = await lookups.object(kind, single);
    if ('found' in result) return result.found.id;
    throw invalid(
      p,
      `Paperless has no ${kind.replace(/s$/, '').replace('_', ' ')} ${JSON.stringify(single)} (${result.missing})`,
    );
  };

  const properties: MappedProperty[] = [...(mapped?.properties ?? [])];
  // The mapping's class is Paperless' document type; an explicit document_type property wins.
  if (mapped?.class !== undefined && !properties.some((p) => builtIn(p.property) === 'document_type'))
    properties.unshift({ property: 'document_type', value: mapped.class, origin: 'class' });

  for (const p of properties) {
    if (p.value === null) continue;
    const target = builtIn(p.property);
    if (target === 'correspondent' || target === 'document_type' || target === 'storage_path') {
      upload[target] = await objectId(p, OBJECT_KIND[target], p.value);
      upload.origins[target] = `property "${p.property}" = ${JSON.stringify(p.value)} (from ${p.origin})`;
    } else if (target === 'tags') {
      for (const ref of Array.isArray(p.value) ? p.value : [p.value]) {
        const id = await objectId(p, 'tags', ref);
        if (!upload.tags.includes(id)) upload.tags.push(id);
      }
      upload.origins.tags = `property "${p.property}" = ${JSON.stringify(p.value)} (from ${p.origin})`;
    } else if (target === 'asn') {
      const n = typeof p.value === 'number' ? p.value : Number(p.value);
      if (!Number.isInteger(n) || n < 0 || n > MAX_ASN)
        throw invalid(p, `an archive serial number is a whole number from 0 to ${MAX_ASN}`);
      upload.archive_serial_number = n;
    } else if (target === 'title') {
      upload.title = truncate(String(p.value), MAX_TITLE_CHARS);
    } else if (target === 'created') {
      if (typeof p.value !== 'string' || Number.isNaN(Date.parse(p.value)))
        throw invalid(p, 'is not an ISO date');
      upload.created = p.value;
    } else {
      await setCustomField(p, p.value);
    }
  }

  async function setCustomField(p: MappedProperty, value: Exclude<MappedValue, null>): Promise<void> {
    const result = await lookups.customField(p.property);
    if (!('found' in result))
      throw invalid(p, `Paperless has no custom field ${JSON.stringify(p.property)} (${result.missing})`);
    const field = result.found;
    if (field.name === settings.keyField || field.name === settings.messageIdField)
      throw invalid(p, `custom field ${field.name} is written by postroom itself`);
    try {
      upload.customFields[String(field.id)] = customFieldValue(field, value);
    } catch (err) {
      if (err instanceof ValueMismatch)
        throw invalid(p, `the value ${err.message} (${field.name} is a ${field.data_type} field)`);
      throw err;
    }
  }

  // postroom's own fields come last so nothing can overwrite them.
  const keyField = await requireTextField(lookups, settings, settings.keyField, 'keyField');
  upload.customFields[String(keyField.id)] = settings.keyValue;
  const messageId = key.part
    ? (document.parent?.internetMessageId ?? metadata.internetMessageId)
    : metadata.internetMessageId;
  if (messageId) {
    const field = await requireTextField(lookups, settings, settings.messageIdField, 'messageIdField');
    try {
      upload.customFields[String(field.id)] = customFieldValue(field, messageId);
    } catch {
      // A Message-ID longer than a string field takes: the key field still identifies the document.
      settings.logger.warn('Message-ID does not fit the Paperless custom field; left out', {
        field: field.name,
        length: messageId.length,
      });
    }
  }
  return upload;
}

/** postroom's key and Message-ID fields must exist as text fields: a setup step, not a mail problem. */
export async function requireTextField(
  lookups: PaperlessLookups,
  settings: Pick<UploadSettings, 'backend'>,
  name: string,
  setting: string,
): Promise<PaperlessCustomField> {
  const result = await lookups.customField(name);
  if ('found' in result && ['string', 'longtext'].includes(result.found.data_type)) return result.found;
  const problem = 'found' in result ? `is a ${result.found.data_type} field` : 'does not exist';
  throw new PostroomError(
    'CONFIG_INVALID',
    `Paperless backend ${settings.backend}: custom field ${JSON.stringify(name)} (${setting}) ${problem}: create it in Paperless as a Text field, or set ${setting} to one`,
  );
}
