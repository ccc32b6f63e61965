export { createPaperlessSink, paperlessKeyValue } from './paperless-sink';
export { paperlessBackendSchema, type PaperlessBackendDefinition } from './paperless-schema';
