/**
 * Reads a multipart/form-data request body with Node's own parser (`Request.formData()`, WHATWG fetch),
 * the way a server reads what browsers and HTTP clients send, not the way our provider writes it. The
 * parser is strict (no preamble, no transport padding, no backslash escapes in quoted names) and says
 * only that a body does not parse: the checks of the Content-Type before it give the common mistakes a
 * message of their own.
 */

export class MultipartError extends Error {}

/** The form's fields: a string for a text part, a File for a part with a filename. */
export async function readMultipart(contentType: string | undefined, body: Buffer): Promise<FormData> {
  if (!contentType) throw new MultipartError('Content-Type is missing; send multipart/form-data');
  const mediaType = contentType.split(';')[0].trim().toLowerCase();
  if (mediaType !== 'multipart/form-data') throw new MultipartError(`Content-Type must be multipart/form-data, not ${JSON.stringify(mediaType.slice(0, 60))}`);
  if (!/;\s*boundary\s*=\s*("[^"]+"|[^";\s]+)/i.test(contentType)) throw new MultipartError('Content-Type has no boundary parameter');
  try {
    return await new Request('http://emulator/', { method: 'POST', headers: { 'content-type': contentType }, body }).formData();
  } catch {
    throw new MultipartError('the body does not parse as multipart/form-data with the boundary of its Content-Type (truncated, another boundary, or malformed part headers)');
  }
}
