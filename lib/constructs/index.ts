/**
 * The constructs' public surface, named one by one: what users compose, the props and results they type,
 * and the errors they may catch. Helpers, zod schemas and validation internals stay inside the package.
 */
export { CprUpdateSetup, CPR_UPDATE_OUTPUTS, type CprUpdateSetupProps, type CprUpdateIdentifiers } from './cpr-update-setup';
export { CvrUpdateSetup, CVR_UPDATE_OUTPUTS, type CvrUpdateSetupProps, type CvrUpdateIdentifiers } from './cvr-update-setup';
export { UpdateSetup, type UpdateServiceHealthCheck } from './update-setup';
export { WorkZoneOAuthClient, type WorkZoneOAuthClientProps } from './workzone-oauth-client';
export { KmdLogicSubscription, type KmdLogicSubscriptionProps, type ProductIdCheck } from './kmd-logic-subscription';
export { KmdLogicCvrSubscription, type KmdLogicCvrSubscriptionProps } from './kmd-logic-cvr-subscription';
export { ClientSecret, type ClientSecretSource, type BoundClientSecret } from './client-secret';
export { GeneratedSecret, type GeneratedSecretProps } from './generated-secret';
export { PropsValidationError, type FieldError } from './validation';
export { FrameworkMismatchError, type PackageCopy } from './framework';
