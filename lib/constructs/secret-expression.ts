/**
 * "Literal secrets are refused", decided on what terraform will read rather than on the JavaScript type:
 * `Fn.base64decode("c2VjcmV0")` is a token, but its secret is in cdk.tf.json all the same. A secret value is
 * resolved in its stack and read as a template:
 * - it must reference a variable, resource, data source, ephemeral resource or module output (directly or
 *   through locals); an expression that references none of them is a literal, refused like a plain string;
 * - it must have no literal text around its interpolations: `prefix-${var.x}` puts part of the secret into
 *   cdk.tf.json and version control, so the whole secret belongs in the variable or vault.
 * Constant arguments inside an expression (a map key, a separator, a default of `coalesce`) are allowed:
 * they pick or shape what the reference holds.
 * Decided at construction, where the value resolves then; a value that cannot be resolved yet (a Lazy whose
 * producer is not ready) is decided at synthesis instead (node.addValidation). The value is never shown.
 */
import { TerraformLocal, TerraformStack, Token, Tokenization, DefaultTokenResolver, StringConcat } from 'cdktf';
import type { IConstruct } from 'constructs';
import type { z } from 'zod';
import { scanTemplate, TemplateSyntaxError } from './hcl-template';
import { resolvedText } from './terraform-text';
import { PropsValidationError } from './validation';

export type SecretProblem = 'literal' | 'partly-literal';

/** Roots of references that never hold a secret (a variable, resource, data source, ... does). */
const NOT_SOURCES = new Set(['path', 'terraform', 'count', 'each', 'self']);

/**
 * What is wrong with a secret value: 'literal', 'partly-literal', undefined when it is fine or cannot be
 * told, or 'later' when it cannot be resolved yet.
 */
export function secretProblem(scope: IConstruct, value: string): SecretProblem | 'later' | undefined {
  if (!Token.isUnresolved(value)) return 'literal';
  const text = resolvedText(scope, value);
  if (text === undefined) return 'later';
  try {
    const { parts } = scanTemplate(text);
    if (parts.some((part) => part.kind === 'literal')) return parts.every((part) => part.kind === 'literal') ? 'literal' : 'partly-literal';
    return referencesSource(scope, text, new Set()) === false ? 'literal' : undefined;
  } catch (error) {
    if (error instanceof TemplateSyntaxError) return undefined; // not ours to judge: terraform will
    throw error;
  }
}

/** Whether the template references a secret source; undefined when that cannot be told (an unknown local). */
function referencesSource(scope: IConstruct, template: string, seenLocals: Set<string>): boolean | undefined {
  let unknown = false;
  for (const reference of scanTemplate(template).references) {
    const [root, name] = reference.split('.');
    if (NOT_SOURCES.has(root)) continue;
    if (root !== 'local') return true;
    if (seenLocals.has(name)) continue;
    seenLocals.add(name);
    const value = localValue(scope, name);
    if (value === undefined) {
      unknown = true;
      continue;
    }
    const found = strings(value).map((text) => referencesSource(scope, text, seenLocals));
    if (found.includes(true)) return true;
    if (found.includes(undefined)) unknown = true;
  }
  return unknown ? undefined : false;
}

/** The resolved expression of the stack's local `name`, or undefined when the stack has no such TerraformLocal. */
function localValue(scope: IConstruct, name: string): unknown {
  const stack = TerraformStack.of(scope);
  const local = stack.node.findAll().find((c): c is TerraformLocal => c instanceof TerraformLocal && c.friendlyUniqueId === name);
  if (!local) return undefined;
  try {
    const { locals } = local.toTerraform() as { locals: Record<string, unknown> };
    return Tokenization.resolve(locals[name], { scope: local, preparing: false, resolver: new DefaultTokenResolver(new StringConcat()) });
  } catch {
    return undefined;
  }
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === 'object') return [...Object.keys(value), ...Object.values(value).flatMap(strings)];
  return [];
}

const PARTLY_LITERAL =
  'part of this secret is literal text around a reference (such as `prefix-${var.x}`): that part would be written into cdk.tf.json and version control; put the whole secret in the variable or vault';

/** Late checks already registered, per stack and value: a value validated by two constructs is reported once. */
const lateChecks = new WeakMap<TerraformStack, Set<string>>();

/**
 * Adds the issue for the secret prop `clientSecret` of a construct to a zod refinement: `literalMessage` for
 * a literal (the same message as for a plain string), the partly-literal message, or nothing. A value that
 * cannot be resolved yet is checked at synthesis, with the same wording.
 */
export function checkSecret(scope: IConstruct, constructType: string, value: string, ctx: z.RefinementCtx, literalMessage: string): void {
  const messageFor = (problem: ReturnType<typeof secretProblem>) =>
    problem === 'literal' ? literalMessage : problem === 'partly-literal' ? PARTLY_LITERAL : undefined;
  const problem = secretProblem(scope, value);
  const message = messageFor(problem);
  if (message !== undefined) ctx.addIssue({ code: 'custom', message });
  if (problem !== 'later') return;
  const stack = TerraformStack.of(scope);
  const registered = lateChecks.get(stack) ?? lateChecks.set(stack, new Set()).get(stack)!;
  if (registered.has(value)) return;
  registered.add(value);
  scope.node.addValidation({
    validate: () => {
      const late = messageFor(secretProblem(scope, value));
      if (late === undefined) return [];
      return [new PropsValidationError(scope.node.path, constructType, [{ prop: 'clientSecret', value: '(secret, not shown)', message: late }]).message];
    },
  });
}
