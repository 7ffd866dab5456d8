/**
 * A small, strict multipart/form-data parser (RFC 7578 over RFC 2046) on node built-ins. It works on a
 * fully buffered body (the caller caps its size) and rejects anything ambiguous, because the emulator must
 * answer malformed input with a 400 that says what is wrong rather than guess.
 */

export class MultipartError extends Error {}

export interface FormPart {
  readonly name: string;
  /** Present for file parts. */
  readonly filename?: string;
  readonly contentType?: string;
  readonly data: Buffer;
}

const CRLF = Buffer.from('\r\n');
const MAX_PARTS = 32;
const MAX_HEADER_BYTES = 8 * 1024;
// RFC 2046 §5.1.1: 1-70 characters from this set, not ending in a space.
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

/** Extracts the boundary from a Content-Type header, or throws saying what is wrong with it. */
export function boundaryOf(contentType: string | undefined): string {
  if (!contentType) throw new MultipartError('Content-Type is missing; send multipart/form-data');
  const [type, ...rest] = splitParams(contentType);
  if (type.toLowerCase() !== 'multipart/form-data') {
    throw new MultipartError(`Content-Type must be multipart/form-data, not ${JSON.stringify(type)}`);
  }
  const params = paramsOf(rest);
  const boundary = params.get('boundary');
  if (boundary === undefined) throw new MultipartError('Content-Type has no boundary parameter');
  if (!BOUNDARY.test(boundary)) throw new MultipartError('Content-Type boundary is not a valid RFC 2046 boundary');
  return boundary;
}

/** Parses a whole body into its parts, keyed by field name. A field sent twice is an error. */
export function parseMultipart(body: Buffer, boundary: string): Map<string, FormPart> {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts = new Map<string, FormPart>();

  // The first delimiter starts the body or follows a preamble line (RFC 2046 allows a preamble).
  let pos = body.subarray(0, delimiter.length).equals(delimiter) ? 0 : indexAfterCrlf(body, delimiter, 0);
  if (pos < 0) throw new MultipartError('body does not contain the boundary given in Content-Type');

  for (;;) {
    pos += delimiter.length;
    if (body.subarray(pos, pos + 2).toString('latin1') === '--') return parts; // close delimiter; epilogue ignored
    pos = skipTransportPadding(body, pos);
    if (!body.subarray(pos, pos + 2).equals(CRLF)) {
      throw new MultipartError('boundary line is not followed by CRLF (truncated or malformed body)');
    }
    pos += 2;

    const headerEnd = body.indexOf('\r\n\r\n', pos, 'latin1');
    const emptyHeaders = body.subarray(pos, pos + 2).equals(CRLF);
    if (!emptyHeaders && (headerEnd < 0 || headerEnd - pos > MAX_HEADER_BYTES)) {
      throw new MultipartError('part headers are not terminated by an empty line (truncated or malformed body)');
    }
    const headers = emptyHeaders ? new Map<string, string>() : parseHeaders(body.subarray(pos, headerEnd).toString('utf8'));
    pos = emptyHeaders ? pos + 2 : headerEnd + 4;

    const next = indexAfterCrlf(body, delimiter, pos);
    if (next < 0) throw new MultipartError('part is not followed by a boundary (truncated body)');
    const part = partOf(headers, body.subarray(pos, next - 2));
    if (parts.has(part.name)) throw new MultipartError(`field "${part.name}" is given more than once`);
    if (parts.size >= MAX_PARTS) throw new MultipartError(`more than ${MAX_PARTS} parts`);
    parts.set(part.name, part);
    pos = next;
  }
}

function partOf(headers: Map<string, string>, data: Buffer): FormPart {
  const disposition = headers.get('content-disposition');
  if (!disposition) throw new MultipartError('a part has no Content-Disposition header');
  const [kind, ...rest] = splitParams(disposition);
  if (kind.toLowerCase() !== 'form-data') throw new MultipartError('a part has a Content-Disposition other than form-data');
  const params = paramsOf(rest);
  const name = params.get('name');
  if (!name) throw new MultipartError('a part has no name in its Content-Disposition');
  const filename = params.get('filename');
  const contentType = headers.get('content-type');
  return { name, data, ...(filename !== undefined && { filename }), ...(contentType !== undefined && { contentType }) };
}

function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MultipartError('a part header line has no "name: value" form');
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

/** Position of `delimiter` where it starts a line (preceded by CRLF), from `from`; -1 if none. */
function indexAfterCrlf(body: Buffer, delimiter: Buffer, from: number): number {
  const needle = Buffer.concat([CRLF, delimiter]);
  const at = body.indexOf(needle, from);
  return at < 0 ? -1 : at + 2;
}

function skipTransportPadding(body: Buffer, pos: number): number {
  while (pos < body.length && (body[pos] === 0x20 || body[pos] === 0x09)) pos++;
  return pos;
}

/** Splits `value; a=b; c="d;e"` on semicolons outside quotes. */
function splitParams(header: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < header.length; i++) {
    const c = header[i];
    if (quoted && c === '\\' && i + 1 < header.length) {
      current += c + header[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === ';' && !quoted) {
      out.push(current.trim());
      current = '';
    } else {
      current += c;
    }
  }
  if (quoted) throw new MultipartError('a header has an unterminated quoted string');
  out.push(current.trim());
  return out;
}

function paramsOf(items: string[]): Map<string, string> {
  const params = new Map<string, string>();
  for (const item of items) {
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq <= 0) throw new MultipartError(`header parameter ${JSON.stringify(item)} has no "name=value" form`);
    const key = item.slice(0, eq).trim().toLowerCase();
    let value = item.slice(eq + 1).trim();
    if (value.startsWith('"')) {
      if (value.length < 2 || !value.endsWith('"')) throw new MultipartError(`header parameter ${key} has a bad quoted value`);
      value = value.slice(1, -1).replace(/\\(.)/g, '$1');
    }
    if (params.has(key)) throw new MultipartError(`header parameter ${key} is given more than once`);
    params.set(key, value);
  }
  return params;
}
