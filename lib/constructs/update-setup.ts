/**
 * The one core of the contact update set-ups (CprUpdateSetup, CvrUpdateSetup): the module's OAuth client
 * and its secret, the optional KMD Logic part, the identifiers as outputs, and the optional health check,
 * all driven by the module's data (update-module.ts). The set-ups only name their module and type it.
 */
import { dependable, TerraformOutput, TerraformStack, type ITerraformDependable } from 'cdktf';
import { Construct, type IConstruct } from 'constructs';
import { z } from 'zod';
import { DataWorkzoneUpdateServiceHealth } from '../bindings/workzone';
import { workzoneSchema } from '../schemas/workzone';
import { defaultPrefix, terraformName } from './names';
import { oauthClientPropsSchema } from './oauth-client-props';
import { withDefaults, type ConstructSpec } from './props';
import { TerraformCheck } from './terraform-check';
import { literalText, terraformTemplate } from './terraform-text';
import { outputsOf, type UpdateModule } from './update-module';
import { ruledString, validateProps } from './validation';
import { WorkZoneOAuthClient } from './workzone-oauth-client';
import type { WorkZoneOAuthClientProps } from './props.generated';

/** How a set-up checks its module's service after deploy (the `healthCheck` prop). */
export interface UpdateServiceHealthCheck {
  /**
   * Path of the module's service under WorkZone's main page.
   * @default - the module's: `CprSubscriptionService` or `CvrSubscriptionService`
   */
  readonly service?: string;
  /**
   * Path of the readiness endpoint under the service.
   * @default "readiness"
   */
  readonly readinessPath?: string;
  /**
   * URL of WorkZone's main page, where the update services are published.
   * @default - the workzone provider's url
   */
  readonly baseUrl?: string;
  /**
   * What a service that is not Healthy does: "error" fails the plan (or the apply after a change), naming
   * the parts that are not Healthy; "warning" reports it (a Terraform `check` block) and goes on.
   * @default "error"
   */
  readonly onUnhealthy?: 'error' | 'warning';
}

/** The props of a set-up: the OAuth client's, plus its own. */
export interface UpdateSetupProps extends WorkZoneOAuthClientProps {
  readonly kmdLogic?: IConstruct | false;
  readonly outputPrefix?: string;
  readonly healthCheck?: boolean | UpdateServiceHealthCheck;
}

/** A KMD Logic construct of a module: it holds each identifier in the field its prop names, and may verify them. */
type KmdLogicPart = Construct & { readonly verification?: ITerraformDependable };

/** What a set-up is: its module, its props, and its KMD Logic construct. */
export interface UpdateSetupKind {
  readonly spec: ConstructSpec;
  readonly module: UpdateModule;
  /** The module's KMD Logic construct, to recognise one passed in and to make one with the set-up's variables. */
  readonly kmdLogic: {
    readonly type: abstract new (...args: never[]) => KmdLogicPart;
    create(scope: Construct, id: string, variablePrefix: string): KmdLogicPart;
  };
}

const health = workzoneSchema.dataSources.workzone_update_service_health.attributes;

const healthCheckOptions = z.strictObject({
  service: ruledString(...health.service.rules).optional(),
  readinessPath: ruledString(...health.readiness_path.rules).optional(),
  baseUrl: ruledString(...health.base_url.rules).optional(),
  onUnhealthy: z.enum(['error', 'warning']).optional(),
});

/** true, false, or the options, each bad option named (a union would only say "Invalid input"). */
const healthCheckSchema = z
  .custom<boolean | UpdateServiceHealthCheck>((v) => typeof v === 'boolean' || (typeof v === 'object' && v !== null && !Array.isArray(v)), {
    message: 'must be true, false, or an object with service, readinessPath, baseUrl and onUnhealthy',
  })
  .superRefine((value, ctx) => {
    if (typeof value === 'boolean') return;
    for (const issue of healthCheckOptions.safeParse(value).error?.issues ?? []) ctx.addIssue({ ...issue, code: 'custom', message: issue.message });
  });

const prefixesInUse = new WeakMap<TerraformStack, Map<string, string>>();

/**
 * A contact update module's set-up for one WorkZone environment. Use the module's own construct,
 * CprUpdateSetup or CvrUpdateSetup; this class is their shared core.
 */
export abstract class UpdateSetup extends Construct {
  public readonly oauthClient: WorkZoneOAuthClient;
  /** The KMD Logic identifiers; undefined with `kmdLogic: false` (WorkZone 2024.3 and later). */
  public readonly kmdLogic?: KmdLogicPart;
  /** The identifiers, for handing on (to a secret store, a Kubernetes secret); typed by each set-up. */
  public readonly identifiers: object;
  /** The outputs, by identifier; typed by each set-up. */
  public readonly outputs: object;
  /** The readiness check of the module's service (`workzone_update_service_health`), when `healthCheck` is on. */
  public readonly health?: DataWorkzoneUpdateServiceHealth;

  protected constructor(scope: Construct, id: string, kind: UpdateSetupKind, props: UpdateSetupProps) {
    super(scope, id);
    const { spec, module } = kind;
    const constructType = spec.construct;
    const logicType = module.kmdLogicConstruct;
    const propsSchema = oauthClientPropsSchema<UpdateSetupProps>(this, spec, {
      kmdLogic: z.custom<KmdLogicPart | false>((v) => v === false || v instanceof kind.kmdLogic.type, {
        message: `must be a ${logicType} (the ${module.name}'s KMD Logic identifiers), or false for WorkZone 2024.3 and later, where the module takes no KMD Logic identifiers`,
      }),
      outputPrefix: terraformName('output'),
      healthCheck: healthCheckSchema,
    });
    // The module's client settings are the defaults here (update-module.ts).
    const valid = withDefaults(spec, validateProps(this, constructType, propsSchema, props, ['clientSecret']));
    const { kmdLogic, outputPrefix, healthCheck, ...clientProps } = valid;
    const prefix = outputPrefix ?? defaultPrefix(this, constructType, 'outputPrefix', 'output');
    this.claimPrefix(constructType, prefix);

    this.oauthClient = new WorkZoneOAuthClient(this, 'OAuthClient', clientProps);
    if (kmdLogic !== false) {
      this.kmdLogic = (kmdLogic as KmdLogicPart | undefined) ?? kind.kmdLogic.create(this, 'KmdLogic', `${prefix}_kmd_logic`);
      // Verified KMD Logic identifiers first: a wrong one fails the plan before WorkZone is touched.
      if (this.kmdLogic.verification) {
        const client = this.oauthClient.resource;
        client.dependsOn = [...(client.dependsOn ?? []), dependable(this.kmdLogic.verification)];
      }
    }

    const identifiers: Record<string, string> = {};
    const outputs: Record<string, TerraformOutput> = {};
    for (const { key, suffix, label, sensitive, kmdLogicProp, oauthClientField } of outputsOf(module, this.kmdLogic !== undefined)) {
      // Each identifier is a field of the KMD Logic construct (its prop) or of the OAuth client (update-module.ts).
      identifiers[key] = kmdLogicProp !== undefined ? fieldOf(this.kmdLogic!, kmdLogicProp, logicType) : this.oauthClient[oauthClientField!];
      const output = new TerraformOutput(this, suffix, {
        // Identifiers given as literal text (KMD Logic GUIDs) are escaped like every prop; terraform reads descriptions verbatim.
        value: literalText(identifiers[key]),
        sensitive,
        description: `${label} for the ${module.name} (${this.node.path})`,
      });
      output.overrideLogicalId(`${prefix}_${suffix}`);
      outputs[key] = output;
    }
    this.identifiers = identifiers;
    this.outputs = outputs;

    if (healthCheck !== false && healthCheck !== undefined) {
      this.health = this.healthCheck(module, healthCheck === true ? {} : healthCheck);
    }
  }

  /**
   * The readiness of the module's service, read after the OAuth client is in place: during the apply that
   * creates the client, at plan time afterwards. An error stops the run; a warning is a `check` block.
   */
  private healthCheck(module: UpdateModule, options: UpdateServiceHealthCheck): DataWorkzoneUpdateServiceHealth {
    const warn = options.onUnhealthy === 'warning';
    const lookup = new DataWorkzoneUpdateServiceHealth(this, 'Health', {
      provider: this.oauthClient.resource.provider,
      service: literalText(options.service ?? module.service),
      ...(options.readinessPath !== undefined && { readinessPath: literalText(options.readinessPath) }),
      ...(options.baseUrl !== undefined && { baseUrl: literalText(options.baseUrl) }),
      ...(warn && { failWhenUnhealthy: false }),
      dependsOn: [this.oauthClient.resource],
    });
    if (warn) {
      const attribute = (name: string) => () => `data.${lookup.terraformResourceType}.${lookup.friendlyUniqueId}.${name}`;
      new TerraformCheck(this, 'HealthCheck', [
        {
          condition: terraformTemplate([{ hcl: () => `\${${attribute('status')()} == "Healthy"}` }]),
          error_message: terraformTemplate([
            { text: `The ${module.name}'s service (${this.node.path}) is ` },
            { hcl: () => `\${${attribute('status')()}}` },
            { text: ': ' },
            { hcl: () => `\${join(", ", ${attribute('unhealthy')()})}` },
            { text: '.' },
          ]),
        },
      ]);
    }
    return lookup;
  }

  /** Two set-ups with one prefix would silently share output names: refuse early, naming both. */
  private claimPrefix(constructType: string, prefix: string): void {
    const stack = TerraformStack.of(this);
    let inUse = prefixesInUse.get(stack);
    if (!inUse) prefixesInUse.set(stack, (inUse = new Map()));
    const other = inUse.get(prefix);
    if (other !== undefined) {
      throw new Error(
        `${constructType} at '${this.node.path}': outputPrefix "${prefix}" is already used by '${other}'. Give each set-up its own outputPrefix (or construct id).`,
      );
    }
    inUse.set(prefix, this.node.path);
  }
}

/** The identifier a KMD Logic construct holds in the field its prop names (update-module.ts). */
function fieldOf(part: KmdLogicPart, prop: string, logicType: string): string {
  const value = (part as unknown as Record<string, unknown>)[prop];
  if (typeof value !== 'string') throw new Error(`${logicType} has no identifier ${prop}: update-module.ts and the construct disagree`);
  return value;
}
