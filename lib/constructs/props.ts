/**
 * Construct props described as data (specs.ts), so that each fact about a prop is written once: a prop that
 * sets a schema attribute takes its type, rules, default and description from the schema; the construct
 * adds only what is its own. From a spec come the zod check and the defaults (here, at construction), and
 * the props interface and the props tables of docs/constructs.md (`npm run generate`).
 */
import { z } from 'zod';
import type { AttributeSchema, BlockSchema } from '../schemas/types';
import { camelCase } from '../schemas/names';
import { booleanOrToken, numberOrToken, ruledString } from './validation';

export type DefaultValue = string | number | boolean;

/** A prop that sets (or is checked like) a schema attribute. */
export interface AttributeProp {
  readonly attribute: { readonly block: BlockSchema; readonly name: string };
  /** Replaces the schema's description, which speaks of HCL. */
  readonly description?: string;
  /** Replaces the schema's default (a module's own settings, see update-module.ts). */
  readonly default?: DefaultValue;
  /** A default the construct works out, in words (jsii style: `- the construct path in snake case`); makes the prop optional. */
  readonly defaultDoc?: string;
}

/** A prop of the construct's own (a ClientSecret, a provider, a switch). */
export interface OwnProp {
  /** Its TypeScript type, as the props interface declares it. */
  readonly type: string;
  readonly required?: boolean;
  readonly default?: DefaultValue;
  readonly defaultDoc?: string;
  readonly description: string;
}

export type PropSpec = AttributeProp | OwnProp;

export interface ConstructSpec {
  readonly construct: string;
  readonly description: string;
  /** In the order of the interface and the docs. */
  readonly props: { readonly [prop: string]: PropSpec };
  /** A construct whose props this one takes too: its interface extends the base's, redeclaring only props that differ. */
  readonly base?: ConstructSpec;
  /** Types the interface names, by the module (under lib/constructs) that exports them. */
  readonly imports?: { readonly [module: string]: readonly string[] };
}

export const isAttributeProp = (p: PropSpec): p is AttributeProp => 'attribute' in p;

export const attributeOf = (p: AttributeProp): AttributeSchema => {
  const a = p.attribute.block.attributes[p.attribute.name];
  if (a === undefined) throw new Error(`the schema has no attribute ${p.attribute.name}`);
  return a;
};

/**
 * A prop for every attribute of `block` that configuration sets, named in camelCase, except those listed
 * (each with why the construct sets it another way).
 */
export function attributeProps(
  block: BlockSchema,
  options: { readonly except: { readonly [attribute: string]: string }; readonly descriptions?: { readonly [attribute: string]: string } },
): { [prop: string]: AttributeProp } {
  for (const name of [...Object.keys(options.except), ...Object.keys(options.descriptions ?? {})]) {
    if (!(name in block.attributes)) throw new Error(`attributeProps: the block has no attribute ${name}`);
  }
  const out: { [prop: string]: AttributeProp } = {};
  for (const [name, a] of Object.entries(block.attributes)) {
    if (!(a.required || a.optional) || name in options.except) continue;
    out[camelCase(name)] = { attribute: { block, name }, ...(options.descriptions?.[name] !== undefined && { description: options.descriptions[name] }) };
  }
  return out;
}

/** The default value of a prop, when it has one as a value (not in words). */
export function defaultOf(p: PropSpec): DefaultValue | undefined {
  if (p.default !== undefined) return p.default;
  return isAttributeProp(p) && p.defaultDoc === undefined ? attributeOf(p).default : undefined;
}

export function isRequired(p: PropSpec): boolean {
  if (!isAttributeProp(p)) return p.required === true;
  return attributeOf(p).required === true && p.default === undefined && p.defaultDoc === undefined;
}

/** The check of an attribute prop: its type, and its rules on literal values (tokens pass: terraform checks them). */
function attributeCheck(p: AttributeProp): z.ZodType {
  const a = attributeOf(p);
  const rules = a.rules ?? [];
  switch (a.type) {
    case 'string':
      return ruledString(...rules);
    case 'bool':
      return booleanOrToken;
    case 'number':
      return numberOrToken(...rules);
    default:
      throw new Error(`attribute ${p.attribute.name}: a ${JSON.stringify(a.type)} attribute cannot be a prop yet`);
  }
}

const checksBySpec = new WeakMap<ConstructSpec, Readonly<Record<string, z.ZodType>>>();

/** The checks of a spec's attribute props (optional ones optional), made once per spec: they depend on nothing else. */
function attributeChecks(spec: ConstructSpec): Readonly<Record<string, z.ZodType>> {
  let checks = checksBySpec.get(spec);
  if (checks === undefined) {
    checks = Object.fromEntries(
      Object.entries(spec.props).flatMap(([prop, p]) => (isAttributeProp(p) ? [[prop, isRequired(p) ? attributeCheck(p) : attributeCheck(p).optional()]] : [])),
    );
    checksBySpec.set(spec, checks);
  }
  return checks;
}

/**
 * The zod object of a spec: attribute props checked by their schema rules, own props by `own` (which must
 * check exactly the own props; it may also replace an attribute prop's check, e.g. for a secret).
 */
export function propsSchema<Props>(spec: ConstructSpec, own: { readonly [prop: string]: z.ZodType }): z.ZodType<Props> {
  const attributes = attributeChecks(spec);
  const shape: Record<string, z.ZodType> = {};
  for (const [prop, p] of Object.entries(spec.props)) {
    const check = own[prop] ?? attributes[prop];
    if (check === undefined) throw new Error(`${spec.construct}: no check for its own prop ${prop}`);
    shape[prop] = isRequired(p) || check === attributes[prop] ? check : check.optional();
  }
  const extra = Object.keys(own).filter((prop) => !(prop in spec.props));
  if (extra.length > 0) throw new Error(`${spec.construct}: checks for props the spec does not have: ${extra.join(', ')}`);
  // The interface of Props is generated from the same spec (props.generated.ts).
  return z.object(shape).strict() as unknown as z.ZodType<Props>;
}

/**
 * The props with every default that is a value filled in. `defaulted` names the props the caller reads as
 * set (typed so); each must have a default in the spec.
 */
export function withDefaults<Props extends object, K extends keyof Props & string = never>(
  spec: ConstructSpec,
  props: Props,
  defaulted: readonly K[] = [],
): Props & Required<Pick<Props, K>> {
  for (const prop of defaulted) {
    if (spec.props[prop] === undefined || defaultOf(spec.props[prop]) === undefined) throw new Error(`${spec.construct}: prop ${prop} has no default in the spec`);
  }
  const out: Record<string, unknown> = { ...(props as Record<string, unknown>) };
  for (const [prop, p] of Object.entries(spec.props)) {
    const value = defaultOf(p);
    if (out[prop] === undefined && value !== undefined) out[prop] = value;
  }
  return out as Props & Required<Pick<Props, K>>;
}

/**
 * The config of the resource or data source of `block` from the props that set its attributes (camelCase,
 * as the bindings name them); `text` turns literal strings into what terraform reads as written.
 */
export function blockConfig<Config>(spec: ConstructSpec, block: BlockSchema, props: object, text: (value: string) => string): Config {
  const out: Record<string, unknown> = {};
  for (const [prop, p] of Object.entries(spec.props)) {
    const value = (props as Record<string, unknown>)[prop];
    if (!isAttributeProp(p) || p.attribute.block !== block || value === undefined) continue;
    out[camelCase(p.attribute.name)] = typeof value === 'string' ? text(value) : value;
  }
  // The bindings name config properties as the specs name props: camelCase of the attribute.
  return out as Config;
}
