export { PaperlessSimulator, startPaperlessSimulator } from './paperless-simulator';
export type {
  CustomFieldDataType,
  PaperlessCounters,
  PaperlessFaultSpec,
  PaperlessRandomFaults,
  PaperlessSimulatorOptions,
  PaperlessTaskStatus,
  StoredPaperlessDocument,
  StoredPaperlessTask,
} from './types';
