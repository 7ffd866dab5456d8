/**
 * Keeps secret values out of logs and diagnostics: every string value of a sensitive or write-only
 * attribute seen in a request is registered, and scrub() replaces occurrences in any text.
 */
import type { BlockSchema } from '../../schemas/types';
import { attributeEntries } from './schema';
import { Unknown, type ObjectValue, type Value } from './types';

export const REDACTED = '(sensitive value)';
// Shorter strings would blank out ordinary words; secrets that short fail any sane rule anyway.
const MIN_SECRET_LENGTH = 4;

export class Secrets {
  private readonly values = new Set<string>();

  constructor(private readonly parent?: Secrets) {}

  add(value: Value | undefined): void {
    if (value === null || value === undefined || value === Unknown) return;
    if (typeof value === 'string') {
      if (value.length >= MIN_SECRET_LENGTH) this.values.add(value);
    } else if (typeof value === 'number') {
      if (String(value).length >= MIN_SECRET_LENGTH) this.values.add(String(value));
    } else if (Array.isArray(value)) value.forEach((item) => this.add(item));
    else if (typeof value === 'object') Object.values(value).forEach((item) => this.add(item));
  }

  /** Registers the values of the block's sensitive and write-only attributes. */
  addFrom(block: BlockSchema, object: ObjectValue | null | undefined): void {
    if (!object) return;
    for (const [name, attr] of attributeEntries(block)) if (attr.sensitive || attr.writeOnly) this.add(object[name]);
  }

  private all(): string[] {
    const own = [...this.values];
    return this.parent ? [...own, ...this.parent.all()] : own;
  }

  scrub(text: string): string {
    let out = text;
    // Longest first, so a secret containing another is replaced whole.
    for (const secret of this.all().sort((a, b) => b.length - a.length)) {
      out = out.split(secret).join(REDACTED);
      // Also its JSON-escaped form, for secrets inside serialised log lines.
      const escaped = JSON.stringify(secret).slice(1, -1);
      if (escaped !== secret) out = out.split(escaped).join(REDACTED);
    }
    return out;
  }
}

/** A copy of the object with sensitive and write-only attribute values replaced, for logging. */
export function redactObject(block: BlockSchema, object: ObjectValue | null): ObjectValue | null {
  if (!object) return object;
  const out: ObjectValue = {};
  for (const [name, value] of Object.entries(object)) {
    const attr = block.attributes[name];
    out[name] = attr && (attr.sensitive || attr.writeOnly) && value !== null ? REDACTED : value;
  }
  return out;
}
