/**
 * tfplugin6.Provider implemented generically over a ProviderDefinition: decoding, schema-driven
 * validation, planning and state shaping here; API calls in the definition's handlers.
 */
import type { BlockSchema } from '../../schemas/types';
import { createContext } from './context';
import { errorToDiagnostic, toWireDiagnostic, attributePathToWire } from './diagnostics';
import type { HclogLogger } from './log';
import { genericPlan, replaceTriggers, withDefaults } from './planning';
import type { MessageInit } from './protobuf/codec';
import type { DynamicValue, ProviderRpcs } from './protobuf/messages';
import { attributeEntries, wireProviderSchema } from './schema';
import { Secrets, redactObject } from './secrets';
import type { ProviderHandlers } from './services';
import { shorten } from './show';
import { completeState, decodePrivate, encodePrivate, pickSchemaKeys } from './state';
import { DiagnosticError, type Context, type Diagnostic, type ObjectValue, type ProviderDefinition } from './types';
import { checkAttributeRules, resolveProviderConfig, writeOnlyNotAllowed } from './validation';
import { blockType, decodeObject, encodeDynamic, fromWire } from './values';

type Rpc = keyof ProviderRpcs;
type Request<R extends Rpc> = MessageInit<ProviderRpcs[R]['request']>;
/** A response as a body builds it; call() adds the diagnostics. */
type Response<R extends Rpc> = Omit<MessageInit<ProviderRpcs[R]['response']>, 'diagnostics'>;

interface Call<R extends Rpc> {
  ctx: Context;
  diagnostics: Diagnostic[];
  secrets: Secrets;
  log: HclogLogger;
  /** What the response must still carry if the body throws (such as the state to keep after a failed apply). */
  fallback?: Response<R>;
}

const NIL = (block: BlockSchema) => encodeDynamic(null, blockType(block));

export class ProviderService<Client> {
  private client: Client | undefined;
  private configured = false;
  private readonly stopController = new AbortController();
  /** Secrets of the provider config, scrubbed from every log line and diagnostic of this process. */
  private readonly providerSecrets = new Secrets();

  constructor(
    private readonly definition: ProviderDefinition<Client>,
    private readonly log: HclogLogger,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  get stopSignal(): AbortSignal {
    return this.stopController.signal;
  }

  /** The RPCs by name. */
  handlers(): ProviderHandlers {
    return {
      GetMetadata: async () => this.getMetadata(),
      GetProviderSchema: async () => wireProviderSchema(this.definition.schema),
      GetFunctions: async () => ({ diagnostics: [] }),
      ValidateProviderConfig: (req) => this.call('ValidateProviderConfig', undefined, (c) => this.validateProviderConfig(req, c)),
      ValidateResourceConfig: (req) => this.call('ValidateResourceConfig', req.type_name, (c) => this.validateResourceConfig(req, c)),
      ValidateDataResourceConfig: (req) => this.call('ValidateDataResourceConfig', req.type_name, (c) => this.validateDataSourceConfig(req, c)),
      ConfigureProvider: (req) => this.call('ConfigureProvider', undefined, (c) => this.configure(req, c)),
      UpgradeResourceState: (req) => this.call('UpgradeResourceState', req.type_name, (c) => this.upgrade(req, c)),
      ReadResource: (req) => this.call('ReadResource', req.type_name, (c) => this.read(req, c)),
      PlanResourceChange: (req) => this.call('PlanResourceChange', req.type_name, (c) => this.plan(req, c)),
      ApplyResourceChange: (req) => this.call('ApplyResourceChange', req.type_name, (c) => this.apply(req, c)),
      ImportResourceState: (req) => this.call('ImportResourceState', req.type_name, (c) => this.importState(req, c)),
      ReadDataSource: (req) => this.call('ReadDataSource', req.type_name, (c) => this.readDataSource(req, c)),
      StopProvider: async () => {
        this.log.info('stop requested: aborting in-flight operations');
        this.stopController.abort();
        return {};
      },
    };
  }

  private getMetadata(): MessageInit<ProviderRpcs['GetMetadata']['response']> {
    return {
      server_capabilities: { get_provider_schema_optional: true },
      diagnostics: [],
      resources: Object.keys(this.definition.schema.resources).map((type_name) => ({ type_name })),
      data_sources: Object.keys(this.definition.schema.dataSources).map((type_name) => ({ type_name })),
    };
  }

  /** Runs one RPC body with a fresh context; thrown errors become diagnostics. */
  private async call<R extends Rpc>(rpc: R, typeName: string | undefined, body: (call: Call<R>) => Promise<Response<R>>): Promise<MessageInit<ProviderRpcs[R]['response']>> {
    const secrets = new Secrets(this.providerSecrets);
    const log = this.log.with(typeName ? { tf_rpc: rpc, tf_resource_type: shorten(typeName) } : { tf_rpc: rpc }, secrets);
    const { ctx, diagnostics } = createContext(log, this.stopController.signal);
    const started = Date.now();
    let response: Response<R>;
    const c: Call<R> = { ctx, diagnostics, secrets, log };
    try {
      response = await body(c);
    } catch (error) {
      const diagnostic = errorToDiagnostic(error, rpc);
      diagnostics.push(diagnostic);
      if (!(error instanceof DiagnosticError)) log.error('handler failed', { error: diagnostic.detail });
      response = c.fallback ?? ({} as Response<R>);
    }
    log.debug('rpc done', { tf_duration_ms: Date.now() - started, diagnostics: diagnostics.length });
    return { ...response, diagnostics: diagnostics.map((d) => toWireDiagnostic(d, secrets)) } as MessageInit<ProviderRpcs[R]['response']>;
  }

  private resource(typeName: string | undefined) {
    // Own properties only: "__proto__" or "constructor" from the wire must not find Object's members.
    const block = ownProperty(this.definition.schema.resources, typeName);
    const handler = ownProperty(this.definition.resources, typeName);
    if (!block || !handler) {
      const name = shorten(typeName ?? '');
      throw new DiagnosticError(`Unknown resource type ${name}`, `The ${this.definition.schema.name} provider has no resource type "${name}".`);
    }
    return { block, handler, typeName: typeName as string };
  }

  private dataSource(typeName: string | undefined) {
    const block = ownProperty(this.definition.schema.dataSources, typeName);
    const handler = ownProperty(this.definition.dataSources, typeName);
    if (!block || !handler) {
      const name = shorten(typeName ?? '');
      throw new DiagnosticError(`Unknown data source ${name}`, `The ${this.definition.schema.name} provider has no data source "${name}".`);
    }
    return { block, handler };
  }

  private requireClient(): Client {
    if (!this.configured) throw new DiagnosticError('Provider not configured', 'terraform called an operation before ConfigureProvider succeeded.');
    return this.client as Client;
  }

  /** Decodes an object and registers its secrets for scrubbing. */
  private object(block: BlockSchema, dv: DynamicValue | undefined, c: Call<Rpc>): ObjectValue | null {
    const value = decodeObject(dv, block);
    c.secrets.addFrom(block, value);
    return value;
  }

  /** Prior state: an object without its id is corrupt, as handlers find the remote object by it. */
  private priorObject(block: BlockSchema, dv: DynamicValue | undefined, c: Call<Rpc>, typeName: string): ObjectValue | null {
    const value = this.object(block, dv, c);
    if (value && Object.prototype.hasOwnProperty.call(block.attributes, 'id') && (value.id === null || value.id === undefined)) {
      throw new DiagnosticError(
        'Corrupt resource state',
        `The stored state of this ${typeName} has no id, so the object it describes cannot be found. Remove it with \`terraform state rm\` and import it again.`,
        ['id'],
      );
    }
    return value;
  }

  private requiredObject(block: BlockSchema, dv: DynamicValue | undefined, c: Call<Rpc>, what: string): ObjectValue {
    const value = this.object(block, dv, c);
    if (!value) throw new DiagnosticError(`Missing ${what}`, `terraform sent no ${what}.`);
    return value;
  }

  private async validateProviderConfig(req: Request<'ValidateProviderConfig'>, c: Call<'ValidateProviderConfig'>): Promise<Response<'ValidateProviderConfig'>> {
    const block = this.definition.schema.provider;
    const config = this.requiredObject(block, req.config, c, 'provider configuration');
    c.diagnostics.push(...checkAttributeRules(block, config));
    this.definition.validate?.(config, c.ctx);
    return {};
  }

  private async validateResourceConfig(req: Request<'ValidateResourceConfig'>, c: Call<'ValidateResourceConfig'>): Promise<Response<'ValidateResourceConfig'>> {
    const { block, handler } = this.resource(req.type_name);
    const config = this.requiredObject(block, req.config, c, 'configuration');
    c.diagnostics.push(...checkAttributeRules(block, config));
    // terraform < 1.11 does not say it allows write-only attributes: it would store their values.
    if (!req.client_capabilities?.write_only_attributes_allowed) c.diagnostics.push(...writeOnlyNotAllowed(block, config));
    handler.validate?.(config, c.ctx);
    return {};
  }

  private async validateDataSourceConfig(req: Request<'ValidateDataResourceConfig'>, c: Call<'ValidateDataResourceConfig'>): Promise<Response<'ValidateDataResourceConfig'>> {
    const { block, handler } = this.dataSource(req.type_name);
    const config = this.requiredObject(block, req.config, c, 'configuration');
    c.diagnostics.push(...checkAttributeRules(block, config));
    handler.validate?.(config, c.ctx);
    return {};
  }

  private async configure(req: Request<'ConfigureProvider'>, c: Call<'ConfigureProvider'>): Promise<Response<'ConfigureProvider'>> {
    const block = this.definition.schema.provider;
    const config = this.requiredObject(block, req.config, c, 'provider configuration');
    const resolved = resolveProviderConfig(block, config, this.env);
    // Values from the environment are secrets too when the attribute is.
    this.providerSecrets.addFrom(block, resolved.config);
    this.providerSecrets.addFrom(block, config);
    c.diagnostics.push(...resolved.diagnostics);
    if (resolved.diagnostics.some((d) => d.severity === 'error')) return {};
    c.log.debug('configuring provider', { tf_terraform_version: req.terraform_version });
    this.client = await this.definition.configure(resolved.config, c.ctx, resolved.fromEnv);
    this.configured = true;
    return {};
  }

  private async upgrade(req: Request<'UpgradeResourceState'>, c: Call<'UpgradeResourceState'>): Promise<Response<'UpgradeResourceState'>> {
    const { block, handler, typeName } = this.resource(req.type_name);
    const json = req.raw_state?.json;
    if (!json || json.length === 0) {
      if (Object.keys(req.raw_state?.flatmap ?? {}).length > 0) {
        throw new DiagnosticError('Unsupported legacy state', 'This state was written in the pre-0.12 flatmap format, which this provider cannot read.');
      }
      return { upgraded_state: NIL(block) };
    }
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(Buffer.from(json).toString('utf8'));
    } catch {
      throw new DiagnosticError('Corrupt resource state', 'The stored state is not valid JSON.');
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      throw new DiagnosticError('Corrupt resource state', `The stored state of ${typeName} is not a JSON object.`);
    }
    const version = Number(req.version ?? 0);
    if (version > block.version) {
      throw new DiagnosticError(
        'State written by a newer provider',
        `The state has schema version ${version}, but this provider knows up to ${block.version}. Use the newer provider version.`,
      );
    }
    if (version < block.version && handler.upgrade) raw = handler.upgrade({ version, raw });
    const value = fromWire(pickSchemaKeys(block, raw), blockType(block), []) as ObjectValue;
    c.secrets.addFrom(block, value);
    return { upgraded_state: encodeDynamic(value, blockType(block)) };
  }

  private async read(req: Request<'ReadResource'>, c: Call<'ReadResource'>): Promise<Response<'ReadResource'>> {
    const { block, handler, typeName } = this.resource(req.type_name);
    const state = this.priorObject(block, req.current_state, c, typeName);
    c.fallback = { new_state: req.current_state, private: req.private };
    if (!state) return { new_state: NIL(block) };
    const priorPrivate = decodePrivate(req.private);
    const result = await handler.read({ state, private: priorPrivate, client: this.requireClient() }, c.ctx);
    if (result === null) {
      c.log.info('object no longer exists; removing it from state');
      return { new_state: NIL(block) };
    }
    const newState = completeState(block, result.state, null, 'read');
    c.secrets.addFrom(block, newState);
    return { new_state: encodeDynamic(newState, blockType(block)), private: encodePrivate(result.private ?? priorPrivate) };
  }

  private async plan(req: Request<'PlanResourceChange'>, c: Call<'PlanResourceChange'>): Promise<Response<'PlanResourceChange'>> {
    const { block, handler, typeName } = this.resource(req.type_name);
    const prior = this.priorObject(block, req.prior_state, c, typeName);
    const proposed = this.object(block, req.proposed_new_state, c);
    if (!proposed) return { planned_state: NIL(block), planned_private: req.prior_private };
    const config = this.requiredObject(block, req.config, c, 'configuration');
    const priorPrivate = decodePrivate(req.prior_private);
    let planned = genericPlan(block, prior, proposed, config);
    let extraReplace: readonly string[] = [];
    const adjusted = handler.plan?.({ prior, planned, config, priorPrivate, client: this.client }, c.ctx);
    if (adjusted) {
      // Write-only attributes stay null whatever the hook returns; other attributes must be in the schema.
      planned = fromWire(adjusted.planned, blockType(block), []) as ObjectValue;
      for (const [name, attr] of attributeEntries(block)) if (attr.writeOnly) planned[name] = null;
      extraReplace = adjusted.requiresReplace ?? [];
    }
    const replace = prior ? [...new Set([...replaceTriggers(block, prior, planned), ...extraReplace])] : [];
    if (c.log.enabled('trace')) c.log.trace('planned', { planned: redactObject(block, planned), requires_replace: replace });
    return {
      planned_state: encodeDynamic(planned, blockType(block)),
      requires_replace: replace.map((name) => attributePathToWire([name])),
      planned_private: req.prior_private,
    };
  }

  private async apply(req: Request<'ApplyResourceChange'>, c: Call<'ApplyResourceChange'>): Promise<Response<'ApplyResourceChange'>> {
    const { block, handler, typeName } = this.resource(req.type_name);
    const prior = this.priorObject(block, req.prior_state, c, typeName);
    const planned = this.object(block, req.planned_state, c);
    const config = this.object(block, req.config, c) ?? {};
    const plannedPrivate = decodePrivate(req.planned_private);
    // On failure terraform keeps what we return: the prior object (or nothing, for a failed create).
    c.fallback = { new_state: prior ? encodeDynamic(prior, blockType(block)) : NIL(block), private: req.planned_private };
    const client = this.requireClient();
    if (!planned) {
      if (!prior) return { new_state: NIL(block) };
      await handler.delete({ state: prior, private: plannedPrivate, client }, c.ctx);
      return { new_state: NIL(block) };
    }
    const result = prior
      ? await handler.update({ prior, planned, config, private: plannedPrivate, client }, c.ctx)
      : await handler.create({ planned, config, client }, c.ctx);
    const newState = completeState(block, result.state, planned, prior ? 'update' : 'create');
    c.secrets.addFrom(block, newState);
    return { new_state: encodeDynamic(newState, blockType(block)), private: encodePrivate(result.private ?? plannedPrivate) };
  }

  private async importState(req: Request<'ImportResourceState'>, c: Call<'ImportResourceState'>): Promise<Response<'ImportResourceState'>> {
    const { block, handler, typeName } = this.resource(req.type_name);
    if (!handler.import) {
      throw new DiagnosticError('Import not supported', `${typeName} cannot be imported.`);
    }
    const result = await handler.import({ id: String(req.id ?? ''), client: this.requireClient() }, c.ctx);
    const state = completeState(block, result.state, null, 'import');
    c.secrets.addFrom(block, state);
    return {
      imported_resources: [{ type_name: typeName, state: encodeDynamic(state, blockType(block)), private: encodePrivate(result.private) }],
    };
  }

  private async readDataSource(req: Request<'ReadDataSource'>, c: Call<'ReadDataSource'>): Promise<Response<'ReadDataSource'>> {
    const { block, handler } = this.dataSource(req.type_name);
    const given = this.requiredObject(block, req.config, c, 'configuration');
    // terraform validated this config already; a request that skipped it must not reach the handler.
    const errors = [...missingRequired(block, given), ...checkAttributeRules(block, given)].filter((d) => d.severity === 'error');
    if (errors.length > 0) {
      c.diagnostics.push(...errors);
      return { state: NIL(block) };
    }
    const config = withDefaults(block, given);
    const result = await handler.read({ config, client: this.requireClient() }, c.ctx);
    const state = completeState(block, result, config, 'read');
    c.secrets.addFrom(block, state);
    return { state: encodeDynamic(state, blockType(block)) };
  }
}

function ownProperty<T>(record: { readonly [name: string]: T }, name: unknown): T | undefined {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(record, name) ? record[name] : undefined;
}

function missingRequired(block: BlockSchema, config: ObjectValue): Diagnostic[] {
  return Object.entries(block.attributes)
    .filter(([name, attr]) => attr.required && (config[name] ?? null) === null)
    .map(([name]) => ({ severity: 'error' as const, summary: 'Missing required argument', detail: `The argument "${name}" is required, but no value was given.`, attribute: [name] }));
}
