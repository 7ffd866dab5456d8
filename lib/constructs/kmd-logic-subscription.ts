import { TerraformElement, TerraformProvider, TerraformVariable } from 'cdktf';
import { Construct, type IConstruct } from 'constructs';
import { z } from 'zod';
import { DataKmdlogicSubscription, KmdlogicProvider } from '../bindings/kmdlogic';
import { guid } from '../schemas/rules';
import { frameworkScope } from './framework';
import { scanTemplate } from './hcl-template';
import { defaultPrefix, snakeCase, terraformName } from './names';
import { checkSecret } from './secret-expression';
import { literalText, resolvedText, terraformTemplate } from './terraform-text';
import { isToken, providerOf, ruledString, validateProps } from './validation';

/** What a product id that matches no CPR configuration of the subscription does to the plan. */
export type ProductIdCheck = 'error' | 'warning' | 'off';

export interface KmdLogicSubscriptionProps {
  /**
   * KMD Logic Client ID (a GUID), from the client credential in the Logic console.
   * @default - Terraform variable `<variablePrefix>_client_id`
   */
  readonly clientId?: string;
  /**
   * KMD Logic Client Secret. Pass a token that references a variable or other source (a sensitive variable,
   * a vault reference), never a literal; judged like ClientSecret.fromToken.
   * @default - sensitive Terraform variable `<variablePrefix>_client_secret`
   */
  readonly clientSecret?: string;
  /**
   * KMD Logic Subscription ID (a GUID).
   * @default - Terraform variable `<variablePrefix>_subscription_id`
   */
  readonly subscriptionId?: string;
  /**
   * KMD Logic Product ID (a GUID; most likely the id of the CPR configuration).
   * @default - Terraform variable `<variablePrefix>_product_id`
   */
  readonly productId?: string;
  /**
   * Prefix of the Terraform variables created for identifiers not given.
   * @default - the construct path in snake case, e.g. `prod_kmd_logic`
   */
  readonly variablePrefix?: string;
  /**
   * Check the identifiers against KMD Logic at plan time (data source `kmdlogic_subscription`): wrong
   * credentials, an unknown subscription or (see productIdCheck) an unknown product id fail the plan,
   * naming the identifier, before anything that depends on this construct is created.
   * @default - true when every identifier is a literal or a Terraform variable (known at plan time); false when one comes from a resource or other expression
   */
  readonly verify?: boolean;
  /**
   * What a product id that matches no CPR configuration of the subscription does: "error" fails the plan,
   * "warning" reports it (a Terraform `check` block) and goes on, "off" does not check. "Product ID" is not
   * publicly defined: relax this if yours is not a CPR configuration id.
   * @default "error"
   */
  readonly productIdCheck?: ProductIdCheck;
  /**
   * The kmdlogic provider configuration used to verify.
   * @default - an aliased `kmdlogic` provider of its own, with this construct's client id and secret (URLs from KMDLOGIC_* env vars or the real Logic endpoints)
   */
  readonly provider?: TerraformProvider;
}

const LITERAL_SECRET =
  'a literal secret would be written into cdk.tf.json and version control; pass a token (a sensitive TerraformVariable, a value read from a vault) or leave it out to get a sensitive variable';

const propsSchema = (scope: IConstruct) =>
  z
    .object({
      clientId: ruledString(guid).optional(),
      clientSecret: z
        .custom<string>((v) => typeof v === 'string', { message: LITERAL_SECRET })
        .superRefine((secret, ctx) => checkSecret(scope, 'KmdLogicSubscription', secret, ctx, LITERAL_SECRET))
        .optional(),
      subscriptionId: ruledString(guid).optional(),
      productId: ruledString(guid).optional(),
      variablePrefix: terraformName('variable').optional(),
      verify: z.boolean().optional(),
      productIdCheck: z.enum(['error', 'warning', 'off']).optional(),
      provider: providerOf('kmdlogic').optional(),
    })
    .strict()
    .refine((p) => p.verify !== false || (p.productIdCheck === undefined && p.provider === undefined), {
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
    const valid = validateProps(this, 'KmdLogicSubscription', propsSchema(this), props, ['clientSecret']);
    const variables: Record<string, TerraformVariable> = {};
    const fromVariable = (identifier: string, label: string, sensitive: boolean): string => {
      const prefix = valid.variablePrefix ?? defaultPrefix(this, 'KmdLogicSubscription', 'variablePrefix', 'variable');
      const variable = new TerraformVariable(this, identifier, {
        type: 'string',
        nullable: false,
        sensitive,
        description: `${label} (from the KMD Logic console)${sensitive ? '' : ', a GUID'}`,
        validation: sensitive
          ? undefined
          : [
              {
                condition: `\${can(regex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", var.${prefix}_${identifier}))}`,
                errorMessage: `${label} must be a GUID such as 3fa85f64-5717-4562-b3fc-2c963f66afa6; copy it from the KMD Logic console.`,
              },
            ],
      });
      variable.overrideLogicalId(`${prefix}_${identifier}`);
      variables[identifier] = variable;
      return variable.stringValue;
    };
    this.clientId = valid.clientId ?? fromVariable('client_id', 'KMD Logic Client ID', false);
    this.clientSecret = valid.clientSecret ?? fromVariable('client_secret', 'KMD Logic Client Secret', true);
    this.subscriptionId = valid.subscriptionId ?? fromVariable('subscription_id', 'KMD Logic Subscription ID', false);
    this.productId = valid.productId ?? fromVariable('product_id', 'KMD Logic Product ID', false);
    this.variables = variables;

    const identifiers = [this.clientId, this.clientSecret, this.subscriptionId, this.productId];
    if (valid.verify ?? identifiers.every((v) => knownAtPlan(this, v))) {
      this.provider =
        valid.provider ??
        new KmdlogicProvider(this, 'Provider', { alias: providerAlias(this.node.path), clientId: literalText(this.clientId), clientSecret: this.clientSecret });
      this.verification = this.verify(this.provider, valid.productIdCheck ?? 'error');
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
