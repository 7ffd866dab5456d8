import fc from 'fast-check';
import { boundaryOf, MultipartError, parseMultipart } from '../../../lib/emulators/kmdlogic/multipart';
import { buildMultipart } from '../../../lib/providers/kmdlogic/multipart';

const B = 'XyZ-boundary';
const body = (...lines: string[]) => Buffer.from(lines.join('\r\n'), 'latin1');

describe('boundaryOf', () => {
  it('reads plain and quoted boundaries', () => {
    expect(boundaryOf('multipart/form-data; boundary=abc')).toBe('abc');
    expect(boundaryOf('Multipart/Form-Data; charset=utf-8; boundary="a b:c"')).toBe('a b:c');
  });
  it.each([
    [undefined, /missing/],
    ['application/json', /must be multipart\/form-data/],
    ['multipart/form-data', /no boundary/],
    ['multipart/form-data; boundary=', /not a valid/],
    [`multipart/form-data; boundary=${'x'.repeat(71)}`, /not a valid/],
    ['multipart/form-data; boundary="abc', /unterminated/],
  ])('rejects %p', (header, message) => {
    expect(() => boundaryOf(header)).toThrow(message);
  });
});

describe('parseMultipart', () => {
  it('parses text and file parts, with preamble and epilogue', () => {
    const parts = parseMultipart(
      body(
        'preamble to ignore',
        `--${B}`,
        'Content-Disposition: form-data; name="name"',
        '',
        'Vejle CPR',
        `--${B}  `, // transport padding is allowed
        'Content-Disposition: form-data; name="certificate"; filename="a \\"b\\".pfx"',
        'Content-Type: application/x-pkcs12',
        '',
        '\r\n--not-the-boundary\r\n',
        `--${B}--`,
        'epilogue',
      ),
      B,
    );
    expect([...parts.keys()]).toEqual(['name', 'certificate']);
    expect(parts.get('name')?.data.toString()).toBe('Vejle CPR');
    expect(parts.get('name')?.filename).toBeUndefined();
    const cert = parts.get('certificate');
    expect(cert?.filename).toBe('a "b".pfx');
    expect(cert?.contentType).toBe('application/x-pkcs12');
    expect(cert?.data.toString('latin1')).toBe('\r\n--not-the-boundary\r\n');
  });

  it('keeps empty values', () => {
    const parts = parseMultipart(body(`--${B}`, 'Content-Disposition: form-data; name="p"', '', '', `--${B}--`), B);
    expect(parts.get('p')?.data.length).toBe(0);
  });

  it.each([
    ['no boundary in the body', body('hello'), /does not contain the boundary/],
    ['truncated after a part', body(`--${B}`, 'Content-Disposition: form-data; name="a"', '', 'x'), /truncated/],
    ['no close delimiter', body(`--${B}`, 'Content-Disposition: form-data; name="a"', '', 'x', `--${B}`), /truncated|CRLF/],
    ['headers never end', body(`--${B}`, 'Content-Disposition: form-data; name="a"'), /not terminated/],
    ['no Content-Disposition', body(`--${B}`, 'Content-Type: text/plain', '', 'x', `--${B}--`), /no Content-Disposition/],
    ['not form-data', body(`--${B}`, 'Content-Disposition: attachment; name="a"', '', 'x', `--${B}--`), /other than form-data/],
    ['no name', body(`--${B}`, 'Content-Disposition: form-data; filename="a"', '', 'x', `--${B}--`), /no name/],
    ['bad header line', body(`--${B}`, 'Content-Disposition form-data', '', 'x', `--${B}--`), /name: value/],
    ['junk after boundary', body(`--${B}junk`, 'Content-Disposition: form-data; name="a"', '', 'x', `--${B}--`), /not followed by CRLF/],
    [
      'a field twice',
      body(`--${B}`, 'Content-Disposition: form-data; name="a"', '', '1', `--${B}`, 'Content-Disposition: form-data; name="a"', '', '2', `--${B}--`),
      /given more than once/,
    ],
  ])('rejects %s', (_what, input, message) => {
    expect(() => parseMultipart(input, B)).toThrow(MultipartError);
    expect(() => parseMultipart(input, B)).toThrow(message);
  });

  it('reads what undici (fetch) FormData sends', async () => {
    const form = new FormData();
    form.set('name', 'Ærø kommune');
    form.set('certificate', new Blob([Buffer.from([0x30, 0x0d, 0x0a, 0x2d, 0x2d, 0xff])]), 'ærø.pfx');
    const request = new Request('http://x/', { method: 'POST', body: form });
    const raw = Buffer.from(await request.arrayBuffer());
    const parts = parseMultipart(raw, boundaryOf(request.headers.get('content-type') ?? undefined));
    expect(parts.get('name')?.data.toString('utf8')).toBe('Ærø kommune');
    expect(parts.get('certificate')?.filename).toBe('ærø.pfx');
    expect([...(parts.get('certificate')?.data ?? [])]).toEqual([0x30, 0x0d, 0x0a, 0x2d, 0x2d, 0xff]);
  });

  it('round-trips whatever buildMultipart builds (property)', () => {
    const field = fc.record({
      name: fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !/["\r\n%]/.test(s)),
      value: fc.uint8Array({ maxLength: 200 }),
      file: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.uniqueArray(field, { selector: (f) => f.name, maxLength: 6 }), (fields) => {
        const built = buildMultipart(
          fields.map((f) => ({ name: f.name, value: Buffer.from(f.value), ...(f.file && { filename: `${f.name}.bin` }) })),
        );
        const parts = parseMultipart(built.body, boundaryOf(built.contentType));
        expect(parts.size).toBe(fields.length);
        for (const f of fields) {
          const part = parts.get(f.name);
          expect(part && [...part.data]).toEqual([...f.value]);
          expect(part?.filename).toBe(f.file ? `${f.name}.bin` : undefined);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('rejects every truncation of a valid body', () => {
    const { body: full, contentType } = buildMultipart([
      { name: 'name', value: 'x' },
      { name: 'certificate', value: Buffer.from([0x30, 1, 2]), filename: 'c.pfx' },
    ]);
    const boundary = boundaryOf(contentType);
    // Cutting inside the close delimiter ("--b--") or its CRLF still leaves a complete body in a few spots;
    // everything shorter than the close delimiter's "--" must fail.
    const closeAt = full.lastIndexOf(`--${boundary}--`) + boundary.length + 2;
    for (let n = 0; n < closeAt; n++) {
      expect(() => parseMultipart(full.subarray(0, n), boundary)).toThrow(MultipartError);
    }
  });
});
