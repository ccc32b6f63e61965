import { randomUUID } from 'node:crypto';
import { notFound, validationError } from './mfws-errors';
import type { Session } from './sessions';
import { checkTypedValue } from './typed-value-check';
import {
  MF_DATA_TYPES,
  type PropertyValueJson,
  type SimObject,
  type StoredFile,
  type TypedValueJson,
} from './types';
import { SERVER_MANAGED_PROPERTIES, type VaultStructure } from './vault-schema';

interface UploadInfoJson {
  UploadID?: unknown;
  Title?: unknown;
  Extension?: unknown;
  Size?: unknown;
}

interface ObjectCreationInfoJson {
  PropertyValues?: unknown;
  Files?: unknown;
}

interface StoredObject extends SimObject {
  guid: string;
  fileGuids: string[];
}

const NAME_PROPERTY = 0;
const SINGLE_FILE_PROPERTY = 22;
const CLASS_PROPERTY = 100;

/** Search results stop here by default, as the web service does (it then sets MoreResults). */
export const DEFAULT_SEARCH_LIMIT = 500;

function hasValue(typed: TypedValueJson): boolean {
  return typed.HasValue !== false;
}

/** Objects, their files and the rules for creating them. */
export class VaultStore {
  private readonly objects = new Map<number, StoredObject>();
  private nextObjectId = 1;
  private nextUploadId = 1;
  private nextFileId = 1;

  constructor(readonly structure: VaultStructure) {}

  upload(session: Session, bytes: Buffer): { UploadID: number; Size: number; FileInformationType: number } {
    const id = this.nextUploadId++;
    session.uploads.set(id, { id, bytes, used: false });
    return { UploadID: id, Size: bytes.length, FileInformationType: 0 };
  }

  /** POST /REST/objects/(type): every check M-Files makes before it creates the object. */
  create(session: Session, objectType: number, body: unknown): StoredObject {
    const info = (body ?? {}) as ObjectCreationInfoJson;
    if (!Array.isArray(info.PropertyValues))
      throw validationError('ObjectCreationInfo.PropertyValues is missing.');
    const uploads = info.Files === undefined || info.Files === null ? [] : info.Files;
    if (!Array.isArray(uploads)) throw validationError('ObjectCreationInfo.Files must be an array.');
    const knownTypes = new Set([...this.structure.classes.values()].map((c) => c.objectType));
    if (!knownTypes.has(objectType)) throw notFound(`The object type ${objectType} does not exist.`);

    const values = new Map<number, TypedValueJson>();
    for (const raw of info.PropertyValues as PropertyValueJson[]) {
      const id = raw?.PropertyDef;
      if (typeof id !== 'number') throw validationError('A property value has no PropertyDef.');
      const def = this.structure.properties.get(id);
      if (!def) throw validationError(`The property definition ${id} does not exist.`);
      if (SERVER_MANAGED_PROPERTIES.has(id))
        throw validationError(`The property ${id} (${def.name}) is set by the server.`);
      if (values.has(id)) throw validationError(`The property ${id} (${def.name}) is given twice.`);
      if (!raw.TypedValue || typeof raw.TypedValue !== 'object') {
        throw validationError(`The property ${id} (${def.name}) has no TypedValue.`);
      }
      values.set(id, checkTypedValue(def, raw.TypedValue, this.structure));
    }

    const classValue = values.get(CLASS_PROPERTY);
    if (!classValue?.Lookup) throw validationError('The class (property 100) is required.');
    const cls = this.structure.classes.get(classValue.Lookup.Item);
    if (!cls || cls.objectType !== objectType) {
      throw validationError(
        `The class ${classValue.Lookup.Item} does not belong to object type ${objectType}.`,
      );
    }
    for (const { property, required } of cls.properties) {
      const value = values.get(property);
      if (required && (!value || !hasValue(value))) {
        const def = this.structure.properties.get(property);
        throw validationError(
          `The property "${def?.name ?? property}" (${property}) is required in class "${cls.name}".`,
        );
      }
    }

    const seen = new Set<unknown>();
    const files = uploads.map((u: UploadInfoJson, index) => {
      if (seen.has(u?.UploadID)) throw validationError(`The upload ${String(u?.UploadID)} is given twice.`);
      seen.add(u?.UploadID);
      return this.takeUpload(session, u, index);
    });
    const singleFileValue = values.get(SINGLE_FILE_PROPERTY);
    const singleFile = singleFileValue?.Value === true;
    if (singleFile && files.length !== 1) {
      throw validationError(
        `A single-file document must have exactly one file; this one has ${files.length}. Set property 22 to false.`,
      );
    }
    for (const u of uploads as UploadInfoJson[]) session.uploads.get(u.UploadID as number)!.used = true;

    const now = new Date().toISOString();
    values.set(20, { DataType: MF_DATA_TYPES.timestamp, HasValue: true, Value: now, DisplayValue: now });
    values.set(21, { DataType: MF_DATA_TYPES.timestamp, HasValue: true, Value: now, DisplayValue: now });
    const title = String(values.get(NAME_PROPERTY)?.Value ?? '');
    const object: StoredObject = {
      id: this.nextObjectId++,
      type: objectType,
      version: 1,
      classId: cls.id,
      title,
      singleFile,
      deleted: false,
      createdUtc: now,
      properties: [...values].map(([PropertyDef, TypedValue]) => ({ PropertyDef, TypedValue })),
      files,
      guid: `{${randomUUID().toUpperCase()}}`,
      fileGuids: files.map(() => `{${randomUUID().toUpperCase()}}`),
    };
    this.objects.set(object.id, object);
    return object;
  }

  private takeUpload(session: Session, u: UploadInfoJson, index: number): StoredFile {
    if (typeof u?.UploadID !== 'number') throw validationError(`Files[${index}] has no UploadID.`);
    const upload = session.uploads.get(u.UploadID);
    // Another session's upload is as unknown to this one as a made-up id.
    if (!upload) throw validationError(`The upload ${u.UploadID} does not exist in this session.`);
    if (upload.used) throw validationError(`The upload ${u.UploadID} has already been used.`);
    if (typeof u.Title !== 'string' || u.Title.trim() === '')
      throw validationError(`Files[${index}] has no Title.`);
    if (u.Extension !== undefined && u.Extension !== null && typeof u.Extension !== 'string') {
      throw validationError(`Files[${index}].Extension must be a string.`);
    }
    if (u.Size !== undefined && u.Size !== upload.bytes.length) {
      throw validationError(
        `Files[${index}].Size ${String(u.Size)} does not match the ${upload.bytes.length} bytes uploaded.`,
      );
    }
    return {
      id: this.nextFileId++,
      title: u.Title,
      extension: typeof u.Extension === 'string' ? u.Extension.replace(/^\./, '') : '',
      bytes: upload.bytes,
    };
  }

  get(objectType: number, id: number): StoredObject {
    const object = this.objects.get(id);
    if (!object || object.type !== objectType)
      throw notFound(`The object ${objectType}-${id} does not exist.`);
    return object;
  }

  setDeleted(objectType: number, id: number, deleted: boolean): StoredObject {
    const object = this.get(objectType, id);
    if (object.deleted !== deleted) {
      object.deleted = deleted;
      object.version++;
    }
    return object;
  }

  /**
   * GET /REST/objects?… : `o` object type, `q` quick search on the title, `p<id>=v` equals,
   * `p<id>*=v` contains, `p<id>^=v` starts with; deleted objects only with `d=include`.
   */
  search(params: URLSearchParams): { Items: unknown[]; MoreResults: boolean } {
    const conditions: Array<(o: StoredObject) => boolean> = [];
    const includeDeleted = params.get('d') === 'include';
    const limit = Number(params.get('limit') ?? DEFAULT_SEARCH_LIMIT) || DEFAULT_SEARCH_LIMIT;
    for (const [key, raw] of params) {
      if (key === 'o') conditions.push((o) => o.type === Number(raw));
      else if (key === 'q') conditions.push((o) => o.title.toLowerCase().includes(raw.toLowerCase()));
      else if (/^p\d+[*^]?$/.test(key)) conditions.push(this.propertyCondition(key, raw));
      else if (key !== 'd' && key !== 'limit') throw validationError(`Unknown search parameter "${key}".`);
    }
    const hits = [...this.objects.values()].filter(
      (o) => (includeDeleted || !o.deleted) && conditions.every((c) => c(o)),
    );
    return { Items: hits.slice(0, limit).map((o) => this.versionJson(o)), MoreResults: hits.length > limit };
  }

  private propertyCondition(key: string, raw: string): (o: StoredObject) => boolean {
    const operator = key.endsWith('*') ? 'contains' : key.endsWith('^') ? 'starts' : 'equals';
    const id = Number(key.replace(/^p|[*^]$/g, ''));
    const def = this.structure.properties.get(id);
    if (!def) throw notFound(`The property definition ${id} does not exist.`);
    return (o) => {
      const typed = o.properties.find((p) => p.PropertyDef === id)?.TypedValue;
      if (!typed || !hasValue(typed)) return raw === '';
      if (typed.Lookup) return String(typed.Lookup.Item) === raw;
      if (typed.Lookups) return typed.Lookups.some((l) => String(l.Item) === raw);
      const stored = String(typed.Value);
      if (operator === 'contains') return stored.toLowerCase().includes(raw.toLowerCase());
      if (operator === 'starts') return stored.toLowerCase().startsWith(raw.toLowerCase());
      return stored === raw;
    };
  }

  /** ObjectVersion JSON. */
  versionJson(o: StoredObject): Record<string, unknown> {
    return {
      ObjVer: { ID: o.id, Type: o.type, Version: o.version },
      Title: o.title,
      DisplayID: String(o.id),
      Class: o.classId,
      ObjectGUID: o.guid,
      CheckedOutTo: 0,
      ObjectCheckedOut: false,
      Deleted: o.deleted,
      SingleFile: o.singleFile,
      CreatedUtc: o.createdUtc,
      LastModifiedUtc: o.createdUtc,
      VisibleAfterOperation: true,
      Files: o.files.map((f, i) => ({
        ID: f.id,
        Name: f.title,
        Extension: f.extension,
        Size: f.bytes.length,
        Version: 1,
        FileGUID: o.fileGuids[i],
        ChangeTimeUtc: o.createdUtc,
      })),
    };
  }

  all(): SimObject[] {
    // structuredClone would turn the Buffers into plain Uint8Arrays.
    return [...this.objects.values()].map(({ guid: _guid, fileGuids: _fileGuids, files, ...rest }) => ({
      ...structuredClone(rest),
      files: files.map((f) => ({ ...f, bytes: Buffer.from(f.bytes) })),
    }));
  }
}
