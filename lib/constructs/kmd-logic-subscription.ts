import type { TerraformProvider, TerraformVariable } from 'cdktf';
import { Construct, type IConstruct } from 'constructs';
import { z } from 'zod';
import { DataKmdlogicSubscription } from '../bindings/kmdlogic';
import { frameworkScope } from './framework';
import { identifierValues, kmdLogicCommonChecks, knownAtPlan, verificationProvider } from './kmd-logic-identifiers';
import { literalText, terraformTemplate } from './terraform-text';
import type { KmdLogicSubscriptionProps } from './props.generated';
import { propsSchema, withDefaults } from './props';
import { KMD_LOGIC_SUBSCRIPTION_SPEC } from './specs';
import { TerraformCheck } from './terraform-check';
import { CPR_UPDATE_MODULE } from './update-module';
import { validateProps } from './validation';

/** What a product id that matches no CPR configuration of the subscription does to the plan. */
export type ProductIdCheck = 'error' | 'warning' | 'off';

export type { KmdLogicSubscriptionProps } from './props.generated';

const SPEC = KMD_LOGIC_SUBSCRIPTION_SPEC;

const kmdLogicPropsSchema = (scope: IConstruct) =>
  propsSchema<KmdLogicSubscriptionProps>(SPEC, {
    ...kmdLogicCommonChecks(scope, 'KmdLogicSubscription'),
    productIdCheck: z.enum(['error', 'warning', 'off']),
  }).refine((p) => p.verify !== false || (p.productIdCheck === undefined && p.provider === undefined), {
    message: 'productIdCheck and provider only apply when verifying; remove them or remove verify: false',
    path: ['verify'],
  });

/**
 * The four KMD Logic identifiers of the CPR update set-up. They are issued in the Logic console (there is
 * no API to create them); literal values are validated as GUIDs, tokens pass through, and identifiers not
 * given come from Terraform variables (the secret one sensitive).
 */
export class KmdLogicSubscription extends Construct {
  public readonly clientId: string;
  /** Sensitive. */
  public readonly clientSecret: string;
  public readonly subscriptionId: string;
  public readonly productId: string;
  /** The variables created for identifiers that were not given, by identifier. */
  public readonly variables: { readonly [identifier: string]: TerraformVariable };
  /** The `kmdlogic_subscription` lookup that verifies the identifiers, when verifying. Depend on it. */
  public readonly verification?: DataKmdlogicSubscription;
  /** The kmdlogic provider configuration used to verify, when verifying. */
  public readonly provider?: TerraformProvider;

  constructor(scope: Construct, id: string, props: KmdLogicSubscriptionProps = {}) {
    super(frameworkScope(scope, 'KmdLogicSubscription'), id);
    const valid = withDefaults(SPEC, validateProps(this, 'KmdLogicSubscription', kmdLogicPropsSchema(this), props, ['clientSecret']), ['productIdCheck']);
    // The CPR update module's KMD Logic identifiers (update-module.ts): given, or from variables.
    const { values, variables } = identifierValues(this, 'KmdLogicSubscription', SPEC, CPR_UPDATE_MODULE, valid);
    this.clientId = values.clientId;
    this.clientSecret = values.clientSecret;
    this.subscriptionId = values.subscriptionId;
    this.productId = values.productId;
    this.variables = variables;

    const identifiers = [this.clientId, this.clientSecret, this.subscriptionId, this.productId];
    if (valid.verify ?? identifiers.every((v) => knownAtPlan(this, v))) {
      this.provider = verificationProvider(this, valid.provider, { clientId: this.clientId, clientSecret: this.clientSecret });
      this.verification = this.verify(this.provider, valid.productIdCheck);
    }
  }

  /**
   * The subscription lookup fails by itself on wrong credentials or an unknown subscription (the provider's
   * errors name them); the product id is checked against its configuration ids, case-insensitively.
   */
  private verify(provider: TerraformProvider, productIdCheck: ProductIdCheck): DataKmdlogicSubscription {
    // Templates of our expressions around the user's values: their literal text stays literal (terraform-text.ts).
    const matches = (configurations: () => string) =>
      terraformTemplate([{ hcl: () => `\${contains([for c in ${configurations()} : lower(c.id)], lower(` }, { expressionOf: this.productId }, { hcl: '))}' }]);
    const message = (configurations: () => string) =>
      terraformTemplate([
        { text: 'KMD Logic Product ID ' },
        { value: this.productId },
        { text: ' matches no CPR configuration of subscription ' },
        { value: this.subscriptionId },
        { text: ' (its configurations: ' },
        { hcl: () => `\${length(${configurations()}) == 0 ? "none" : join(", ", ${configurations()}[*].id)}` },
        { text: `). Check the product id in the KMD Logic console (${this.node.path}: productId; productIdCheck relaxes this check).` },
      ]);
    const self = () => 'self.configurations';
    const lookup = new DataKmdlogicSubscription(this, 'Verification', {
      provider,
      subscriptionId: literalText(this.subscriptionId),
      lifecycle: productIdCheck === 'error' ? { postcondition: [{ condition: matches(self), errorMessage: message(self) }] } : undefined,
    });
    if (productIdCheck === 'warning') {
      const configurations = () => `data.${lookup.terraformResourceType}.${lookup.friendlyUniqueId}.configurations`;
      new TerraformCheck(this, 'ProductIdCheck', [{ condition: matches(configurations), error_message: message(configurations) }]);
    }
    return lookup;
  }
}
