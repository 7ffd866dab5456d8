/**
 * Field rules shared by the constructs and the providers. Each returns an error message that says what is
 * wrong and how to fix it, or undefined. Callers add the field name and (for non-secrets) the value.
 */
import type { Rule } from './types';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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

export const guid: Rule = (value) => {
  if (typeof value !== 'string' || !isGuid(value)) {
    return 'must be a GUID such as 3fa85f64-5717-4562-b3fc-2c963f66afa6; copy it from the KMD Logic console';
  }
  return undefined;
};

export const oneOf =
  (allowed: readonly string[], why?: string): Rule =>
  (value) =>
    typeof value === 'string' && allowed.includes(value)
      ? undefined
      : `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}${why ? `: ${why}` : ''}`;

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
