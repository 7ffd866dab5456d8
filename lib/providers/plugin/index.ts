/** The in-house Terraform plugin runtime: declare a provider (types.ts) and call serve(). */
export { serve, startProvider } from './server';
export { caCertificates } from './extra-ca';
export * from './types';
