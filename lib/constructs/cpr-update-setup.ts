import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct, type IConstruct } from 'constructs';
import { z } from 'zod';
import { frameworkScope } from './framework';
import { defaultPrefix, terraformName } from './names';
import { KmdLogicSubscription } from './kmd-logic-subscription';
import { literalText } from './terraform-text';
import { WorkZoneOAuthClient, workZoneOAuthClientPropsSchema, type WorkZoneOAuthClientProps } from './workzone-oauth-client';
import { validateProps } from './validation';

export interface CprUpdateSetupProps extends WorkZoneOAuthClientProps {
  /**
   * The KMD Logic identifiers. Pass a KmdLogicSubscription to give literal values or tokens, or to share
   * one subscription between several set-ups.
   * @default - a new KmdLogicSubscription whose identifiers come from Terraform variables `<outputPrefix>_kmd_logic_*`
   */
  readonly kmdLogic?: KmdLogicSubscription;
  /**
   * Prefix of the output names, unique in the stack. Output names are `<outputPrefix>_<identifier>`.
   * @default - the construct path in snake case, e.g. `cpr_update`
   */
  readonly outputPrefix?: string;
}

/** The six identifiers the CPR update module needs, as tokens (the two secrets sensitive). */
export interface CprUpdateIdentifiers {
  readonly kmdLogicClientId: string;
  readonly kmdLogicClientSecret: string;
  readonly kmdLogicSubscriptionId: string;
  readonly kmdLogicProductId: string;
  readonly cprClientId: string;
  readonly cprClientSecret: string;
}

/** Output name suffix, label in the CPR update module, and whether it is secret: the documented contract. */
export const CPR_UPDATE_OUTPUTS: readonly {
  readonly key: keyof CprUpdateIdentifiers;
  readonly suffix: string;
  readonly label: string;
  readonly sensitive: boolean;
}[] = [
  { key: 'kmdLogicClientId', suffix: 'kmd_logic_client_id', label: 'KMD Logic Client ID', sensitive: false },
  { key: 'kmdLogicClientSecret', suffix: 'kmd_logic_client_secret', label: 'KMD Logic Client Secret', sensitive: true },
  { key: 'kmdLogicSubscriptionId', suffix: 'kmd_logic_subscription_id', label: 'KMD Logic Subscription ID', sensitive: false },
  { key: 'kmdLogicProductId', suffix: 'kmd_logic_product_id', label: 'KMD Logic Product ID', sensitive: false },
  { key: 'cprClientId', suffix: 'cpr_client_id', label: 'Contact update - CPR, Client ID', sensitive: false },
  { key: 'cprClientSecret', suffix: 'cpr_client_secret', label: 'Contact update - CPR, Client Secret', sensitive: true },
];

const propsSchema = (scope: IConstruct) =>
  workZoneOAuthClientPropsSchema(scope, 'CprUpdateSetup').extend({
    kmdLogic: z
      .custom<KmdLogicSubscription>((v) => v instanceof KmdLogicSubscription, { message: 'must be a KmdLogicSubscription construct' })
      .optional(),
    outputPrefix: terraformName('output').optional(),
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
    const { kmdLogic, outputPrefix, ...clientProps } = validateProps(this, 'CprUpdateSetup', propsSchema(this), props, ['clientSecret']);
    const prefix = outputPrefix ?? defaultPrefix(this, 'CprUpdateSetup', 'outputPrefix', 'output');
    this.claimPrefix(prefix);

    this.oauthClient = new WorkZoneOAuthClient(this, 'OAuthClient', clientProps);
    this.kmdLogic = kmdLogic ?? new KmdLogicSubscription(this, 'KmdLogic', { variablePrefix: `${prefix}_kmd_logic` });
    // Verified KMD Logic identifiers first: a wrong one fails the plan before WorkZone is touched.
    if (this.kmdLogic.verification) {
      const client = this.oauthClient.resource;
      // A plain address: depends_on takes references, not "${…}" interpolations.
      const address = `data.${this.kmdLogic.verification.terraformResourceType}.${this.kmdLogic.verification.friendlyUniqueId}`;
      client.dependsOn = [...(client.dependsOn ?? []), address];
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
        description: `${label} for the CPR update module (${this.node.path})`,
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
