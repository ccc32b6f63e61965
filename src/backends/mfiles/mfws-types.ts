/**
 * The M-Files Web Service (MFWS) JSON structures the sink sends and reads, named as in the
 * published REST reference.
 */

/** MFDataType. */
export const DataType = {
  Text: 1,
  Integer: 2,
  Floating: 3,
  Date: 5,
  Time: 6,
  Timestamp: 7,
  Boolean: 8,
  Lookup: 9,
  MultiSelectLookup: 10,
  Integer64: 11,
  MultiLineText: 13,
} as const;

export type DataTypeId = (typeof DataType)[keyof typeof DataType];

const DATA_TYPE_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(DataType).map(([name, id]) => [id, name]),
);

export function dataTypeName(id: number): string {
  return DATA_TYPE_NAMES[id] ?? `data type ${id}`;
}

/** Built-in property definitions postroom sets itself. */
export const BuiltInProperty = {
  NameOrTitle: 0,
  SingleFile: 22,
  Class: 100,
} as const;

export interface Lookup {
  Item: number;
  /** -1 = the latest version of the item, which is what a value-list choice means. */
  Version: number;
}

export interface TypedValue {
  DataType: number;
  Value?: string | number | boolean | null;
  Lookup?: Lookup;
  Lookups?: Lookup[];
}

export interface PropertyValue {
  PropertyDef: number;
  TypedValue: TypedValue;
}

export interface UploadInfo {
  UploadID: number;
  Size: number;
  Title?: string;
  Extension?: string;
  FileInformationType?: number;
}

export interface ObjectCreationInfo {
  PropertyValues: PropertyValue[];
  Files: UploadInfo[];
}

export interface ObjectVersion {
  ObjVer: { ID: number; Type: number; Version: number };
  Title?: string;
  Deleted?: boolean;
  SingleFile?: boolean;
  Files?: Array<{ ID: number; Name: string; Extension: string; Size: number }>;
}

export interface Results<T> {
  Items: T[];
  MoreResults: boolean;
}

export interface ObjectClassJson {
  ID: number;
  Name: string;
  ObjectType: number;
  AssociatedPropertyDefs?: Array<{ PropertyDef: number; Required: boolean }>;
}

export interface PropertyDefJson {
  ID: number;
  Name: string;
  DataType: number;
  ValueList?: number;
}

export interface ValueListItemJson {
  ID: number;
  Name: string;
}

/** The body M-Files sends with an error status. */
export interface WebServiceError {
  Status?: number;
  URL?: string;
  Method?: string;
  Exception?: { Name?: string; Message?: string };
  Message?: string;
}
