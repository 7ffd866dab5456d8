/**
 * Per-attribute rule checks (lib/schemas rules) on known values, and provider-setting env fallbacks.
 * Diagnostics name the field and show the value, except for sensitive and write-only attributes.
 */
import { checkRules, type AttributeSchema, type AttributeType, type BlockSchema } from '../../schemas/types';
import type { Diagnostic, ObjectValue, Value } from './types';
import { isWhollyKnown } from './values';
import { attributeEntries } from './schema';
import { showValue } from './show';

const isSecret = (attr: AttributeSchema) => attr.sensitive === true || attr.writeOnly === true;

/** A rule failure: summary `<field> <rule message>`; the detail shows the value unless it is secret. */
export function ruleDiagnostic(name: string, attr: AttributeSchema, value: Value, message: string, source?: string): Diagnostic {
  const origin = source ? ` (from ${source})` : '';
  return {
    severity: 'error',
    summary: `${name} ${message}`,
    detail: isSecret(attr)
      ? `The value${origin} is not shown because ${name} is sensitive.`
      : `Got ${showValue(value)}${origin}.`,
    attribute: [name],
  };
}

/** Runs each attribute's rules on its known, non-null value; also warns on deprecated attributes in use. */
export function checkAttributeRules(block: BlockSchema, config: ObjectValue): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const [name, attr] of attributeEntries(block)) {
    const value = config[name] ?? null;
    if (value === null) continue;
    if (attr.deprecated) diagnostics.push({ severity: 'warning', summary: `${name} is deprecated`, detail: attr.deprecated, attribute: [name] });
    if (!isWhollyKnown(value)) continue;
    const message = checkRules(attr, value);
    if (message !== undefined) diagnostics.push(ruleDiagnostic(name, attr, value, message));
  }
  return diagnostics;
}

/**
 * Write-only attributes set where terraform does not allow them (client_capabilities): terraform before
 * 1.11 does not know write-only and would keep the value in plan and state. One error per attribute, as
 * terraform-plugin-framework gives it; the value is never shown.
 */
export function writeOnlyNotAllowed(block: BlockSchema, config: ObjectValue): Diagnostic[] {
  return attributeEntries(block)
    .filter(([name, attr]) => attr.writeOnly && (config[name] ?? null) !== null)
    .map(([name]) => ({
      severity: 'error' as const,
      summary: 'WriteOnly Attribute Not Allowed',
      detail: `The resource contains a non-null value for write-only attribute ${name}. Write-only attributes are only supported in Terraform 1.11 and later: upgrade terraform, or leave ${name} unset.`,
      attribute: [name],
    }));
}

/** Parses an environment string into the attribute's type; undefined when it does not fit. */
export function parseEnvValue(raw: string, type: AttributeType): Value | undefined {
  if (type === 'string') return raw;
  if (type === 'number') {
    const n = Number(raw.trim());
    return raw.trim() !== '' && Number.isFinite(n) ? n : undefined;
  }
  if (type === 'bool') {
    const v = raw.trim().toLowerCase();
    if (v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
    return undefined;
  }
  try {
    return JSON.parse(raw) as Value;
  } catch {
    return undefined;
  }
}

/**
 * Provider config ready for configure: env fallbacks for null settings (first set variable wins), then
 * defaults. Env values get the same rule checks as config values, with the variable named.
 */
export function resolveProviderConfig(
  block: BlockSchema,
  config: ObjectValue,
  env: NodeJS.ProcessEnv = process.env,
): { config: ObjectValue; diagnostics: Diagnostic[]; fromEnv: Record<string, string> } {
  const out: ObjectValue = { ...config };
  const diagnostics: Diagnostic[] = [];
  const fromEnv: Record<string, string> = {};
  for (const [name, attr] of Object.entries(block.attributes)) {
    if ((out[name] ?? null) !== null) continue;
    const variable = attr.env?.find((v) => env[v] !== undefined && env[v] !== '');
    if (variable !== undefined) {
      const parsed = parseEnvValue(env[variable]!, attr.type);
      if (parsed === undefined) {
        diagnostics.push({
          severity: 'error',
          summary: `${name} from ${variable} is not a valid ${typeof attr.type === 'string' ? attr.type : attr.type[0]}`,
          detail: isSecret(attr) ? `The value is not shown because ${name} is sensitive.` : `Got ${showValue(env[variable])}.`,
          attribute: [name],
        });
        continue;
      }
      const message = checkRules(attr, parsed);
      if (message !== undefined) diagnostics.push(ruleDiagnostic(name, attr, parsed, message, variable));
      out[name] = parsed;
      fromEnv[name] = variable;
      continue;
    }
    out[name] = attr.default ?? null;
  }
  return { config: out, diagnostics, fromEnv };
}
