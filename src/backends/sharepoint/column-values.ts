import { PostroomError } from '../../errors/postroom-error';
import type { MappedProperty } from '../../mapping/mapped-metadata';
import type { DocumentToDeliver } from '../document-sink';
import type { RefreshingList } from '../refreshing-list';
import {
  asBoolean,
  asChoice,
  asIsoDateTime,
  asNumber,
  asText,
  ValueMismatch,
  type PresentValue,
} from '../value-conversion';

/** A library column as /list/columns describes it (the type is the facet present). */
export interface LibraryColumn {
  name: string;
  displayName: string;
  readOnly?: boolean;
  text?: { maxLength?: number; allowMultipleLines?: boolean };
  number?: object;
  boolean?: object;
  dateTime?: object;
  choice?: { choices?: string[]; allowTextEntry?: boolean };
}

/** A single line of text takes 255 characters. */
const DEFAULT_TEXT_MAX = 255;

function convert(column: LibraryColumn, value: PresentValue): string | number | boolean {
  if (column.text) {
    const text = asText(value, '; ');
    const max = column.text.maxLength ?? DEFAULT_TEXT_MAX;
    if (text.length > max)
      throw new ValueMismatch(`is ${text.length} characters long; the column takes ${max}`);
    return text;
  }
  if (column.number) return asNumber(value);
  if (column.boolean) return asBoolean(value);
  if (column.dateTime) return new Date(asIsoDateTime(value)).toISOString();
  if (column.choice) {
    if (column.choice.allowTextEntry) return asText(value);
    return asChoice(value, column.choice.choices ?? []);
  }
  throw new ValueMismatch(
    'goes to a column type postroom does not write (only text, number, yes/no, date, choice)',
  );
}

function columnFor(columns: LibraryColumn[], property: string): LibraryColumn | undefined {
  const lower = property.toLowerCase();
  return (
    columns.find((c) => c.name.toLowerCase() === lower) ??
    columns.find((c) => c.displayName.toLowerCase() === lower)
  );
}

/**
 * The listItem fields for a document's files: Title from the mapping (or the subject) and one value
 * per mapped property, each checked against the library's columns before anything is uploaded.
 * Properties name columns by internal name or display name.
 */
export async function columnValues(
  document: DocumentToDeliver,
  columns: RefreshingList<LibraryColumn>,
  backend: string,
): Promise<Record<string, string | number | boolean>> {
  const invalid = (p: Pick<MappedProperty, 'property' | 'value' | 'origin'>, reason: string): PostroomError =>
    new PostroomError(
      'METADATA_INVALID',
      `source ${document.metadata.sourceId}: SharePoint backend ${backend}: property "${p.property}" = ${JSON.stringify(p.value)} (from ${p.origin}): ${reason}`,
    );
  const title = document.mapped?.title ?? document.metadata.subject;
  const properties: MappedProperty[] = [
    ...(title ? [{ property: 'Title', value: title.slice(0, DEFAULT_TEXT_MAX), origin: 'title' }] : []),
    ...(document.mapped?.properties ?? []),
  ];
  const fields: Record<string, string | number | boolean> = {};
  for (const p of properties) {
    if (p.value === null) continue;
    if (typeof p.property !== 'string') throw invalid(p, 'SharePoint columns are named, not numbered');
    const name = p.property;
    const column = await columns.find((list) => columnFor(list, name));
    if (!column) {
      const known = (await columns.items()).filter((c) => !c.readOnly).map((c) => c.name);
      throw invalid(p, `the library has no column of that name (writable columns: ${known.join(', ')})`);
    }
    if (column.readOnly) throw invalid(p, `column ${column.name} is read-only`);
    try {
      fields[column.name] = convert(column, p.value);
    } catch (err) {
      if (err instanceof ValueMismatch) throw invalid(p, `the value ${err.message} (column ${column.name})`);
      throw err;
    }
  }
  return fields;
}
