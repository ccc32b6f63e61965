import { PostroomError } from '../../errors/postroom-error';
import type { MappedProperty, MappedValue } from '../../mapping/mapped-metadata';
import type { DocumentToDeliver } from '../document-sink';
import { deliveryKeyValue, storedMessageId } from './delivery-key';
import { BuiltInProperty, DataType, dataTypeName, type PropertyValue } from './mfws-types';
import { ConversionProblem, TEXT_MAX_CHARS, convertValue, type Converted } from './property-conversion';
import type { ClassInfo, PropertyInfo, VaultMetadata } from './vault-metadata';

/** Longest value quoted in an error message. */
const MAX_QUOTED_CHARS = 120;

/** What the sink resolved from its configuration. */
export interface PlanSettings {
  backendName: string;
  objectType: number;
  defaultClass: string | number;
  messageIdProperty: PropertyInfo;
  keyProperty?: PropertyInfo;
  timeZone: string;
}

/** Everything needed to create the object except the uploads. */
export interface ObjectPlan {
  cls: ClassInfo;
  title: string;
  /** Class, title, Message-ID, key and mapped values; Single file is added with the files. */
  propertyValues: PropertyValue[];
  keyValue?: string;
  messageIdValue?: string;
  /** Values changed to fit (cut text), for a warning. */
  notes: string[];
}

function quote(value: MappedValue): string {
  const text = JSON.stringify(value);
  return text.length > MAX_QUOTED_CHARS ? `${text.slice(0, MAX_QUOTED_CHARS)}…` : text;
}

/** M-Files splits a file name into Title and Extension (no dot). */
export function fileParts(name: string): { title: string; extension: string } {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || dot === name.length - 1) return { title: name, extension: '' };
  return { title: name.slice(0, dot), extension: name.slice(dot + 1) };
}

/** Control characters (line breaks, tabs, NUL) have no place in a one-line title. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]+/g;

function cleanTitle(text: string | undefined): string {
  return (text ?? '').replace(CONTROL_CHARS, ' ').replace(/\s+/g, ' ').trim();
}

/** The object's Name or title: the mapping's, else the subject (message) or file name (attachment). */
function chooseTitle(doc: DocumentToDeliver, mappedTitle: string | undefined, notes: string[]): string {
  const fileTitle = fileParts(doc.files[0]?.name ?? '').title;
  const fromDocument = doc.key.part ? fileTitle : cleanTitle(doc.metadata.subject) || fileTitle;
  const title = cleanTitle(mappedTitle) || fromDocument || doc.key.messageId;
  const chars = [...title];
  if (chars.length <= TEXT_MAX_CHARS) return title;
  notes.push(`title cut from ${chars.length} to ${TEXT_MAX_CHARS} characters`);
  return `${chars.slice(0, TEXT_MAX_CHARS - 1).join('')}…`;
}

/**
 * Resolves class and properties against the vault and converts every mapped value, before anything
 * is uploaded: a document that cannot be created fails fast with a message naming the source, the
 * property and the value.
 */
export async function planObject(
  doc: DocumentToDeliver,
  settings: PlanSettings,
  metadata: VaultMetadata,
): Promise<ObjectPlan> {
  const source = doc.key.sourceId;
  const invalid = (message: string) => new PostroomError('METADATA_INVALID', `source ${source}: ${message}`);
  const notes: string[] = [];

  const classRef = doc.mapped?.class ?? settings.defaultClass;
  const cls = await metadata.findClass(classRef, settings.objectType);
  if (!cls) {
    const where =
      doc.mapped?.class === undefined ? `backends.${settings.backendName}.defaultClass` : 'the mapping';
    throw new PostroomError(
      doc.mapped?.class === undefined ? 'CONFIG_INVALID' : 'METADATA_INVALID',
      `source ${source}: the class ${JSON.stringify(classRef)} from ${where} does not exist for object type ${settings.objectType} in the M-Files vault`,
    );
  }

  const values = new Map<number, PropertyValue>();
  const set = (id: number, typed: PropertyValue['TypedValue']) =>
    values.set(id, { PropertyDef: id, TypedValue: typed });
  let mappedTitle = doc.mapped?.title;
  const messageIdValue =
    !doc.key.part && doc.metadata.internetMessageId
      ? storedMessageId(doc.metadata.internetMessageId, settings.messageIdProperty.dataType === DataType.Text)
      : undefined;
  const keyValue = settings.keyProperty ? deliveryKeyValue(doc.key) : undefined;
  const seen = new Set<number>();

  for (const mapped of doc.mapped?.properties ?? []) {
    const property = await metadata.findProperty(mapped.property);
    if (!property)
      throw invalid(
        `the M-Files vault has no property ${JSON.stringify(mapped.property)} (from ${mapped.origin})`,
      );
    const label = `"${property.name}" (${property.id})`;
    if (seen.has(property.id)) throw invalid(`the mapping sets property ${label} twice`);
    seen.add(property.id);
    if (property.id === BuiltInProperty.Class)
      throw invalid(`property ${label} is chosen through the mapping's class, not as a property`);
    if (property.id === BuiltInProperty.SingleFile)
      throw invalid(`property ${label} is set by postroom from the number of files`);
    if (property.id === settings.keyProperty?.id)
      throw invalid(`property ${label} holds postroom's delivery key and cannot be mapped`);
    // The message's own Message-ID wins on its document; attachment documents may carry the parent's.
    if (property.id === settings.messageIdProperty.id && messageIdValue !== undefined) continue;
    if (property.id === BuiltInProperty.NameOrTitle) {
      if (mapped.value !== null)
        mappedTitle ??= Array.isArray(mapped.value) ? mapped.value.join(', ') : String(mapped.value);
      continue;
    }
    const converted = await convertMapped(property, mapped, settings, metadata, (reason) =>
      invalid(
        `cannot set M-Files property ${label}, ${dataTypeName(property.dataType)}, to ${quote(mapped.value)} from ${mapped.origin}: ${reason}`,
      ),
    );
    if (!converted) continue;
    if (converted.note) notes.push(`property ${label}: ${converted.note}`);
    set(property.id, converted.typed);
  }

  const title = chooseTitle(doc, mappedTitle, notes);
  set(BuiltInProperty.Class, { DataType: DataType.Lookup, Lookup: { Item: cls.id, Version: -1 } });
  set(BuiltInProperty.NameOrTitle, { DataType: DataType.Text, Value: title });
  if (messageIdValue !== undefined)
    set(settings.messageIdProperty.id, {
      DataType: settings.messageIdProperty.dataType,
      Value: messageIdValue,
    });
  if (keyValue !== undefined && settings.keyProperty)
    set(settings.keyProperty.id, { DataType: DataType.Text, Value: keyValue });

  const handledByPostroom = new Set<number>([BuiltInProperty.SingleFile]);
  const missing = cls.properties.filter(
    (p) => p.required && !values.has(p.property) && !handledByPostroom.has(p.property),
  );
  if (missing.length > 0) {
    const names = await Promise.all(
      missing.map(
        async (p) => `"${(await metadata.property(p.property))?.name ?? 'unknown'}" (${p.property})`,
      ),
    );
    throw invalid(
      `the M-Files class "${cls.name}" (${cls.id}) requires ${names.join(', ')}, which the mapping does not set`,
    );
  }

  // Class first and title second, as M-Files' own clients send them; the rest in mapping order.
  const ordered = [BuiltInProperty.Class, BuiltInProperty.NameOrTitle].map((id) => values.get(id)!);
  for (const [id, value] of values)
    if (id !== BuiltInProperty.Class && id !== BuiltInProperty.NameOrTitle) ordered.push(value);
  return { cls, title, propertyValues: ordered, keyValue, messageIdValue, notes };
}

async function convertMapped(
  property: PropertyInfo,
  mapped: MappedProperty,
  settings: PlanSettings,
  metadata: VaultMetadata,
  fail: (reason: string) => PostroomError,
): Promise<Converted | undefined> {
  const isLookup = property.dataType === DataType.Lookup || property.dataType === DataType.MultiSelectLookup;
  const attempt = async (refresh: boolean) =>
    convertValue(property, mapped.value, {
      timeZone: settings.timeZone,
      items:
        isLookup && property.valueList !== undefined
          ? await metadata.items(property.valueList, refresh)
          : undefined,
    });
  try {
    return await attempt(false);
  } catch (err) {
    if (!(err instanceof ConversionProblem)) throw err;
    if (!isLookup) throw fail(err.message);
  }
  // An item added in M-Files since the list was read: read it again once.
  try {
    return await attempt(true);
  } catch (err) {
    if (err instanceof ConversionProblem) throw fail(err.message);
    throw err;
  }
}
