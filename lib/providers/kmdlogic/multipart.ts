/**
 * The multipart/form-data body of the CPR data-distributor calls, serialized by Node's own WHATWG
 * `FormData` (what browsers and every fetch-based client send), so that a server parses it as it parses
 * theirs. `FormData` and `Response` load Node's fetch implementation (undici) on first use, which costs
 * tens of milliseconds: they are touched only here, when a configuration is written, never at start-up.
 */

/** A text field, or a file part (with a filename). */
export type FormField =
  | { readonly name: string; readonly value: string; readonly filename?: undefined }
  | {
      readonly name: string;
      readonly value: string | Buffer;
      readonly filename: string;
      /** @default application/octet-stream */
      readonly contentType?: string;
    };

export interface MultipartBody {
  readonly body: Buffer;
  /** `multipart/form-data; boundary=…` */
  readonly contentType: string;
}

export async function buildMultipart(fields: readonly FormField[]): Promise<MultipartBody> {
  const form = new FormData();
  for (const field of fields) {
    if (field.filename === undefined) form.append(field.name, field.value);
    else form.append(field.name, new Blob([field.value], { type: field.contentType ?? 'application/octet-stream' }), field.filename);
  }
  const encoded = new Response(form);
  return { body: Buffer.from(await encoded.arrayBuffer()), contentType: encoded.headers.get('content-type') as string };
}
