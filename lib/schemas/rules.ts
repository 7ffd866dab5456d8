/**
 * Field rules shared by the constructs and the providers. Each returns an error message that says what is
 * wrong and how to fix it, or undefined. Callers add the field name and (for non-secrets) the value.
 */
import type { Rule } from './types';

/**
 * A GUID, written so that JavaScript's RegExp and terraform's regex() (RE2) read it alike: the one pattern
 * behind the rule below, the provider checks and the validation of the variables the constructs create.
 */
export const GUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const GUID = new RegExp(GUID_PATTERN);

export const isGuid = (value: string): boolean => GUID.test(value);

export const noWhitespace: Rule = (value) => {
  if (typeof value !== 'string') return 'must be a string';
  if (value.length === 0) return 'must not be empty';
  if (/\s/.test(value)) return 'must not contain spaces or other whitespace; remove them';
  return undefined;
};

export const notBlank: Rule = (value) => {
  if (typeof value !== 'string') return 'must be a string';
  if (value.trim().length === 0) return 'must not be empty or only whitespace';
  return undefined;
};

export const maxLength =
  (max: number): Rule =>
  (value) =>
    typeof value === 'string' && value.length > max ? `must be at most ${max} characters (it has ${value.length})` : undefined;

const GUID_MESSAGE = 'must be a GUID such as 3fa85f64-5717-4562-b3fc-2c963f66afa6; copy it from the KMD Logic console';

export const guid: Rule = Object.assign((value: unknown) => (typeof value === 'string' && isGuid(value) ? undefined : GUID_MESSAGE), {
  terraform: { condition: (expression: string) => `can(regex(${JSON.stringify(GUID_PATTERN)}, ${expression}))`, message: GUID_MESSAGE },
});

/** An allowed value, optionally with what it means (`CLNTCRED`: "client credentials"). */
export type Allowed = string | { readonly value: string; readonly meaning: string };

/** One of a list of values; `why` ends the message (the reason, and how to fix it). */
export const oneOf = (allowed: readonly Allowed[], why?: string): Rule => {
  const values = allowed.map((a) => (typeof a === 'string' ? a : a.value));
  const shown = allowed.map((a) => (typeof a === 'string' ? JSON.stringify(a) : `${JSON.stringify(a.value)} (${a.meaning})`)).join(', ');
  const message = `must be ${values.length === 1 ? '' : 'one of '}${shown}${why ? `: ${why}` : ''}`;
  return (value) => (typeof value === 'string' && values.includes(value) ? undefined : message);
};

/**
 * Secrets: length and characters only; the message never repeats the value. `max` gives the longest
 * accepted and why (the reason ends the message).
 */
export const secret =
  (minLength: number, max?: { readonly length: number; readonly why: string }): Rule =>
  (value) => {
    if (typeof value !== 'string') return 'must be a string';
    if (value.length < minLength) return `must be at least ${minLength} characters long (it has ${value.length})`;
    if (max && value.length > max.length) return `must be at most ${max.length} characters long (it has ${value.length}): ${max.why}`;
    if (value !== value.trim()) return 'must not start or end with whitespace';
    if (/[\u0000-\u001f\u007f]/.test(value)) return 'must not contain control characters such as newlines';
    return undefined;
  };

/** An absolute http(s) URL; the message shows `example`, a URL of the service the setting points at. */
export const httpUrl =
  (example: string): Rule =>
  (value) => {
    if (typeof value !== 'string') return 'must be a string';
    try {
      const url = new URL(value);
      if (url.protocol === 'http:' || url.protocol === 'https:') return undefined;
    } catch {
      // fall through to the message
    }
    return `must be an absolute http:// or https:// URL, such as ${example}`;
  };

export const positiveNumber: Rule = (value) =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? undefined : 'must be a number greater than 0';
