/**
 * One WorkZone OAuth client has one owner. Two resources with one client id against one provider
 * configuration would each manage the same client: the second create fails (and its error would lead to
 * an import that makes two owners) or adopts the first's client, and destroying either deletes the
 * other's. Refused at construction, naming both constructs. Client ids that are tokens are compared as
 * the expressions terraform will read, where that decides anything: two identical expressions are one
 * value (unless they call a function that differs per call); other tokens say nothing.
 */
import { TerraformStack, type TerraformProvider } from 'cdktf';
import type { IConstruct } from 'constructs';
import { scanTemplate, TemplateSyntaxError } from './hcl-template';
import { resolvedText } from './terraform-text';
import { PropsValidationError, show } from './validation';

/** Functions whose result differs per call: two identical calls are two values. */
const IMPURE = new Set(['uuid', 'timestamp', 'bcrypt']);

/** Per provider configuration: client id (as terraform reads it) → path of the construct that owns it. */
const owners = new WeakMap<object, Map<string, string>>();
/** The stack's unaliased provider, whether it is known yet or chosen at synthesis (providers.ts). */
const unaliased = new WeakMap<TerraformStack, object>();

/** The provider configuration as one key: every unaliased provider of a stack is the same configuration. */
function configurationKey(scope: IConstruct, provider: TerraformProvider | undefined): object {
  if (provider !== undefined && provider.alias !== undefined) return provider;
  const stack = TerraformStack.of(scope);
  return unaliased.get(stack) ?? unaliased.set(stack, {}).get(stack)!;
}

/**
 * Records `scope` as the owner of `clientId` with `provider` (undefined: the stack's default, chosen at
 * synthesis); throws when another construct already is.
 */
export function claimClientId(scope: IConstruct, constructType: string, provider: TerraformProvider | undefined, clientId: string): void {
  const key = comparable(scope, clientId);
  if (key === undefined) return;
  const configuration = configurationKey(scope, provider);
  const claimed = owners.get(configuration) ?? owners.set(configuration, new Map()).get(configuration)!;
  const other = claimed.get(key);
  if (other === undefined) {
    claimed.set(key, scope.node.path);
    return;
  }
  throw new PropsValidationError(scope.node.path, constructType, [
    {
      prop: 'clientId',
      value: show(clientId, false),
      message:
        `is already the client id of '${other}' with the same workzone provider configuration. One WorkZone OAuth client has one owner: ` +
        "two would overwrite each other's settings and secret, and destroying either deletes the other's client. " +
        `Give each its own clientId, or keep one construct and share its outputs (e.g. its clientId and clientSecret).`,
    },
  ]);
}

/** The client id as terraform will read it, or undefined when equal text would not mean an equal value. */
function comparable(scope: IConstruct, clientId: string): string | undefined {
  const text = resolvedText(scope, clientId);
  if (text === undefined) return undefined;
  try {
    if (scanTemplate(text).functions.some((name) => IMPURE.has(name))) return undefined;
  } catch (error) {
    if (error instanceof TemplateSyntaxError) return undefined;
    throw error;
  }
  return text;
}
