/**
 * The package's public API, by export and kind: a new export is a decision (add it here and to the docs).
 * Checked against the sources (exports.test.ts) and against the packed package (test/consumer).
 */
import type { ExportKind } from './public-api';

export const EXPECTED: Record<string, ExportKind> = {
  // The constructs (high level), their props and results.
  CprUpdateSetup: 'class',
  CprUpdateSetupProps: 'interface',
  CprUpdateIdentifiers: 'interface',
  CPR_UPDATE_OUTPUTS: 'const',
  CvrUpdateSetup: 'class',
  CvrUpdateSetupProps: 'interface',
  CvrUpdateIdentifiers: 'interface',
  CVR_UPDATE_OUTPUTS: 'const',
  UpdateSetup: 'class',
  UpdateServiceHealthCheck: 'interface',
  WorkZoneOAuthClient: 'class',
  WorkZoneOAuthClientProps: 'interface',
  KmdLogicSubscription: 'class',
  KmdLogicSubscriptionProps: 'interface',
  ProductIdCheck: 'type',
  KmdLogicCvrSubscription: 'class',
  KmdLogicCvrSubscriptionProps: 'interface',
  ClientSecret: 'class',
  ClientSecretSource: 'type',
  BoundClientSecret: 'interface',
  GeneratedSecret: 'class',
  GeneratedSecretProps: 'interface',
  // Errors a user may catch.
  PropsValidationError: 'class',
  FieldError: 'interface',
  FrameworkMismatchError: 'class',
  PackageCopy: 'interface',
  // The generated bindings (low level), one namespace per provider.
  workzone: 'namespace',
  kmdlogic: 'namespace',
};

/** The exports that exist at run time (not types), sorted as `Object.keys(require(...)).sort()` gives them. */
export const RUNTIME_EXPORTS: readonly string[] = Object.entries(EXPECTED)
  .filter(([, kind]) => kind === 'class' || kind === 'const' || kind === 'namespace' || kind === 'function')
  .map(([name]) => name)
  .sort();
