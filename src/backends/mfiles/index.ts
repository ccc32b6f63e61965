export { createMFilesSink, MFilesSink, type MFilesSinkDeps } from './mfiles-sink';
export { mfilesBackendSchema, type MFilesBackendDefinition, type MFilesBackendInput } from './mfiles-config';
export { deliveryKeyValue } from './delivery-key';
