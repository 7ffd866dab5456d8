/**
 * The package's public API, on purpose:
 * - the constructs (high level): `CprUpdateSetup` and its parts, with their props, results and errors;
 * - the generated provider bindings (low level, like a prebuilt `@cdktf/provider-*` package), one namespace
 *   per provider: `workzone.*`, `kmdlogic.*`.
 * Everything else (provider schemas, zod schemas, validation helpers, the providers' and emulators' code) is
 * internal and may change in any release. test/surface/exports.test.ts holds the list.
 */
export * from './constructs';
export * from './bindings';
