/**
 * Type-level tests of the object types derived from `as const` schemas (lib/schemas/types.ts). They are
 * checked by the type-check (`npx tsc --noEmit -p tsconfig.test.json`, the first step of `npm test`): an
 * `Expect<Equal<...>>` that does not hold, or an `@ts-expect-error` line that compiles, fails it. The jest
 * test below only keeps the file a test file and checks the one runtime value, Unknown.
 */
import { Unknown as RuntimeUnknown } from '../../lib/providers/plugin/types';
import { workzoneSchema } from '../../lib/schemas/workzone';
import type {
  AppliedConfigOf,
  ConfigOf,
  DataSourceConfigOf,
  DataSourceResultOf,
  KnownValueOf,
  ObjectValue,
  PlannedOf,
  PlanOf,
  ProviderConfigOf,
  ReadStateOf,
  StateOf,
  StateResultOf,
  Unknown,
} from '../../lib/schemas/types';
import { Unknown as SchemaUnknown } from '../../lib/schemas/types';
import type { BlockSchema } from '../../lib/schemas/types';
import { fixtureSchema } from '../providers/plugin/fixture/definition';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

type Client = typeof workzoneSchema.resources.workzone_oauth_client;
type User = typeof workzoneSchema.dataSources.workzone_user;
type Provider = typeof workzoneSchema.provider;
type File = typeof fixtureSchema.resources.fixture_file;

// A required attribute: never null in config; Unknown only where terraform can send it (plan time).
export type RequiredAttribute = [
  Expect<Equal<ConfigOf<Client>['client_id'], string | Unknown>>,
  Expect<Equal<AppliedConfigOf<Client>['client_id'], string>>,
  Expect<Equal<PlanOf<Client>['client_id'], string | Unknown>>,
  Expect<Equal<PlannedOf<Client>['client_id'], string>>,
  Expect<Equal<StateOf<Client>['client_id'], string>>,
  Expect<Equal<ReadStateOf<Client>['client_id'], string | null>>, // after an import
];

// An optional attribute with a default: null in config, filled by the plan.
export type DefaultAttribute = [
  Expect<Equal<ConfigOf<Client>['enabled'], boolean | null | Unknown>>,
  Expect<Equal<AppliedConfigOf<Client>['enabled'], boolean | null>>,
  Expect<Equal<PlanOf<Client>['enabled'], boolean | Unknown>>,
  Expect<Equal<PlannedOf<Client>['enabled'], boolean>>,
  Expect<Equal<StateOf<Client>['enabled'], boolean>>,
];

// Optional and computed (the provider fills it): may stay Unknown in the plan until apply sets it.
export type ProviderFilledAttribute = [
  Expect<Equal<ConfigOf<Client>['client_secret'], string | null | Unknown>>,
  Expect<Equal<PlannedOf<Client>['client_secret'], string | null | Unknown>>,
  Expect<Equal<StateOf<Client>['client_secret'], string | null>>,
];

// Computed only: never in config; the id is never null in state (the runtime refuses state without it).
export type ComputedAttribute = [
  Expect<Equal<ConfigOf<Client>['id'], null>>,
  Expect<Equal<PlannedOf<Client>['id'], string | null | Unknown>>,
  Expect<Equal<StateOf<Client>['id'], string>>,
  Expect<Equal<ReadStateOf<Client>['id'], string>>,
  Expect<Equal<StateOf<File>['generation'], number | null>>,
];

// Write-only: in config (where the handler reads it at apply), null in plan and state.
export type WriteOnlyAttribute = [
  Expect<Equal<ConfigOf<Client>['client_secret_wo'], string | null | Unknown>>,
  Expect<Equal<AppliedConfigOf<Client>['client_secret_wo'], string | null>>,
  Expect<Equal<PlannedOf<Client>['client_secret_wo'], null>>,
  Expect<Equal<StateOf<Client>['client_secret_wo'], null>>,
  Expect<Equal<StateResultOf<Client>['client_secret_wo'], null | undefined>>,
];

// Collections: elements may be null, and at plan time Unknown at any depth.
export type Collections = [
  Expect<Equal<StateOf<File>['tags'], { [key: string]: string | null } | null>>,
  Expect<Equal<ConfigOf<File>['tags'], { [key: string]: string | Unknown | null } | Unknown | null>>,
  Expect<Equal<KnownValueOf<readonly ['list', readonly ['object', { readonly a: 'number' }]]>, ({ a: number | null } | null)[]>>,
];

// Provider settings: env fallbacks and defaults applied before configure; data source config at read.
export type Settings = [
  Expect<Equal<ProviderConfigOf<Provider>['odata_path'], string | Unknown>>,
  Expect<Equal<ProviderConfigOf<Provider>['url'], string | null | Unknown>>,
  Expect<Equal<DataSourceConfigOf<User>['initials'], string>>,
  Expect<Equal<DataSourceConfigOf<User>['name'], null>>,
  Expect<Equal<DataSourceResultOf<User>['active'], boolean | null | undefined>>,
];

// A wide block (not `as const`) gives ObjectValue, as the runtime's own code uses.
export type Wide = [Expect<Equal<StateOf<BlockSchema>, ObjectValue>>, Expect<Equal<ConfigOf<BlockSchema>, ObjectValue>>];

// A misspelt attribute is a compile error, reading and writing (type-checked, never called).
export function compileErrors(planned: PlannedOf<Client>): unknown[] {
  return [
    // @ts-expect-error: no attribute client_nmae
    planned.client_nmae,
    // @ts-expect-error: no attribute client_nmae
    { client_nmae: 'x' } satisfies StateResultOf<Client>,
    // @ts-expect-error: a write-only attribute cannot be returned in state
    { client_secret_wo: 'secret' } satisfies StateResultOf<Client>,
    // @ts-expect-error: a required attribute is known at apply, so a check for Unknown is a type error
    planned.client_id === RuntimeUnknown,
  ];
}

test('Unknown is one runtime value, shared by the schemas and the plugin runtime', () => {
  expect(SchemaUnknown).toBe(RuntimeUnknown);
  expect(SchemaUnknown).toBe(Symbol.for('workzone-cpr.unknown'));
});
