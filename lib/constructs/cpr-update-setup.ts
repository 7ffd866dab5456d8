import { dependable, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { z } from 'zod';
import { frameworkScope } from './framework';
import { defaultPrefix, terraformName } from './names';
import { KmdLogicSubscription } from './kmd-logic-subscription';
import type { CprUpdateSetupProps } from './props.generated';
import { withDefaults } from './props';
import { CPR_UPDATE_SETUP_SPEC } from './specs';
import { literalText } from './terraform-text';
import { CPR_UPDATE_MODULE, type CprUpdateIdentifiers } from './update-module';
import { oauthClientPropsSchema } from './oauth-client-props';
import { WorkZoneOAuthClient } from './workzone-oauth-client';
import { validateProps } from './validation';

export type { CprUpdateSetupProps } from './props.generated';
export type { CprUpdateIdentifiers } from './update-module';

/** Output name suffix, label in the CPR update module, and whether it is secret: the documented contract. */
export const CPR_UPDATE_OUTPUTS = CPR_UPDATE_MODULE.outputs;

const propsSchema = (scope: Construct) =>
  oauthClientPropsSchema<CprUpdateSetupProps>(scope, CPR_UPDATE_SETUP_SPEC, {
    kmdLogic: z.custom<KmdLogicSubscription>((v) => v instanceof KmdLogicSubscription, { message: 'must be a KmdLogicSubscription construct' }),
    outputPrefix: terraformName('output'),
  });

const prefixesInUse = new WeakMap<TerraformStack, Map<string, string>>();

/**
 * The whole CPR update set-up for one WorkZone environment: the WorkZone OAuth client of the CPR update
 * module, its secret, and the KMD Logic identifiers, with the six identifiers as Terraform outputs.
 * Use it several times in one stack (one per environment) with distinct ids or output prefixes.
 */
export class CprUpdateSetup extends Construct {
  public readonly oauthClient: WorkZoneOAuthClient;
  public readonly kmdLogic: KmdLogicSubscription;
  /** The six identifiers, for handing on (to a secret store, a Kubernetes secret). */
  public readonly identifiers: CprUpdateIdentifiers;
  /** The outputs, by identifier. */
  public readonly outputs: { readonly [K in keyof CprUpdateIdentifiers]: TerraformOutput };

  constructor(scope: Construct, id: string, props: CprUpdateSetupProps) {
    super(frameworkScope(scope, 'CprUpdateSetup'), id);
    // The module's client settings are the defaults here (update-module.ts).
    const valid = withDefaults(CPR_UPDATE_SETUP_SPEC, validateProps(this, 'CprUpdateSetup', propsSchema(this), props, ['clientSecret']));
    const { kmdLogic, outputPrefix, ...clientProps } = valid;
    const prefix = outputPrefix ?? defaultPrefix(this, 'CprUpdateSetup', 'outputPrefix', 'output');
    this.claimPrefix(prefix);

    this.oauthClient = new WorkZoneOAuthClient(this, 'OAuthClient', clientProps);
    this.kmdLogic = kmdLogic ?? new KmdLogicSubscription(this, 'KmdLogic', { variablePrefix: `${prefix}_kmd_logic` });
    // Verified KMD Logic identifiers first: a wrong one fails the plan before WorkZone is touched.
    if (this.kmdLogic.verification) {
      const client = this.oauthClient.resource;
      client.dependsOn = [...(client.dependsOn ?? []), dependable(this.kmdLogic.verification)];
    }
    this.identifiers = {
      kmdLogicClientId: this.kmdLogic.clientId,
      kmdLogicClientSecret: this.kmdLogic.clientSecret,
      kmdLogicSubscriptionId: this.kmdLogic.subscriptionId,
      kmdLogicProductId: this.kmdLogic.productId,
      cprClientId: this.oauthClient.clientId,
      cprClientSecret: this.oauthClient.clientSecret,
    };
    const outputs: Partial<Record<keyof CprUpdateIdentifiers, TerraformOutput>> = {};
    for (const { key, suffix, label, sensitive } of CPR_UPDATE_OUTPUTS) {
      const output = new TerraformOutput(this, suffix, {
        // Identifiers given as literal text (KMD Logic GUIDs) are escaped like every prop; terraform reads descriptions verbatim.
        value: literalText(this.identifiers[key]),
        sensitive,
        description: `${label} for the ${CPR_UPDATE_MODULE.name} (${this.node.path})`,
      });
      output.overrideLogicalId(`${prefix}_${suffix}`);
      outputs[key] = output;
    }
    this.outputs = outputs as CprUpdateSetup['outputs'];
  }

  /** Two set-ups with one prefix would silently share output names: refuse early, naming both. */
  private claimPrefix(prefix: string): void {
    const stack = TerraformStack.of(this);
    let inUse = prefixesInUse.get(stack);
    if (!inUse) prefixesInUse.set(stack, (inUse = new Map()));
    const other = inUse.get(prefix);
    if (other !== undefined) {
      throw new Error(
        `CprUpdateSetup at '${this.node.path}': outputPrefix "${prefix}" is already used by '${other}'. Give each set-up its own outputPrefix (or construct id).`,
      );
    }
    inUse.set(prefix, this.node.path);
  }
}
