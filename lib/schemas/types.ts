/**
 * The shape of our providers' schemas: the one source of truth for the providers (which serve them
 * over the plugin protocol), the CDKTF bindings (generated from them) and the reference docs.
 *
 * Plain data plus pure rule functions, no dependencies: the providers load this at start-up.
 */

/** A Terraform (cty) type, written the way the plugin protocol spells it in JSON. */
export type AttributeType =
  | 'string'
  | 'bool'
  | 'number'
  | readonly ['list', AttributeType]
  | readonly ['set', AttributeType]
  | readonly ['map', AttributeType]
  | readonly ['object', { readonly [name: string]: AttributeType }];

/**
 * A field rule shared by the constructs (zod) and the providers (ValidateResourceConfig), so that HCL
 * users and construct users get the same error for the same bad value. Returns a message that says what
 * is wrong and how to fix it, or undefined when the value is fine. Never echo the value of a secret.
 */
export interface Rule {
  (value: unknown): string | undefined;
  /**
   * The same check as a Terraform condition, where terraform itself must check (the validation block of
   * a variable the constructs create): the condition on an expression, and the message when it fails.
   */
  readonly terraform?: { readonly condition: (expression: string) => string; readonly message: string };
}

export interface AttributeSchema {
  readonly type: AttributeType;
  readonly description: string;
  /** Exactly one of required / optional / computed-only describes who sets the value. */
  readonly required?: boolean;
  readonly optional?: boolean;
  readonly computed?: boolean;
  readonly sensitive?: boolean;
  /** Terraform 1.11 write-only: never stored in plan or state. */
  readonly writeOnly?: boolean;
  /** A change plans a replacement (requires_replace). */
  readonly forceNew?: boolean;
  /** Value the provider uses when the attribute is null (the attribute is then optional + computed). */
  readonly default?: string | number | boolean;
  /** Provider settings only: environment variables read, in order, when the attribute is null. */
  readonly env?: readonly string[];
  /** Checked on literal (known) values only. */
  readonly rules?: readonly Rule[];
  readonly deprecated?: string;
}

export interface BlockSchema {
  /** Bumped on every change of state shape; the provider upgrades older state. */
  readonly version: number;
  readonly description: string;
  readonly attributes: { readonly [name: string]: AttributeSchema };
}

export interface ProviderSchema {
  /** Provider type name, the prefix of its resource names. */
  readonly name: string;
  /** Source address; outside the public registry's namespace. */
  readonly source: string;
  readonly version: string;
  readonly provider: BlockSchema;
  readonly resources: { readonly [type: string]: BlockSchema };
  readonly dataSources: { readonly [type: string]: BlockSchema };
}

/**
 * A value terraform does not know yet (plan time: an attribute set from another resource's computed
 * value, or one the provider computes). The plugin runtime decodes msgpack's unknown as this symbol.
 */
export const Unknown: unique symbol = Symbol.for('workzone-cpr.unknown');
export type Unknown = typeof Unknown;

/** Any attribute value, of any type, as the plugin runtime hands it to handlers. */
export type Value = null | string | number | boolean | Unknown | Value[] | { [name: string]: Value };
/** An object with exactly the attributes of its block schema (missing ones are null). */
export type ObjectValue = { [name: string]: Value };

/*
 * Object types derived from an `as const` schema, one per moment of the protocol, so that handlers read
 * and write attributes by name and a misspelt one is a compile error:
 *
 *   type Planned = PlannedOf<typeof workzoneSchema.resources.workzone_oauth_client>;
 *   // { id: string | null | Unknown; client_id: string; client_name: string; client_secret_wo: null; ... }
 *
 * Each attribute gets null where terraform (or the runtime) can send null and Unknown where it can send
 * Unknown, from the attribute's role: required; optional; optional with a default (the runtime fills it);
 * computed only (the provider sets it); write-only (never in plan or state). Elements of lists, sets, maps
 * and object attributes may be null, as terraform allows. A wide BlockSchema (no `as const`) gives
 * ObjectValue, so code written against ObjectValue keeps compiling.
 */

/** A value of an attribute type in which any part may be `U` (Unknown at plan time, never when known). */
type ValueOf<T extends AttributeType, U> =
  | U
  | (T extends 'string'
      ? string
      : T extends 'number'
        ? number
        : T extends 'bool'
          ? boolean
          : T extends readonly ['list' | 'set', infer E extends AttributeType]
            ? (ValueOf<E, U> | null)[]
            : T extends readonly ['map', infer E extends AttributeType]
              ? { [key: string]: ValueOf<E, U> | null }
              : T extends readonly ['object', infer A extends { readonly [name: string]: AttributeType }]
                ? { -readonly [K in keyof A]: ValueOf<A[K], U> | null }
                : never);

/** A known value of an attribute type. */
export type KnownValueOf<T extends AttributeType> = ValueOf<T, never>;
/** A value of an attribute type of which any part may be Unknown (config at plan time). */
export type PlanValueOf<T extends AttributeType> = ValueOf<T, Unknown>;

type Role = 'required' | 'optional' | 'default' | 'computed' | 'writeOnly';
/** Who sets an attribute, in the order lib/providers/plugin/schema.ts (attributeFlags) decides it. */
type RoleOf<A> = A extends { readonly writeOnly: true }
  ? 'writeOnly'
  : A extends { readonly required: true }
    ? 'required'
    : A extends { readonly default: string | number | boolean }
      ? 'default'
      : A extends { readonly optional: true }
        ? 'optional'
        : 'computed';
/** Optional and computed without a default: the provider fills it when the config leaves it null. */
type ProviderFilled<A> = A extends { readonly optional: true; readonly computed: true } ? true : false;

/** Null and Unknown as each moment allows them, by role: [null allowed, Unknown allowed]. */
interface Moments {
  /** Config as written (validate, plan): values from other resources may be Unknown. */
  config: { required: [false, true]; optional: [true, true]; default: [true, true]; computed: 'null'; writeOnly: [true, true] };
  /** Config at apply: wholly known. */
  appliedConfig: { required: [false, false]; optional: [true, false]; default: [true, false]; computed: 'null'; writeOnly: [true, false] };
  /** Provider config at configure: env fallbacks and defaults applied; may still hold Unknown at plan time. */
  providerConfig: { required: [false, true]; optional: [true, true]; default: [false, true]; computed: 'null'; writeOnly: [true, true] };
  /** Data source config at read: known, defaults applied; computed attributes null (the read sets them). */
  dataSourceConfig: { required: [false, false]; optional: [true, false]; default: [false, false]; computed: 'null'; writeOnly: [true, false] };
  /** Planned state in the plan hook: defaults applied, computed values Unknown on create, write-only null. */
  plan: { required: [false, true]; optional: [true, true]; default: [false, true]; computed: [true, true]; writeOnly: 'null' };
  /** Planned state at apply: what the config sets is known; what the provider computes may be Unknown. */
  planned: { required: [false, false]; optional: [true, false]; default: [false, false]; computed: [true, true]; writeOnly: 'null' };
  /** State as the provider wrote it: known, write-only null. */
  state: { required: [false, false]; optional: [true, false]; default: [false, false]; computed: [true, false]; writeOnly: 'null' };
}
type Moment = keyof Moments;

type Allow<T extends AttributeType, Rule> = Rule extends 'null'
  ? null
  : Rule extends [infer Nullable, infer Unknowable]
    ? (Unknowable extends true ? PlanValueOf<T> : KnownValueOf<T>) | (Nullable extends true ? null : never)
    : never;

type AttributeValueOf<A extends AttributeSchema, M extends Moment> =
  ProviderFilled<A> extends true
    ? M extends 'plan' | 'planned'
      ? Allow<A['type'], Moments[M]['computed']>
      : Allow<A['type'], Moments[M]['optional']>
    : Allow<A['type'], Moments[M][RoleOf<A> & Role]>;

/** The object of a block at a moment; ObjectValue for a wide (not `as const`) block. */
export type ObjectOf<B extends BlockSchema, M extends Moment> = string extends keyof B['attributes']
  ? ObjectValue
  : { -readonly [K in keyof B['attributes']]: AttributeValueOf<B['attributes'][K], M> };

/** Resource or data source config as terraform sends it to validate and plan; may hold Unknown. */
export type ConfigOf<B extends BlockSchema> = ObjectOf<B, 'config'>;
/** Resource config at apply (create, update): wholly known, write-only values included. */
export type AppliedConfigOf<B extends BlockSchema> = ObjectOf<B, 'appliedConfig'>;
/** Provider config as configure gets it: env fallbacks and defaults applied; may hold Unknown. */
export type ProviderConfigOf<B extends BlockSchema> = ObjectOf<B, 'providerConfig'>;
/** Data source config as its read gets it: known, defaults applied. */
export type DataSourceConfigOf<B extends BlockSchema> = ObjectOf<B, 'dataSourceConfig'>;
/** The planned state a plan hook adjusts. */
export type PlanOf<B extends BlockSchema> = ObjectOf<B, 'plan'>;
/** The planned state create and update get: computed attributes may still be Unknown, for them to set. */
export type PlannedOf<B extends BlockSchema> = ObjectOf<B, 'planned'>;
/**
 * A resource's state as the provider wrote it (prior state of plan, update and delete). Its `id` is never
 * null: the runtime refuses state without it (the handlers find the remote object by it).
 */
export type StateOf<B extends BlockSchema> = string extends keyof B['attributes']
  ? ObjectValue
  : { [K in keyof ObjectOf<B, 'state'>]: K extends 'id' ? Exclude<ObjectOf<B, 'state'>[K], null> : ObjectOf<B, 'state'>[K] };
/** The state read gets: after an import only what import returned, so every attribute but `id` may be null. */
export type ReadStateOf<B extends BlockSchema> = string extends keyof B['attributes']
  ? ObjectValue
  : { [K in keyof StateOf<B>]: K extends 'id' ? StateOf<B>[K] : StateOf<B>[K] | null };
/**
 * State a handler returns: attributes it leaves out take the planned value on create and update and null
 * elsewhere; write-only ones can only be null.
 */
export type StateResultOf<B extends BlockSchema> = string extends keyof B['attributes'] ? ObjectValue : Partial<StateOf<B>>;
/** What a data source read returns: attributes it leaves out keep their config value. */
export type DataSourceResultOf<B extends BlockSchema> = string extends keyof B['attributes'] ? ObjectValue : Partial<StateOf<B>>;
/** The attribute names of a block. */
export type AttributeNameOf<B extends BlockSchema> = keyof B['attributes'] & string;

/** Runs an attribute's rules on a known, non-null value and returns the first failure. */
export function checkRules(attribute: AttributeSchema, value: unknown): string | undefined {
  for (const rule of attribute.rules ?? []) {
    const message = rule(value);
    if (message !== undefined) return message;
  }
  return undefined;
}
