import { App, TerraformStack, Testing } from 'cdktf';

/** A fresh stack in a test app. */
export function newStack(): TerraformStack {
  return new TerraformStack(Testing.app(), 'test');
}

/** Synthesizes with validations on and returns the parsed cdk.tf.json. */
export function synthJson(stack: TerraformStack): any {
  return JSON.parse(Testing.synth(stack, true));
}

/** The only resource of a type in synthesized JSON (fails when there are zero or several). */
export function only(json: any, block: 'resource' | 'data', type: string): any {
  const all = Object.values(json[block]?.[type] ?? {});
  if (all.length !== 1) throw new Error(`expected one ${block}.${type}, found ${all.length}`);
  return all[0];
}

/** Runs fn and returns the message it throws. */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error, none was thrown');
}

export { App };

/**
 * A model of terraform's template reading for the strings the constructs write: escapes, and interpolations
 * of `var.NAME` or of a quoted string without escapes (`${"$"}`). Anything else throws. Scans left to right
 * taking the longest token at each position, as HCL's scanner does (`$$${` is `$` then `$${`).
 */
export function evaluateTemplate(text: string, vars: Record<string, string>): string {
  let out = '';
  for (let i = 0; i < text.length; ) {
    const rest = text.slice(i);
    if (rest.startsWith('$${') || rest.startsWith('%%{')) {
      out += rest.slice(1, 3);
      i += 3;
      continue;
    }
    if (rest.startsWith('%{')) throw new Error(`a directive in ${JSON.stringify(text)}`);
    if (rest.startsWith('${')) {
      const m = /^\$\{(?:var\.([A-Za-z_][A-Za-z0-9_-]*)|"([^"\\{]*)")\}/.exec(rest);
      if (!m) throw new Error(`an interpolation this model does not read: ${JSON.stringify(rest.slice(0, 30))}`);
      if (m[1] !== undefined && !(m[1] in vars)) throw new Error(`no variable ${m[1]}`);
      out += m[1] !== undefined ? vars[m[1]] : m[2];
      i += m[0].length;
      continue;
    }
    out += text[i++];
  }
  return out;
}

/** What terraform makes of a string in cdk.tf.json that should hold literal text only (no variables). */
export const literalTemplateValue = (text: string): string => evaluateTemplate(text, {});
