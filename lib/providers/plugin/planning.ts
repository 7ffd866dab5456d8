/**
 * Generic planning driven by the schema, as terraform's rules demand: defaults for null config, unknown
 * computed values on create, write-only attributes nulled, forceNew → requires_replace.
 */
import type { BlockSchema } from '../../schemas/types';
import { attributeEntries } from './schema';
import { Unknown, type ObjectValue } from './types';
import { isWhollyKnown, valuesEqual } from './values';

/** The generic planned state before the handler's plan hook. `prior` is null on create. */
export function genericPlan(block: BlockSchema, prior: ObjectValue | null, proposed: ObjectValue, config: ObjectValue): ObjectValue {
  const planned: ObjectValue = {};
  for (const [name, attr] of attributeEntries(block)) {
    const configured = config[name] ?? null;
    let value = proposed[name] ?? null;
    if (attr.writeOnly) value = null;
    else if (attr.default !== undefined && configured === null) value = attr.default;
    else if (prior === null && attr.computed && configured === null) value = Unknown;
    planned[name] = value;
  }
  return planned;
}

/** forceNew attributes whose planned value differs from the prior one or is not known yet. */
export function replaceTriggers(block: BlockSchema, prior: ObjectValue, planned: ObjectValue): string[] {
  return attributeEntries(block)
    .filter(([name, attr]) => attr.forceNew && !attr.writeOnly && (!isWhollyKnown(planned[name] ?? null) || !valuesEqual(prior[name] ?? null, planned[name] ?? null)))
    .map(([name]) => name);
}

/** Fills defaults into null attributes: provider config and data source config. */
export function withDefaults(block: BlockSchema, object: ObjectValue): ObjectValue {
  const out: ObjectValue = { ...object };
  for (const [name, attr] of Object.entries(block.attributes)) {
    if ((out[name] ?? null) === null && attr.default !== undefined) out[name] = attr.default;
  }
  return out;
}
