/**
 * Prop validation for the constructs: zod schemas built on the same rules the providers enforce
 * (lib/schemas/rules.ts), so construct users and HCL users get the same message for the same value.
 * Construction throws one error that lists every bad field; tokens are never validated as literals.
 */
import { TerraformProvider, Token, Tokenization, type IResolvable } from 'cdktf';
import type { IConstruct } from 'constructs';
import { z } from 'zod';
import type { Rule } from '../schemas/types';

/** A value that is not known at synthesis (a variable, a reference): validated by terraform, not here. */
export const isToken = (value: unknown): boolean => value !== null && value !== undefined && Token.isUnresolved(value);

/**
 * Terraform keeps all text in Unicode normal form C: text written otherwise (a decomposed "é") would reach
 * WorkZone as other characters than written, so it is refused. For the literal fragments of a token too.
 */
const notNfc = (value: string): string | undefined => {
  const literals = isToken(value) ? Tokenization.reverseString(value).literals.map(String) : [value];
  return literals.every((literal) => literal === literal.normalize('NFC'))
    ? undefined
    : 'is not in Unicode normal form C (NFC): terraform turns all text into NFC, so WorkZone would get other characters than written; write it in NFC, e.g. with value.normalize("NFC")';
};

/** Reports the first rule that a literal value breaks. */
function checkLiteral(rules: readonly Rule[], value: unknown, ctx: z.RefinementCtx): void {
  for (const rule of rules) {
    const message = rule(value);
    if (message !== undefined) {
      ctx.addIssue({ code: 'custom', message });
      return;
    }
  }
}

/** A string prop checked by shared rules when it is a literal; literal text must be in NFC. */
export const ruledString = (...rules: Rule[]) =>
  z.string().superRefine((value, ctx) => {
    const nfc = notNfc(value);
    if (nfc !== undefined) ctx.addIssue({ code: 'custom', message: nfc });
    if (isToken(value) || nfc !== undefined) return;
    checkLiteral(rules, value, ctx);
  });

/** A number prop checked by shared rules when it is a literal; a token passes. */
export const numberOrToken = (...rules: Rule[]) =>
  z
    .custom<number>((value) => typeof value === 'number' || isToken(value), { message: 'must be a number' })
    .superRefine((value, ctx) => {
      if (!isToken(value)) checkLiteral(rules, value, ctx);
    });

/** A boolean prop: a literal or a token (IResolvable). */
export const booleanOrToken = z.custom<boolean | IResolvable>((value) => typeof value === 'boolean' || isToken(value), {
  message: 'must be true or false',
});

/**
 * A provider configuration of one type (`workzone`, `kmdlogic`, `random`): anything else would synthesize
 * a reference terraform rejects far from the construct that caused it.
 */
export const providerOf = (type: string) =>
  z.custom<TerraformProvider>((v) => TerraformProvider.isTerraformProvider(v) && v.terraformResourceType === type, {
    message: `must be a ${type} provider configuration (a ${type} provider construct, e.g. with an alias)`,
  });

/** Any token (a variable, a reference, a secret from a vault): only its presence is checked. */
export const anyToken = z.custom<string>((value) => typeof value === 'string' || isToken(value), {
  message: 'must be a string or a token',
});

export interface FieldError {
  readonly prop: string;
  readonly value: string;
  readonly message: string;
}

/** Thrown at construction: every bad prop, each with its value (never a secret's) and how to fix it. */
export class PropsValidationError extends Error {
  constructor(
    readonly constructPath: string,
    readonly constructType: string,
    readonly fieldErrors: readonly FieldError[],
  ) {
    super(
      `Invalid props for ${constructType} at '${constructPath}' (${fieldErrors.length} problem${fieldErrors.length === 1 ? '' : 's'}):\n` +
        fieldErrors.map((e) => `  - ${e.prop} = ${e.value}: ${e.message}`).join('\n'),
    );
    this.name = 'PropsValidationError';
  }
}

/** A prop value for an error message: a secret never, a token as `(token)`, long values cut. */
export function show(value: unknown, secret: boolean): string {
  if (value === undefined) return '(not set)';
  if (secret) return '(secret, not shown)';
  if (isToken(value)) return '(token)';
  let text: string | undefined;
  try {
    // JSON would show NaN and Infinity as null; BigInts and circular objects make it throw.
    text = typeof value === 'number' || typeof value === 'bigint' ? String(value) : JSON.stringify(value);
  } catch {
    text = undefined;
  }
  if (text === undefined) text = typeof value === 'object' ? `(${value === null ? 'null' : (value.constructor?.name ?? 'object')})` : String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/**
 * Parses props with a schema; on failure throws a PropsValidationError naming the construct.
 * `secretProps` lists props whose values must never be shown.
 */
export function validateProps<T>(
  scope: IConstruct,
  constructType: string,
  schema: z.ZodType<T>,
  props: unknown,
  secretProps: readonly string[] = [],
): T {
  const result = schema.safeParse(props ?? {});
  if (result.success) return result.data;
  const errors = result.error.issues.flatMap((issue): FieldError[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        prop: [...issue.path, key].join('.'),
        value: '(set)',
        message: 'is not a prop of this construct; check its spelling against the props in docs/constructs.md',
      }));
    }
    const prop = issue.path.map(String).join('.') || '(props)';
    const secret = secretProps.includes(String(issue.path[0]));
    return [{ prop, value: show(valueAt(props, issue.path), secret), message: issue.message }];
  });
  throw new PropsValidationError(scope.node.path, constructType, errors);
}
