/** Public exports: the constructs users compose, the generated provider bindings, and the schemas. */
export * from './constructs';
export * from './bindings';
export { workzoneSchema, CPR_BATCH_USER, CPR_GRANT_TYPE, DEFAULT_CLIENT_NAME } from './schemas/workzone';
export { kmdlogicSchema } from './schemas/kmdlogic';
