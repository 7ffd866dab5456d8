/**
 * The data-distributor form on the wire: what the provider sends must be what Node's own FormData (and so
 * every browser and fetch-based client) sends, and the emulator must read it as a server's standard parser
 * does, not by rules the two of them share.
 */
import fc from 'fast-check';
import { MultipartError, readMultipart } from '../../../lib/emulators/kmdlogic/multipart';
import { buildMultipart } from '../../../lib/providers/kmdlogic/multipart';

/** The WHATWG parser (undici's `Request.formData()`), as a reference independent of our modules. */
async function standardParse(body: Buffer, contentType: string): Promise<FormData> {
  return new Request('http://reference/', { method: 'POST', headers: { 'content-type': contentType }, body }).formData();
}

describe('buildMultipart (provider)', () => {
  it("sends what Node's FormData sends: a standard parser reads back every name, value and filename", async () => {
    const built = await buildMultipart([
      { name: 'name', value: 'Ærø "kommune" \\ CPR' },
      { name: 'certificate', value: Buffer.from([0x30, 0x0d, 0x0a, 0x2d, 0x2d, 0xff]), filename: 'C:\\certs\\ærø.pfx', contentType: 'application/x-pkcs12' },
    ]);
    expect(built.contentType).toMatch(/^multipart\/form-data; boundary=\S+$/);
    const form = await standardParse(built.body, built.contentType);
    expect(form.get('name')).toBe('Ærø "kommune" \\ CPR');
    const cert = form.get('certificate') as File;
    // The backslashes stay single: no escaping that only our own parser would undo.
    expect(cert.name).toBe('C:\\certs\\ærø.pfx');
    expect(cert.type).toBe('application/x-pkcs12');
    expect([...Buffer.from(await cert.arrayBuffer())]).toEqual([0x30, 0x0d, 0x0a, 0x2d, 0x2d, 0xff]);
  });

  it('is byte for byte the serialization of the same FormData, boundary aside', async () => {
    const built = await buildMultipart([
      { name: 'environment', value: 'Test' },
      { name: 'certificate', value: Buffer.from('3003020103', 'hex'), filename: 'a "b".pfx', contentType: 'application/x-pkcs12' },
    ]);
    const form = new FormData();
    form.append('environment', 'Test');
    form.append('certificate', new Blob([Buffer.from('3003020103', 'hex')], { type: 'application/x-pkcs12' }), 'a "b".pfx');
    const reference = new Response(form);
    const referenceBoundary = /boundary=(.+)$/.exec(reference.headers.get('content-type')!)![1];
    const builtBoundary = /boundary=(.+)$/.exec(built.contentType)![1];
    const referenceBody = Buffer.from(await reference.arrayBuffer()).toString('latin1');
    expect(built.body.toString('latin1').split(builtBoundary).join('B')).toBe(referenceBody.split(referenceBoundary).join('B'));
  });
});

describe('readMultipart (emulator)', () => {
  it('reads what undici (fetch) FormData sends', async () => {
    const form = new FormData();
    form.set('name', 'Ærø kommune');
    form.set('certificate', new Blob([Buffer.from([0x30, 0x0d, 0x0a, 0x2d, 0x2d, 0xff])]), 'C:\\ærø.pfx');
    const request = new Request('http://x/', { method: 'POST', body: form });
    const parsed = await readMultipart(request.headers.get('content-type') ?? undefined, Buffer.from(await request.arrayBuffer()));
    expect(parsed.get('name')).toBe('Ærø kommune');
    const cert = parsed.get('certificate') as File;
    expect(cert.name).toBe('C:\\ærø.pfx');
    expect([...Buffer.from(await cert.arrayBuffer())]).toEqual([0x30, 0x0d, 0x0a, 0x2d, 0x2d, 0xff]);
  });

  it.each([
    [undefined, /Content-Type is missing/],
    ['application/json', /must be multipart\/form-data, not "application\/json"/],
    ['application/x-www-form-urlencoded', /must be multipart\/form-data/],
    ['multipart/form-data', /no boundary/],
    ['multipart/form-data; boundary=', /no boundary/],
    ['multipart/form-data; boundary=elsewhere', /does not parse/],
  ])('refuses Content-Type %p saying why', async (contentType, message) => {
    const good = await buildMultipart([{ name: 'name', value: 'x' }]);
    await expect(readMultipart(contentType, good.body)).rejects.toThrow(MultipartError);
    await expect(readMultipart(contentType, good.body)).rejects.toThrow(message);
  });

  it('refuses every truncation of a valid body', async () => {
    const { body: full, contentType } = await buildMultipart([
      { name: 'name', value: 'x' },
      { name: 'certificate', value: Buffer.from([0x30, 1, 2]), filename: 'c.pfx' },
    ]);
    const boundary = /boundary=(.+)$/.exec(contentType)![1];
    // Cutting inside the close delimiter's trailing CRLF leaves a complete body; anything shorter must fail.
    const closeAt = full.lastIndexOf(`--${boundary}--`) + boundary.length + 2;
    for (let n = 0; n < closeAt; n++) {
      await expect(readMultipart(contentType, full.subarray(0, n))).rejects.toThrow(MultipartError);
    }
  });

  it('round-trips whatever the provider builds (property)', async () => {
    const text = fc.string({ maxLength: 40 }).filter((s) => !/[\r\n]/.test(s)); // the form normalises line breaks to CRLF
    const field = fc.record({
      name: fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !/["\r\n]/.test(s)), // the form percent-encodes these in names
      text,
      bytes: fc.uint8Array({ maxLength: 200 }),
      file: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(field, { selector: (f) => f.name, maxLength: 6 }), async (fields) => {
        const built = await buildMultipart(fields.map((f) => (f.file ? { name: f.name, value: Buffer.from(f.bytes), filename: `${f.name}.bin` } : { name: f.name, value: f.text })));
        const form = await readMultipart(built.contentType, built.body);
        expect([...form.keys()]).toEqual(fields.map((f) => f.name));
        for (const f of fields) {
          const value = form.get(f.name);
          if (f.file) {
            expect((value as File).name).toBe(`${f.name}.bin`);
            expect([...Buffer.from(await (value as File).arrayBuffer())]).toEqual([...f.bytes]);
          } else {
            expect(value).toBe(f.text);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
