export { startGraphSimulator } from './graph-simulator';
export { msalAuthOptions } from './msal-config';
export { generateSampleMessages, SAMPLE_VARIANTS } from './sample-mail';
export type {
  AddMessageOptions,
  GraphSimulator,
  GraphSimulatorOptions,
  RegisteredApp,
  SimulatorCounters,
  StoredMessage,
} from './types';
export type { FaultSpec, RandomFaults } from './fault-injector';
