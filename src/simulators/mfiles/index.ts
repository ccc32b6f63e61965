export { MFilesSimulator, simpleValue, startMFilesSimulator } from './mfiles-simulator';
export { MF_DATA_TYPES } from './types';
export type {
  MFDataTypeId,
  MFilesCounters,
  MFilesRequestKind,
  MFilesSimulatorOptions,
  MFilesUser,
  PropertyValueJson,
  SimClass,
  SimObject,
  SimPropertyDef,
  SimValueList,
  StoredFile,
  VaultSchema,
} from './types';
export type { MFilesFaultSpec } from './fault-injector';
