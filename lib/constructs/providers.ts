/**
 * The default (unaliased) provider configuration of a type in a stack, so that every construct works
 * without ceremony while users who configure providers themselves stay in control. Declaration order does
 * not matter: when the stack has no such provider yet, the choice waits until synthesis, where the
 * resources and data sources under the construct that got no provider take the stack's unaliased one
 * (declared later, anywhere in the stack) or, when there is none, one created then.
 */
import { Aspects, TerraformDataSource, TerraformProvider, TerraformResource, TerraformStack } from 'cdktf';
import type { Construct, IConstruct } from 'constructs';

type ProviderClass<P extends TerraformProvider> = (new (scope: Construct, id: string) => P) & { readonly tfResourceType: string };

/** Per stack, per provider type: the default found or created, so each stack is searched once. */
const settled = new WeakMap<TerraformStack, Map<string, TerraformProvider>>();

/**
 * The stack's unaliased provider of `type` when it is there already (a child of the stack). Otherwise
 * undefined, and at synthesis every element under `scope` of that provider's type with no provider gets
 * the stack's unaliased one, created with `id` when there is none.
 */
export function defaultProvider<P extends TerraformProvider>(scope: Construct, type: ProviderClass<P>, id: string): P | undefined {
  const stack = TerraformStack.of(scope);
  const known = settled.get(stack)?.get(type.tfResourceType) ?? stack.node.children.find((c) => isDefault(c, type));
  if (known) return remember(stack, type, known) as P;
  Aspects.of(scope).add({ visit: (node) => node === scope && settle(scope, stack, type, id) });
  return undefined;
}

function settle(scope: Construct, stack: TerraformStack, type: ProviderClass<TerraformProvider>, id: string): void {
  const provider = remember(stack, type, settled.get(stack)?.get(type.tfResourceType) ?? stack.node.findAll().find((c) => isDefault(c, type)) ?? create(scope, stack, type, id));
  for (const element of scope.node.findAll()) {
    if (!TerraformResource.isTerraformResource(element) && !TerraformDataSource.isTerraformDataSource(element)) continue;
    if (element.provider === undefined && element.terraformGeneratorMetadata?.providerName === type.tfResourceType) element.provider = provider;
  }
}

function create(scope: Construct, stack: TerraformStack, type: ProviderClass<TerraformProvider>, id: string): TerraformProvider {
  const taken = stack.node.tryFindChild(id);
  if (taken) {
    throw new Error(
      `${scope.node.path} uses the stack's default ${type.tfResourceType} provider, and the stack has none: one would be created as ` +
        `'${stack.node.path}/${id}', but that id is taken by another construct. Declare the provider (new ${type.name}(stack, '<id>')) or pass one as the provider prop.`,
    );
  }
  return new type(stack, id);
}

function remember(stack: TerraformStack, type: ProviderClass<TerraformProvider>, provider: TerraformProvider): TerraformProvider {
  let byType = settled.get(stack);
  if (!byType) settled.set(stack, (byType = new Map()));
  byType.set(type.tfResourceType, provider);
  return provider;
}

/** An unaliased provider configuration of this type, recognised by cdktf's own guard (any copy, any build). */
const isDefault = (c: IConstruct, type: ProviderClass<TerraformProvider>): c is TerraformProvider =>
  TerraformProvider.isTerraformProvider(c) && c.terraformResourceType === type.tfResourceType && c.alias === undefined;
