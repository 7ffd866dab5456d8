import { TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { z } from 'zod';
import { guid } from '../schemas/rules';
import { snakeCase } from './client-secret';
import { isToken, ruledString, validateProps } from './validation';

export interface KmdLogicSubscriptionProps {
  /**
   * KMD Logic Client ID (a GUID), from the client credential in the Logic console.
   * @default - Terraform variable `<variablePrefix>_client_id`
   */
  readonly clientId?: string;
  /**
   * KMD Logic Client Secret. Pass a token (a sensitive variable, a vault reference), never a literal.
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
}

const propsSchema = z
  .object({
    clientId: ruledString(guid).optional(),
    clientSecret: z
      .custom<string>((v) => isToken(v), {
        message:
          'a literal secret would be written into cdk.tf.json and version control; pass a token (a sensitive TerraformVariable, a value read from a vault) or leave it out to get a sensitive variable',
      })
      .optional(),
    subscriptionId: ruledString(guid).optional(),
    productId: ruledString(guid).optional(),
    variablePrefix: z
      .string()
      .regex(/^[a-zA-Z_][a-zA-Z0-9_-]*$/, 'must be a valid Terraform variable name: letters, digits, _ and -, not starting with a digit')
      .optional(),
  })
  .strict();

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

  constructor(scope: Construct, id: string, props: KmdLogicSubscriptionProps = {}) {
    super(scope, id);
    const valid = validateProps(this, 'KmdLogicSubscription', propsSchema, props, ['clientSecret']);
    const prefix = valid.variablePrefix ?? snakeCase(this.node.path);
    const variables: Record<string, TerraformVariable> = {};
    const fromVariable = (identifier: string, label: string, sensitive: boolean): string => {
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
  }
}
