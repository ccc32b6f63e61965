export { startGraphSimulator } from './graph-simulator';
export { msalAuthOptions } from './msal-config';
export { generateSampleMessages, SAMPLE_VARIANTS } from './sample-mail';
export type {
  AddMessageOptions,
  GraphSimulator,
  GraphSimulatorOptions,
  RegisteredApp,
  SimulatorCounters,
  StoredDriveItem,
  StoredMessage,
} from './types';
export type { DriveColumn } from './drive-store';
export type { FaultSpec, RandomFaults } from './fault-injector';
