/**
 * The M-Files REST (MFWS) simulator's public types. JSON field names follow the published
 * M-Files Web Service structures (PascalCase); the simulator's own options are camelCase.
 */

/** MFDataType values the simulator knows; the numbers are M-Files' own. */
export const MF_DATA_TYPES = {
  text: 1,
  integer: 2,
  floating: 3,
  date: 5,
  time: 6,
  timestamp: 7,
  boolean: 8,
  lookup: 9,
  multiSelectLookup: 10,
  integer64: 11,
  multiLineText: 13,
} as const;

export type MFDataTypeId = (typeof MF_DATA_TYPES)[keyof typeof MF_DATA_TYPES];

export interface SimPropertyDef {
  id: number;
  name: string;
  dataType: MFDataTypeId;
  /** For Lookup and MultiSelectLookup: the value list the items come from. */
  valueList?: number;
}

export interface SimClass {
  id: number;
  name: string;
  /** Object type the class belongs to; 0 (Document) when omitted. */
  objectType?: number;
  /** Property definitions associated with the class; `required` ones must have a value on creation. */
  properties?: Array<{ property: number; required?: boolean }>;
}

export interface SimValueListItem {
  id: number;
  name: string;
  /** Deleted items still exist but cannot be chosen. */
  deleted?: boolean;
}

export interface SimValueList {
  id: number;
  name: string;
  items: SimValueListItem[];
}

/** A vault's metadata structure. Built-in definitions (0, 22, 83, 100, classes 0 and 1) are always there. */
export interface VaultSchema {
  classes?: SimClass[];
  properties?: SimPropertyDef[];
  valueLists?: SimValueList[];
}

export interface MFilesUser {
  username: string;
  password: string;
}

export interface MFilesSimulatorOptions {
  /** The vault's GUID without braces; random when omitted. */
  vaultGuid?: string;
  /** Accounts that may log in; one `postroom` account when omitted. */
  users?: MFilesUser[];
  schema?: VaultSchema;
  /** How long an authentication token stays valid (default 30 minutes, like an idle web session). */
  tokenLifetimeMs?: number;
  /**
   * Old IIS set-ups: only `.aspx` paths reach the web service, and only GET and POST pass
   * (PUT and DELETE go as `POST …?_method=PUT`). Other requests get IIS's HTML error pages.
   */
  legacyAspx?: boolean;
  /** Added to every response. */
  latencyMs?: number;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
}

/** Request kinds, for counters and fault targeting. */
export type MFilesRequestKind =
  | 'authenticate'
  | 'upload'
  | 'create'
  | 'search'
  | 'object'
  | 'properties'
  | 'file-content'
  | 'deleted'
  | 'structure'
  | 'value-list'
  | 'other';

export interface MFilesCounters {
  requests: Partial<Record<MFilesRequestKind, number>>;
  byStatus: Record<string, number>;
  tokensIssued: number;
  objectsCreated: number;
  faultsInjected: Record<string, number>;
  /** Connections refused while the simulator was down (counted on restart: none reach it). */
  downPeriods: number;
}

/** A property value as M-Files returns it. */
export interface PropertyValueJson {
  PropertyDef: number;
  TypedValue: TypedValueJson;
}

export interface LookupJson {
  Item: number;
  Version: number;
  DisplayValue?: string;
  Deleted?: boolean;
}

export interface TypedValueJson {
  DataType: number;
  HasValue?: boolean;
  Value?: unknown;
  Lookup?: LookupJson;
  Lookups?: LookupJson[];
  DisplayValue?: string;
}

export interface StoredFile {
  id: number;
  /** File name without extension (M-Files calls it Title, shown as Name in ObjectFile). */
  title: string;
  extension: string;
  bytes: Buffer;
}

/** A document as tests see it. */
export interface SimObject {
  id: number;
  type: number;
  version: number;
  classId: number;
  title: string;
  singleFile: boolean;
  deleted: boolean;
  createdUtc: string;
  /** Property values as stored (Text already cut to 100 characters). */
  properties: PropertyValueJson[];
  files: StoredFile[];
}
