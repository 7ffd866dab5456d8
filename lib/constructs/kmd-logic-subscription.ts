import { TerraformElement, TerraformProvider, TerraformVariable } from 'cdktf';
import { Construct, type IConstruct } from 'constructs';
import { z } from 'zod';
import { DataKmdlogicSubscription, KmdlogicProvider } from '../bindings/kmdlogic';
import { frameworkScope } from './framework';
import { scanTemplate } from './hcl-template';
import { defaultPrefix, snakeCase, terraformName } from './names';
import { checkSecret } from './secret-expression';
import { literalText, resolvedText, terraformTemplate } from './terraform-text';
import type { KmdLogicSubscriptionProps } from './props.generated';
import { attributeOf, propsSchema, withDefaults, type AttributeProp } from './props';
import { KMD_LOGIC_SUBSCRIPTION_SPEC } from './specs';
import { isToken, providerOf, validateProps } from './validation';

/** What a product id that matches no CPR configuration of the subscription does to the plan. */
export type ProductIdCheck = 'error' | 'warning' | 'off';

export type { KmdLogicSubscriptionProps } from './props.generated';

const LITERAL_SECRET =
  'a literal secret would be written into cdk.tf.json and version control; pass a token (a sensitive TerraformVariable, a value read from a vault) or leave it out to get a sensitive variable';

const SPEC = KMD_LOGIC_SUBSCRIPTION_SPEC;

/** The identifiers, each with the variable made when it is not given: its name after the prefix, and its label. */
const IDENTIFIERS = [
  { prop: 'clientId', variable: 'client_id', label: 'KMD Logic Client ID' },
  { prop: 'clientSecret', variable: 'client_secret', label: 'KMD Logic Client Secret' },
  { prop: 'subscriptionId', variable: 'subscription_id', label: 'KMD Logic Subscription ID' },
  { prop: 'productId', variable: 'product_id', label: 'KMD Logic Product ID' },
] as const;

const kmdLogicPropsSchema = (scope: IConstruct) =>
  propsSchema<KmdLogicSubscriptionProps>(SPEC, {
    clientSecret: z
      .custom<string>((v) => typeof v === 'string', { message: LITERAL_SECRET })
      .superRefine((secret, ctx) => checkSecret(scope, 'KmdLogicSubscription', secret, ctx, LITERAL_SECRET)),
    variablePrefix: terraformName('variable'),
    verify: z.boolean(),
    productIdCheck: z.enum(['error', 'warning', 'off']),
    provider: providerOf('kmdlogic'),
  }).refine((p) => p.verify !== false || (p.productIdCheck === undefined && p.provider === undefined), {
    message: 'productIdCheck and provider only apply when verifying; remove them or remove verify: false',
    path: ['verify'],
  });

/** A `check` block (cdktf has no class for it): its assertions warn and never stop a plan. */
class TerraformCheck extends TerraformElement {
  constructor(
    scope: Construct,
    id: string,
    private readonly asserts: { condition: string; error_message: string }[],
  ) {
    super(scope, id);
  }

  toTerraform(): Record<string, unknown> {
    return { check: { [this.friendlyUniqueId]: { assert: this.asserts } } };
  }
}

/** True when the value is literal text or interpolates variables only: terraform knows it at plan time. */
function knownAtPlan(scope: Construct, value: string): boolean {
  if (!isToken(value)) return true;
  const text = resolvedText(scope, value);
  if (text === undefined) return false;
  try {
    return scanTemplate(text).parts.every((part) => part.kind === 'literal' || (part.kind === 'interpolation' && /^var\.[A-Za-z0-9_-]+$/.test(part.expression)));
  } catch {
    return false;
  }
}

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
    const variables: Record<string, TerraformVariable> = {};
    /** A variable for an identifier not given, checked by terraform with the rules its prop follows. */
    const fromVariable = ({ prop, variable: identifier, label }: (typeof IDENTIFIERS)[number]): string => {
      const prefix = valid.variablePrefix ?? defaultPrefix(this, 'KmdLogicSubscription', 'variablePrefix', 'variable');
      const name = `${prefix}_${identifier}`;
      const attribute = attributeOf(SPEC.props[prop] as AttributeProp);
      const checks = (attribute.rules ?? []).flatMap((rule) => (rule.terraform ? [rule.terraform] : []));
      const variable = new TerraformVariable(this, identifier, {
        type: 'string',
        nullable: false,
        sensitive: attribute.sensitive === true,
        description: `${label} (from the KMD Logic console)${attribute.sensitive ? '' : ', a GUID'}`,
        validation: checks.length === 0 ? undefined : checks.map((check) => ({ condition: `\${${check.condition(`var.${name}`)}}`, errorMessage: `${label} ${check.message}.` })),
      });
      variable.overrideLogicalId(name);
      variables[identifier] = variable;
      return variable.stringValue;
    };
    const [clientId, clientSecret, subscriptionId, productId] = IDENTIFIERS.map((identifier) => valid[identifier.prop] ?? fromVariable(identifier));
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.subscriptionId = subscriptionId;
    this.productId = productId;
    this.variables = variables;

    const identifiers = [this.clientId, this.clientSecret, this.subscriptionId, this.productId];
    if (valid.verify ?? identifiers.every((v) => knownAtPlan(this, v))) {
      this.provider =
        valid.provider ??
        new KmdlogicProvider(this, 'Provider', { alias: providerAlias(this.node.path), clientId: literalText(this.clientId), clientSecret: this.clientSecret });
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

/** The construct path in snake case, as a valid alias (a name may not start with a digit). */
function providerAlias(path: string): string {
  const name = snakeCase(path);
  return /^[a-zA-Z_]/.test(name) ? name : `_${name}`;
}
