/**
 * A small reader of terraform's template syntax, for the strings cdktf writes into cdk.tf.json: which parts
 * of a string are literal text and which are `${…}` interpolations or `%{…}` directives, and what the
 * expressions in them reference and call. It reads enough to decide what a value is made of; it is not an
 * HCL parser. Text it cannot read throws a TemplateSyntaxError, and callers then decide nothing.
 */

export type TemplatePart =
  /** Literal text, unescaped: what terraform makes of it (`$${` read as `${`). */
  | { readonly kind: 'literal'; readonly text: string }
  /** `source` is the part as written (`${ var.x }`); `expression` the expression inside it (`var.x`). */
  | { readonly kind: 'interpolation' | 'directive'; readonly source: string; readonly expression: string };

export interface TemplateScan {
  readonly parts: readonly TemplatePart[];
  /**
   * The traversals the expressions start from, with up to two attribute names: `var.x`, `local.y`,
   * `data.t.n`, `module.m.out`, `aws_thing.name.id`, `self.configurations`. For-expression symbols are left out.
   */
  readonly references: readonly string[];
  /** Functions called, such as `base64decode` or `provider::p::f`. */
  readonly functions: readonly string[];
}

export class TemplateSyntaxError extends Error {}

/** Reads a template as terraform reads a string in JSON syntax (backslashes are plain text there). */
export function scanTemplate(text: string): TemplateScan {
  const reader = new Reader(text);
  const parts = reader.template(false);
  return { parts, references: reader.references, functions: reader.functions };
}

const KEYWORDS = new Set(['true', 'false', 'null', 'in', 'if', 'else', 'endif', 'endfor']);
const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_-]*/y;
const NUMBER = /[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const HEREDOC = /<<-?([A-Za-z_][A-Za-z0-9_-]*)\r?\n/y;

class Reader {
  private pos = 0;
  readonly references: string[] = [];
  readonly functions: string[] = [];
  /** Names bound by for-expressions and for-directives: symbols, not references. */
  private readonly symbols = new Set<string>();

  constructor(private readonly src: string) {}

  /** A template up to the end of the text, or (quoted) up to its closing quote, which is left unread. */
  template(quoted: boolean): TemplatePart[] {
    const parts: TemplatePart[] = [];
    let literal = '';
    const flush = () => {
      if (literal !== '') parts.push({ kind: 'literal', text: literal });
      literal = '';
    };
    const { src } = this;
    while (this.pos < src.length) {
      const ch = src[this.pos];
      if (quoted && ch === '"') break;
      if (quoted && ch === '\\') {
        literal += src.slice(this.pos, this.pos + 2); // escapes are kept as written: quoted text is never a top-level literal
        this.pos += 2;
        continue;
      }
      if ((ch === '$' || ch === '%') && src.startsWith(`${ch}${ch}{`, this.pos)) {
        literal += `${ch}{`;
        this.pos += 3;
        continue;
      }
      if ((ch === '$' || ch === '%') && src[this.pos + 1] === '{') {
        flush();
        const start = this.pos;
        this.pos += 2;
        if (src[this.pos] === '~') this.pos++;
        const from = this.pos;
        this.expression();
        const expression = src.slice(from, this.pos).replace(/~\s*$/, '').trim();
        this.pos++; // the closing brace
        parts.push({ kind: ch === '$' ? 'interpolation' : 'directive', source: src.slice(start, this.pos), expression });
        continue;
      }
      literal += ch;
      this.pos++;
    }
    if (quoted && this.pos >= src.length) throw new TemplateSyntaxError('a quoted string is not closed');
    flush();
    return parts;
  }

  /** An expression up to the brace that closes its interpolation, which is left unread. */
  private expression(): void {
    const { src } = this;
    let depth = 0;
    let previous = '';
    while (this.pos < src.length) {
      const ch = src[this.pos];
      if (ch === '}' && depth === 0) return;
      if (/\s/.test(ch)) {
        this.pos++;
        continue;
      }
      if (ch === '"') {
        this.pos++;
        this.template(true);
        this.pos++; // the closing quote
        previous = '"';
        continue;
      }
      HEREDOC.lastIndex = this.pos;
      const heredoc = ch === '<' ? HEREDOC.exec(src) : null;
      if (heredoc) {
        this.heredoc(heredoc[1], this.pos + heredoc[0].length);
        previous = '"';
        continue;
      }
      NUMBER.lastIndex = this.pos;
      const number = /[0-9]/.test(ch) ? NUMBER.exec(src)?.[0] : undefined;
      if (number !== undefined) {
        this.pos += number.length;
        previous = '0';
        continue;
      }
      IDENTIFIER.lastIndex = this.pos;
      const identifier = /[A-Za-z_]/.test(ch) ? IDENTIFIER.exec(src)?.[0] : undefined;
      if (identifier !== undefined) {
        this.pos += identifier.length;
        this.identifier(identifier, previous === '.');
        previous = 'a';
        continue;
      }
      if ('([{'.includes(ch)) depth++;
      if (')]}'.includes(ch) && --depth < 0) throw new TemplateSyntaxError(`unbalanced "${ch}"`);
      previous = ch;
      this.pos++;
    }
    throw new TemplateSyntaxError('an interpolation is not closed');
  }

  private identifier(name: string, afterDot: boolean): void {
    if (afterDot || KEYWORDS.has(name)) return;
    const { src } = this;
    if (src.startsWith('::', this.pos)) {
      let full = name;
      while (src.startsWith('::', this.pos)) {
        IDENTIFIER.lastIndex = this.pos + 2;
        const next = IDENTIFIER.exec(src)?.[0];
        if (next === undefined) throw new TemplateSyntaxError(`"${full}::" is not a function name`);
        full += `::${next}`;
        this.pos += 2 + next.length;
      }
      this.functions.push(full);
      return;
    }
    const follows = /^\s*(\(|=(?![=>]))?/.exec(src.slice(this.pos, this.pos + 50))?.[1];
    if (follows === '(') {
      this.functions.push(name);
      return;
    }
    if (follows === '=') return; // an object key: { user = var.u }
    if (name === 'for') {
      this.forSymbols();
      return;
    }
    if (this.symbols.has(name)) return;
    let traversal = name;
    for (let attributes = 0; attributes < 2 && src[this.pos] === '.'; attributes++) {
      IDENTIFIER.lastIndex = this.pos + 1;
      const next = IDENTIFIER.exec(src)?.[0];
      if (next === undefined) break;
      traversal += `.${next}`;
      this.pos += 1 + next.length;
    }
    this.references.push(traversal);
  }

  /** `for k, v in …`: the names before `in` are symbols of the expression. */
  private forSymbols(): void {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_-]*)(?:\s*,\s*([A-Za-z_][A-Za-z0-9_-]*))?\s+in\b/.exec(this.src.slice(this.pos, this.pos + 200));
    if (!match) throw new TemplateSyntaxError('a for expression without "in"');
    this.symbols.add(match[1]);
    if (match[2]) this.symbols.add(match[2]);
    this.pos += match[0].length;
  }

  /** A heredoc: its body is a template too, up to the line that holds only its marker. */
  private heredoc(marker: string, bodyStart: number): void {
    const end = new RegExp(`^[ \\t]*${marker}[ \\t]*$`, 'm');
    const rest = this.src.slice(bodyStart);
    const found = end.exec(rest);
    if (!found) throw new TemplateSyntaxError(`heredoc ${marker} is not closed`);
    const body = new Reader(rest.slice(0, found.index));
    body.template(false);
    this.references.push(...body.references);
    this.functions.push(...body.functions);
    this.pos = bodyStart + found.index + found[0].length;
  }
}
