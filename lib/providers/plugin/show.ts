/**
 * Values and names as diagnostics show them: whole when short, else cut to a readable length with the
 * full length said, so that a 5 MB value gives a short error rather than a 5 MB one.
 */

/** Characters of a value or name shown before it is cut. */
export const SHOWN_CHARACTERS = 100;

/** `text` itself, or its first SHOWN_CHARACTERS followed by `… (N characters)`. */
export function shorten(text: string): string {
  return text.length <= SHOWN_CHARACTERS ? text : `${text.slice(0, SHOWN_CHARACTERS)}… (${text.length} characters)`;
}

/** A value as JSON (a string quoted), cut like shorten(): `"abc…" (5242880 characters)`. */
export function showValue(value: unknown): string {
  if (typeof value === 'string') {
    if (value.length <= SHOWN_CHARACTERS) return JSON.stringify(value);
    return `${JSON.stringify(value.slice(0, SHOWN_CHARACTERS)).slice(0, -1)}…" (${value.length} characters)`;
  }
  const json = JSON.stringify(value) ?? String(value);
  return json.length <= SHOWN_CHARACTERS ? json : `${json.slice(0, SHOWN_CHARACTERS)}… (${json.length} characters of JSON)`;
}
