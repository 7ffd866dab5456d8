/** Shaping handler results into state terraform accepts, and private state bytes. */
import type { BlockSchema } from '../../schemas/types';
import { DiagnosticError, type ObjectValue, type PrivateData, type Value } from './types';
import { attributeEntries } from './schema';
import { isWhollyKnown } from './values';

/**
 * The state to send back: exactly the block's attributes; write-only ones null; attributes the handler
 * left out take `fallback`'s value (the planned state on apply, null elsewhere). Unknowns are an error.
 */
export function completeState(block: BlockSchema, result: ObjectValue, fallback: ObjectValue | null, what: string): ObjectValue {
  const out: ObjectValue = {};
  for (const key of Object.keys(result)) {
    if (!(key in block.attributes)) throw new DiagnosticError(`${what} returned an attribute the schema does not have`, `Attribute "${key}" is not in the schema.`);
  }
  for (const [name, attr] of attributeEntries(block)) {
    let value: Value = Object.prototype.hasOwnProperty.call(result, name) ? (result[name] ?? null) : (fallback?.[name] ?? null);
    if (attr.writeOnly) value = null;
    if (!isWhollyKnown(value)) {
      throw new DiagnosticError(`${what} left ${name} unknown`, `The provider must set every computed attribute to a known value; ${name} is still unknown.`, [name]);
    }
    out[name] = value;
  }
  return out;
}

/** Only the schema's keys of raw JSON state; write-only attributes are never read from state. */
export function pickSchemaKeys(block: BlockSchema, raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, attr] of attributeEntries(block)) out[name] = attr.writeOnly ? null : (raw[name] ?? null);
  return out;
}

export function decodePrivate(bytes: Uint8Array | undefined): PrivateData | undefined {
  if (!bytes || bytes.length === 0) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(bytes).toString('utf8'));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as PrivateData) : undefined;
  } catch {
    return undefined; // not ours (or corrupt): treat as absent rather than failing every operation
  }
}

export function encodePrivate(data: PrivateData | undefined): Uint8Array {
  return data === undefined ? new Uint8Array(0) : Buffer.from(JSON.stringify(data));
}
