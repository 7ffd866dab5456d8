export * from './client-secret';
export * from './generated-secret';
export * from './workzone-oauth-client';
export * from './kmd-logic-subscription';
export * from './cpr-update-setup';
export { PropsValidationError, type FieldError } from './validation';
export { FrameworkMismatchError, type PackageCopy } from './framework';
