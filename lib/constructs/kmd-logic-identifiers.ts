/**
 * What the KMD Logic constructs of the update modules share (KmdLogicSubscription for CPR,
 * KmdLogicCvrSubscription for CVR): each module's KMD Logic identifiers are data (update-module.ts), given
 * as props or else read from Terraform variables checked by the rules their props follow, and verified at
 * plan time through a kmdlogic provider of their own.
 */
import { TerraformProvider, TerraformVariable } from 'cdktf';
import type { Construct, IConstruct } from 'constructs';
import { z } from 'zod';
import { KmdlogicProvider } from '../bindings/kmdlogic';
import { guid } from '../schemas/rules';
import { scanTemplate } from './hcl-template';
import { defaultPrefix, snakeCase, terraformName } from './names';
import { attributeOf, type AttributeProp, type ConstructSpec } from './props';
import { checkSecret } from './secret-expression';
import { literalText, resolvedText } from './terraform-text';
import type { UpdateModule } from './update-module';
import { isToken, providerOf } from './validation';

const LITERAL_SECRET =
  'a literal secret would be written into cdk.tf.json and version control; pass a token (a sensitive TerraformVariable, a value read from a vault) or leave it out to get a sensitive variable';

/** The checks of the props both constructs have that are not attribute props (the secret's replaces its attribute's). */
export const kmdLogicCommonChecks = (scope: IConstruct, constructType: string) => ({
  clientSecret: z
    .custom<string>((v) => typeof v === 'string', { message: LITERAL_SECRET })
    .superRefine((secret, ctx) => checkSecret(scope, constructType, secret, ctx, LITERAL_SECRET)),
  variablePrefix: terraformName('variable'),
  verify: z.boolean(),
  provider: providerOf('kmdlogic'),
});

/** A module's KMD Logic identifier: the prop that holds it, its variable (the prop in snake case) and label. */
export interface KmdLogicIdentifier {
  readonly prop: string;
  readonly variable: string;
  readonly label: string;
}

/** The KMD Logic identifiers of a module, in the order of its configuration form. */
export function kmdLogicIdentifiers(module: UpdateModule): KmdLogicIdentifier[] {
  return module.outputs.flatMap((o) => (o.kmdLogicProp === undefined ? [] : [{ prop: o.kmdLogicProp, variable: snakeCase(o.kmdLogicProp), label: o.label }]));
}

/**
 * The value of each identifier by prop: the prop's, or else a Terraform variable `<prefix>_<variable>` made
 * here, checked by terraform with the rules its prop follows.
 */
export function identifierValues(
  scope: Construct,
  constructType: string,
  spec: ConstructSpec,
  module: UpdateModule,
  props: object,
): { values: Record<string, string>; variables: Record<string, TerraformVariable> } {
  const given = props as Readonly<Record<string, unknown>>;
  const values: Record<string, string> = {};
  const variables: Record<string, TerraformVariable> = {};
  for (const { prop, variable: identifier, label } of kmdLogicIdentifiers(module)) {
    const value = given[prop];
    if (typeof value === 'string') {
      values[prop] = value;
      continue;
    }
    const prefix = typeof given.variablePrefix === 'string' ? given.variablePrefix : defaultPrefix(scope, constructType, 'variablePrefix', 'variable');
    const name = `${prefix}_${identifier}`;
    const attribute = attributeOf(spec.props[prop] as AttributeProp);
    const checks = (attribute.rules ?? []).flatMap((rule) => (rule.terraform ? [rule.terraform] : []));
    const variable = new TerraformVariable(scope, identifier, {
      type: 'string',
      nullable: false,
      sensitive: attribute.sensitive === true,
      description: `${label} (from the KMD Logic console)${attribute.rules?.includes(guid) ? ', a GUID' : ''}`,
      validation: checks.length === 0 ? undefined : checks.map((check) => ({ condition: `\${${check.condition(`var.${name}`)}}`, errorMessage: `${label} ${check.message}.` })),
    });
    variable.overrideLogicalId(name);
    variables[identifier] = variable;
    values[prop] = variable.stringValue;
  }
  return { values, variables };
}

/** True when the value is literal text or interpolates variables only: terraform knows it at plan time. */
export function knownAtPlan(scope: Construct, value: string): boolean {
  if (!isToken(value)) return true;
  const text = resolvedText(scope, value);
  if (text === undefined) return false;
  try {
    return scanTemplate(text).parts.every((part) => part.kind === 'literal' || (part.kind === 'interpolation' && /^var\.[A-Za-z0-9_-]+$/.test(part.expression)));
  } catch {
    return false;
  }
}

/** The provider that verifies: the given one, or an aliased one of the construct's own credential (and scope). */
export function verificationProvider(scope: Construct, given: TerraformProvider | undefined, credential: { clientId: string; clientSecret: string; scope?: string }): TerraformProvider {
  return (
    given ??
    new KmdlogicProvider(scope, 'Provider', {
      alias: providerAlias(scope.node.path),
      clientId: literalText(credential.clientId),
      clientSecret: credential.clientSecret,
      ...(credential.scope !== undefined && { scope: literalText(credential.scope) }),
    })
  );
}

/** The construct path in snake case, as a valid alias (a name may not start with a digit). */
function providerAlias(path: string): string {
  const name = snakeCase(path);
  return /^[a-zA-Z_]/.test(name) ? name : `_${name}`;
}
