/** The in-house Terraform plugin runtime: declare a provider (types.ts) and call serve(). */
export { serve, startProvider } from './server';
export { extraCaCertificates } from './startup';
export { showValue } from './show';
export * from './types';
