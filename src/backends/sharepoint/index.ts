export { createSharePointSink } from './sharepoint-sink';
export { sharepointBackendSchema, type SharePointBackendDefinition } from './sharepoint-schema';
