/**
 * The shape of our providers' schemas: the one source of truth for the providers (which serve them
 * over the plugin protocol), the CDKTF bindings (generated from them) and the reference docs.
 *
 * Plain data plus pure rule functions, no dependencies: the providers load this at start-up.
 */

/** A Terraform (cty) type, written the way the plugin protocol spells it in JSON. */
export type AttributeType =
  | 'string'
  | 'bool'
  | 'number'
  | readonly ['list', AttributeType]
  | readonly ['set', AttributeType]
  | readonly ['map', AttributeType]
  | readonly ['object', { readonly [name: string]: AttributeType }];

/**
 * A field rule shared by the constructs (zod) and the providers (ValidateResourceConfig), so that HCL
 * users and construct users get the same error for the same bad value. Returns a message that says what
 * is wrong and how to fix it, or undefined when the value is fine. Never echo the value of a secret.
 */
export type Rule = (value: unknown) => string | undefined;

export interface AttributeSchema {
  readonly type: AttributeType;
  readonly description: string;
  /** Exactly one of required / optional / computed-only describes who sets the value. */
  readonly required?: boolean;
  readonly optional?: boolean;
  readonly computed?: boolean;
  readonly sensitive?: boolean;
  /** Terraform 1.11 write-only: never stored in plan or state. */
  readonly writeOnly?: boolean;
  /** A change plans a replacement (requires_replace). */
  readonly forceNew?: boolean;
  /** Value the provider uses when the attribute is null (the attribute is then optional + computed). */
  readonly default?: string | number | boolean;
  /** Provider settings only: environment variables read, in order, when the attribute is null. */
  readonly env?: readonly string[];
  /** Checked on literal (known) values only. */
  readonly rules?: readonly Rule[];
  readonly deprecated?: string;
}

export interface BlockSchema {
  /** Bumped on every change of state shape; the provider upgrades older state. */
  readonly version: number;
  readonly description: string;
  readonly attributes: { readonly [name: string]: AttributeSchema };
}

export interface ProviderSchema {
  /** Provider type name, the prefix of its resource names. */
  readonly name: string;
  /** Source address; outside the public registry's namespace. */
  readonly source: string;
  readonly version: string;
  readonly provider: BlockSchema;
  readonly resources: { readonly [type: string]: BlockSchema };
  readonly dataSources: { readonly [type: string]: BlockSchema };
}

/** Runs an attribute's rules on a known, non-null value and returns the first failure. */
export function checkRules(attribute: AttributeSchema, value: unknown): string | undefined {
  for (const rule of attribute.rules ?? []) {
    const message = rule(value);
    if (message !== undefined) return message;
  }
  return undefined;
}
