/** Secret removal for text a server sent back (error messages may echo the request), shared by both providers. */

const formEncode = (s: string): string => new URLSearchParams({ v: s }).toString().slice(2);

/**
 * Replaces every given secret with `***`, as sent and in its URL/form-encoded forms (a token request carries
 * it form-encoded), and any credentials in HTTP auth header form (`Basic ...`, `Bearer ...`).
 */
export function scrubSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    for (const form of new Set([secret, formEncode(secret), encodeURIComponent(secret)])) out = out.split(form).join('***');
  }
  return out.replace(/\b(Basic|Bearer)\s+[A-Za-z0-9+/=._~-]+/gi, '$1 ***');
}
