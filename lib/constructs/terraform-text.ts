/**
 * Literal text in cdk.tf.json. Terraform reads most strings of its JSON syntax as templates: `${…}`
 * interpolates and `%{…}` is a directive, in resource and data source arguments, provider settings, output
 * values, map keys and check messages alike. cdktf writes strings raw (its escape hatch, like every cdktf
 * provider binding), so the constructs escape the text users type before it reaches an element: terraform
 * reads `$${` as `${` and `%%{` as `%{`. Tokens stay expressions; only the literal fragments around them are
 * escaped. Variable and output descriptions are the exception: terraform reads them verbatim, so they are
 * written as they are.
 */
import { DefaultTokenResolver, StringConcat, Token, Tokenization, type IResolvable, type IResolveContext } from 'cdktf';
import type { IConstruct } from 'constructs';
import { scanTemplate } from './hcl-template';

/** `${` → `$${` and `%{` → `%%{`: text that terraform reads back as written. */
export function escapeTemplateText(text: string): string {
  return text.replace(/([$%])\{/g, '$1$1{');
}

/**
 * A string prop as the user wrote it (literal text, tokens, or both) as terraform must read it: literal
 * fragments escaped, tokens kept. Plain text stays a plain string.
 */
export function literalText(value: string): string {
  if (!Token.isUnresolved(value)) return escapeTemplateText(value);
  // Nothing to escape and no `$` or `%` to run into a token: the value is its own template already.
  if (Tokenization.reverseString(value).literals.every((literal) => !/[$%]/.test(String(literal)))) return value;
  return terraformTemplate([{ value }]);
}

/** A piece of a template made by the constructs. */
export type TemplatePiece =
  /** Literal text (a label, a construct path): escaped. */
  | { readonly text: string }
  /** A value as a user gave it (literal text, tokens or both): literal fragments escaped, tokens kept. */
  | { readonly value: string }
  /** Template text written by the constructs (an interpolation such as `${length(self.configurations)}`), as is. */
  | { readonly hcl: string | (() => string) }
  /** A value as a user gave it, as an HCL expression to write inside an interpolation we write. */
  | { readonly expressionOf: string };

/** A template of pieces, as a string token resolved at synthesis (when every token in it is known). */
export function terraformTemplate(pieces: readonly TemplatePiece[]): string {
  return Token.asString(new Template(pieces));
}

/**
 * The value as terraform will read it (a literal's text, a token's expression), or undefined when it
 * cannot be resolved yet. For deciding what a value is made of, not for writing it.
 */
export function resolvedText(scope: IConstruct, value: string): string | undefined {
  if (!Token.isUnresolved(value)) return escapeTemplateText(value);
  try {
    const resolved = Tokenization.resolve(literalText(value), { scope, preparing: false, resolver: new DefaultTokenResolver(new StringConcat()) });
    return typeof resolved === 'string' ? resolved : undefined;
  } catch {
    return undefined;
  }
}

interface Rendered {
  readonly text: string;
}

class Template implements IResolvable {
  readonly creationStack: string[] = [];

  constructor(private readonly pieces: readonly TemplatePiece[]) {}

  resolve(context: IResolveContext): string {
    return joinTemplate(this.pieces.flatMap((piece) => render(piece, context)));
  }

  toString(): string {
    return Token.asString(this);
  }
}

function render(piece: TemplatePiece, context: IResolveContext): Rendered[] {
  if ('text' in piece) return [{ text: escapeTemplateText(piece.text) }];
  if ('hcl' in piece) return [{ text: typeof piece.hcl === 'string' ? piece.hcl : piece.hcl() }];
  if ('value' in piece) return fragments(piece.value, context);
  return [{ text: expressionOf(joinTemplate(fragments(piece.expressionOf, context))) }];
}

/** cdktf's encoding of a string token inside a string. */
const STRING_TOKEN = /(\$\{TfToken\[[a-zA-Z0-9:._-]+\]\})/;

/** A user value's fragments as template text: literals escaped, tokens as terraform expressions. */
function fragments(value: string, context: IResolveContext): Rendered[] {
  return value
    .split(STRING_TOKEN)
    .filter((fragment) => fragment !== '')
    .map((fragment) => {
      if (!STRING_TOKEN.test(fragment) || Tokenization.reverse(fragment) === undefined) return { text: escapeTemplateText(fragment) };
      const resolved = context.resolve(fragment);
      return { text: typeof resolved === 'string' ? resolved : String(resolved) };
    });
}

/**
 * Joins template texts. A run of `$` (or `%`) at the end of one text followed by `{`, or by `${` (`%{`),
 * would read as an interpolation (a directive) or as its escape: such a run is literal text, so it is
 * written as an interpolation of a string instead (`${"$"}`).
 */
function joinTemplate(texts: readonly Rendered[]): string {
  let out = '';
  texts.forEach(({ text }, i) => {
    const next = texts[i + 1]?.text ?? '';
    const run = /([$%])\1*$/.exec(text);
    if (run && (next.startsWith('{') || next.startsWith(`${run[1]}{`))) {
      out += `${text.slice(0, run.index)}\${"${run[0]}"}`;
    } else {
      out += text;
    }
  });
  return out;
}

const QUOTED_ESCAPES: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Template text as an HCL expression, to write inside an interpolation: one interpolation becomes its
 * expression (`${var.x}` → `var.x`), anything else a quoted template (`"abc${var.x}"`).
 */
function expressionOf(template: string): string {
  const { parts } = scanTemplate(template);
  const [only] = parts;
  if (parts.length === 1 && only.kind === 'interpolation') return only.expression;
  const quoted = parts.map((part) => ({
    text:
      part.kind === 'literal'
        ? escapeTemplateText(part.text.replace(/[\\"\u0000-\u001f\u007f]/g, (c) => QUOTED_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))
        : part.source,
  }));
  return `"${joinTemplate(quoted)}"`;
}
