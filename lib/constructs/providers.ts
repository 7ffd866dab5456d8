/**
 * Finds or creates the default (unaliased) provider configuration of a type in a stack, so that every
 * construct works without ceremony while users who configure providers themselves stay in control.
 * Create your providers before the constructs, or pass them as props.
 */
import { TerraformProvider, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';

type ProviderClass<P extends TerraformProvider> = new (scope: Construct, id: string) => P;

const defaults = new WeakMap<TerraformStack, Map<Function, TerraformProvider>>();

export function defaultProvider<P extends TerraformProvider>(scope: Construct, type: ProviderClass<P>, id: string): P {
  const stack = TerraformStack.of(scope);
  let byType = defaults.get(stack);
  if (!byType) {
    byType = new Map();
    defaults.set(stack, byType);
  }
  const known = byType.get(type);
  if (known) return known as P;
  const existing = stack.node.children.find((c): c is P => c instanceof type && (c as P).alias === undefined);
  const provider = existing ?? new type(stack, id);
  byType.set(type, provider);
  return provider;
}
