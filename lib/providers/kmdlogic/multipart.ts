/** Builds a multipart/form-data body (RFC 7578) on node built-ins, for the CPR data-distributor calls. */
import { randomBytes } from 'node:crypto';

export interface FormField {
  readonly name: string;
  readonly value: string | Buffer;
  /** Makes the part a file part. */
  readonly filename?: string;
  readonly contentType?: string;
}

export interface MultipartBody {
  readonly body: Buffer;
  readonly contentType: string;
}

export function buildMultipart(fields: readonly FormField[]): MultipartBody {
  const values = fields.map((f) => (typeof f.value === 'string' ? Buffer.from(f.value, 'utf8') : f.value));
  let boundary: string;
  // A random boundary practically never occurs in the data; check anyway, since a clash corrupts the body.
  do boundary = `workzone-cpr-${randomBytes(16).toString('hex')}`;
  while (values.some((v) => v.includes(boundary)));

  const chunks: Buffer[] = [];
  fields.forEach((field, i) => {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${quote(field.name)}"`;
    if (field.filename !== undefined) head += `; filename="${quote(field.filename)}"`;
    head += '\r\n';
    if (field.contentType !== undefined || field.filename !== undefined) {
      head += `Content-Type: ${field.contentType ?? 'application/octet-stream'}\r\n`;
    }
    chunks.push(Buffer.from(`${head}\r\n`, 'utf8'), values[i], Buffer.from('\r\n'));
  });
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * Escapes a quoted-string parameter: backslash as a quoted-pair (RFC 2045, which our emulator's parser
 * honours), `"` and line breaks percent-encoded as browsers do (HTML spec), so no value can end the string.
 */
function quote(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
