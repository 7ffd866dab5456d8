/**
 * What a provider declares: its schema (lib/schemas) plus handlers. The plugin runtime does the rest:
 * handshake, mTLS, gRPC (tfplugin6), the value codec, env fallbacks and defaults, rule checks with
 * attribute paths, generic planning (defaults, unknown computed values, forceNew, write-only), state
 * upgrades by schema version, logging and graceful stop.
 */
import type { ProviderSchema } from '../../schemas/types';

/** A value terraform does not know yet (plan time). */
export const Unknown: unique symbol = Symbol.for('workzone-cpr.unknown');
export type Unknown = typeof Unknown;

export type Value = null | string | number | boolean | Unknown | Value[] | { [name: string]: Value };
/** An object with exactly the attributes of its block schema (missing ones are null). */
export type ObjectValue = { [name: string]: Value };
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

export interface ResourceState {
  readonly state: ObjectValue;
  readonly private?: PrivateData;
}

export interface ResourceDefinition<Client> {
  /** Cross-field checks beyond the schema's per-attribute rules (which the runtime runs). Values may be Unknown. */
  validate?(config: ObjectValue, ctx: Context): void;
  /**
   * Adjusts the runtime's generic plan. `planned` already has defaults applied, unknown computed values on
   * create, and write-only attributes nulled. Return the planned state, optionally with extra attribute
   * names that force replacement. `prior` is null on create.
   */
  plan?(
    req: { prior: ObjectValue | null; planned: ObjectValue; config: ObjectValue; priorPrivate?: PrivateData; client?: Client },
    ctx: Context,
  ): { planned: ObjectValue; requiresReplace?: readonly string[] } | void;
  create(req: { planned: ObjectValue; config: ObjectValue; client: Client }, ctx: Context): Promise<ResourceState>;
  /** Returns null when the object no longer exists (terraform then plans to re-create it). */
  read(req: { state: ObjectValue; private?: PrivateData; client: Client }, ctx: Context): Promise<ResourceState | null>;
  update(
    req: { prior: ObjectValue; planned: ObjectValue; config: ObjectValue; private?: PrivateData; client: Client },
    ctx: Context,
  ): Promise<ResourceState>;
  delete(req: { state: ObjectValue; private?: PrivateData; client: Client }, ctx: Context): Promise<void>;
  /** Returns the state to import (at least the id); terraform then calls read. */
  import?(req: { id: string; client: Client }, ctx: Context): Promise<ResourceState>;
  /** Migrates raw state written by an older schema version; unknown keys are dropped by the runtime. */
  upgrade?(req: { version: number; raw: Record<string, unknown> }): Record<string, unknown>;
}

export interface DataSourceDefinition<Client> {
  validate?(config: ObjectValue, ctx: Context): void;
  read(req: { config: ObjectValue; client: Client }, ctx: Context): Promise<ObjectValue>;
}

/** Provider settings read from the environment: attribute name → the variable it came from. Others came from the configuration (or a default). */
export type SettingSources = Readonly<Record<string, string>>;

export interface ProviderDefinition<Client> {
  readonly schema: ProviderSchema;
  /** Cross-field checks of the provider config beyond per-attribute rules. */
  validate?(config: ObjectValue, ctx: Context): void;
  /**
   * Builds the API client from the provider config, with env fallbacks and defaults already applied.
   * Throw a DiagnosticError naming the setting to fix for missing or wrong settings; `fromEnv` says which
   * settings came from environment variables, so that the error names what the user set.
   */
  configure(config: ObjectValue, ctx: Context, fromEnv?: SettingSources): Promise<Client>;
  readonly resources: { readonly [type: string]: ResourceDefinition<Client> };
  readonly dataSources: { readonly [type: string]: DataSourceDefinition<Client> };
}
