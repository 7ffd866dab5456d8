/**
 * What a provider declares: its schema (lib/schemas) plus handlers. The plugin runtime does the rest:
 * handshake, mTLS, gRPC (tfplugin6), the value codec, env fallbacks and defaults, rule checks with
 * attribute paths, generic planning (defaults, unknown computed values, forceNew, write-only), state
 * upgrades by schema version, logging and graceful stop.
 */
import type {
  AppliedConfigOf,
  AttributeNameOf,
  BlockSchema,
  ConfigOf,
  DataSourceConfigOf,
  DataSourceResultOf,
  PlannedOf,
  PlanOf,
  ProviderConfigOf,
  ProviderSchema,
  ReadStateOf,
  StateOf,
  StateResultOf,
} from '../../schemas/types';

import type { ObjectValue } from '../../schemas/types';
export { Unknown, type ObjectValue, type Value } from '../../schemas/types';
export type AttributePath = readonly (string | number)[];

export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly summary: string;
  readonly detail?: string;
  readonly attribute?: AttributePath;
}

/** Thrown by handlers for an expected failure; becomes one error diagnostic. Never put a secret in it. */
export class DiagnosticError extends Error {
  constructor(
    readonly summary: string,
    readonly detail?: string,
    readonly attribute?: AttributePath,
  ) {
    super(detail ? `${summary}: ${detail}` : summary);
  }
}

export interface Logger {
  trace(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface Context {
  readonly log: Logger;
  /** Aborted when terraform calls StopProvider (Ctrl-C): finish in-flight calls, start no new ones. */
  readonly signal: AbortSignal;
  /** Adds a warning (or error) diagnostic to the current response. */
  warn(summary: string, detail?: string, attribute?: AttributePath): void;
  error(summary: string, detail?: string, attribute?: AttributePath): void;
}

/** Opaque per-resource data that round-trips through state, beside the attributes (JSON-serialisable). */
export type PrivateData = Record<string, unknown>;

/** A handler's result: the state (StateResultOf its block) and private data. */
export interface ResourceState<State = ObjectValue> {
  readonly state: State;
  readonly private?: PrivateData;
}

/*
 * Handlers are typed from their block schema B (lib/schemas/types.ts): with the `as const` block, such as
 * ResourceDefinition<WorkzoneClient, typeof workzoneSchema.resources.workzone_oauth_client>, every
 * attribute is read and written by name with its type (null and Unknown only where terraform sends
 * them). Without it (the default `any`: any block) values are ObjectValue, and a definition typed from
 * its block is also one of these: what the runtime (serve, ProviderService) takes. (`any` rather than
 * BlockSchema because TypeScript compares such generic types by their type arguments, and a block's
 * `as const` type is not a BlockSchema in the direction the config parameters would need.)
 */

export interface ResourceDefinition<Client, B extends BlockSchema = any> {
  /** Cross-field checks beyond the schema's per-attribute rules (which the runtime runs). Values may be Unknown. */
  validate?(config: ConfigOf<B>, ctx: Context): void;
  /**
   * Adjusts the runtime's generic plan. `planned` already has defaults applied, unknown computed values on
   * create, and write-only attributes nulled. Return the planned state, optionally with extra attribute
   * names that force replacement. `prior` is null on create.
   */
  plan?(
    req: { prior: StateOf<B> | null; planned: PlanOf<B>; config: ConfigOf<B>; priorPrivate?: PrivateData; client?: Client },
    ctx: Context,
  ): { planned: PlanOf<B>; requiresReplace?: readonly AttributeNameOf<B>[] } | void;
  create(req: { planned: PlannedOf<B>; config: AppliedConfigOf<B>; client: Client }, ctx: Context): Promise<ResourceState<StateResultOf<B>>>;
  /** Returns null when the object no longer exists (terraform then plans to re-create it). */
  read(req: { state: ReadStateOf<B>; private?: PrivateData; client: Client }, ctx: Context): Promise<ResourceState<StateResultOf<B>> | null>;
  update(
    req: { prior: StateOf<B>; planned: PlannedOf<B>; config: AppliedConfigOf<B>; private?: PrivateData; client: Client },
    ctx: Context,
  ): Promise<ResourceState<StateResultOf<B>>>;
  delete(req: { state: StateOf<B>; private?: PrivateData; client: Client }, ctx: Context): Promise<void>;
  /** Returns the state to import (at least the id); terraform then calls read. */
  import?(req: { id: string; client: Client }, ctx: Context): Promise<ResourceState<StateResultOf<B>>>;
  /** Migrates raw state written by an older schema version; unknown keys are dropped by the runtime. */
  upgrade?(req: { version: number; raw: Record<string, unknown> }): Record<string, unknown>;
}

export interface DataSourceDefinition<Client, B extends BlockSchema = any> {
  validate?(config: ConfigOf<B>, ctx: Context): void;
  read(req: { config: DataSourceConfigOf<B>; client: Client }, ctx: Context): Promise<DataSourceResultOf<B>>;
}

/** Provider settings read from the environment: attribute name → the variable it came from. Others came from the configuration (or a default). */
export type SettingSources = Readonly<Record<string, string>>;

export interface ProviderDefinition<Client, S extends ProviderSchema = any> {
  /** (ProviderSchema in the wide view.) */
  readonly schema: 0 extends 1 & S ? ProviderSchema : S;
  /** Cross-field checks of the provider config beyond per-attribute rules. */
  validate?(config: ConfigOf<S['provider']>, ctx: Context): void;
  /**
   * Builds the API client from the provider config, with env fallbacks and defaults already applied.
   * Throw a DiagnosticError naming the setting to fix for missing or wrong settings; `fromEnv` says which
   * settings came from environment variables, so that the error names what the user set.
   */
  configure(config: ProviderConfigOf<S['provider']>, ctx: Context, fromEnv?: SettingSources): Promise<Client>;
  readonly resources: PerType<S['resources'], ResourceDefinition<Client, any>, { readonly [T in keyof S['resources']]: ResourceDefinition<Client, S['resources'][T]> }>;
  readonly dataSources: PerType<S['dataSources'], DataSourceDefinition<Client, any>, { readonly [T in keyof S['dataSources']]: DataSourceDefinition<Client, S['dataSources'][T]> }>;
}

/**
 * A definition per resource (or data source) type. For a wide schema (ProviderSchema, what the runtime
 * takes) any definition of any block: a definition typed from its `as const` block is one of them.
 */
type PerType<Blocks, Wide, Typed> = string extends keyof Blocks ? { readonly [type: string]: Wide } : Typed;
