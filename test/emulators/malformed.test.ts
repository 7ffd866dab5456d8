/**
 * Both emulators answer malformed requests on every route family with a 4xx and a clear error body:
 * JSON syntax errors, wrong types, missing fields, wrong content types, bad forms and multipart bodies,
 * bad OData keys and percent-encodings, oversized bodies, broken HTTP. Never a 5xx, never a crash: each
 * batch ends with a request that must still work.
 */
import * as net from 'node:net';
import fc from 'fast-check';
import { startKmdLogicEmulator, type KmdLogicEmulator } from '../../lib/emulators/kmdlogic';
import { startWorkZoneEmulator, type WorkZoneEmulator } from '../../lib/emulators/workzone';
import { buildMultipart, type FormField } from '../../lib/providers/kmdlogic/multipart';

jest.setTimeout(120_000);

const RUNS = 100;
const counts: Record<string, number> = {};
let wz: WorkZoneEmulator;
let logic: KmdLogicEmulator;
let wzAuth: string;
let bearer: string;
const logs: string[] = [];

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

beforeAll(async () => {
  wz = await startWorkZoneEmulator({ port: 0, log: (l) => logs.push(l) });
  logic = await startKmdLogicEmulator({ port: 0, log: (l) => logs.push(l) });
  wzAuth = basic(wz.username, wz.password);
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: logic.clientId, client_secret: logic.clientSecret, scope: logic.scope });
  const res = await fetch(logic.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
  bearer = ((await res.json()) as { access_token: string }).access_token;
});

afterAll(async () => {
  await Promise.all([wz?.close(), logic?.close()]);
  console.log(`malformed requests: ${JSON.stringify(counts)}`);
});

afterEach(() => {
  // The servers log an internal error for anything that escaped a handler.
  expect(logs.filter((l) => /internal error| 5\d\d /.test(l))).toEqual([]);
});

interface Answer {
  status: number;
  text: string;
  json: any;
}

async function send(family: string, url: string, init: RequestInit = {}): Promise<Answer> {
  counts[family] = (counts[family] ?? 0) + 1;
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

/** A 4xx with a JSON body that says what is wrong (OData, OAuth or gateway dialect). */
function expectClearRefusal(answer: Answer, statuses: readonly number[] = [400]): string {
  if (!statuses.includes(answer.status)) throw new Error(`expected HTTP ${statuses.join(' or ')}, got ${answer.status}: ${answer.text.slice(0, 300)}`);
  const message: unknown = answer.json?.error?.message ?? answer.json?.error_description ?? answer.json?.message;
  expect(typeof message).toBe('string');
  expect((message as string).length).toBeGreaterThan(5);
  return message as string;
}

/** One raw HTTP/1.1 exchange (for requests fetch refuses to send). */
function rawHttp(port: number, request: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(5_000, () => socket.destroy(new Error('raw request timed out')));
    socket.on('data', (c) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
    socket.end(request);
  });
}

// ---------- generators ----------

const notJson = fc.oneof(
  fc.constantFrom('{', '{"ClientId":', '{"a":1,}', "{'a':1}", 'undefined', 'NaN', '\u0000', '{"a":1}}', '[1,2', '"unterminated', '{"a":01}'),
  fc.string({ minLength: 1, maxLength: 40 }).filter((s) => {
    try {
      JSON.parse(s);
      return false;
    } catch {
      return true;
    }
  }),
);
const wrongShapeJson = fc.oneof(fc.constantFrom('null', '[]', '[{}]', '5', '"x"', 'true'), fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }).map((v) => JSON.stringify(v)));

const validClient = (id: string) => ({ ClientId: id, ClientName: 'Contact update - CPR', GrantType: 'CLNTCRED', User: 'CPRBATCHUSER' });
const CLIENT_PROPS = ['ClientId', 'ClientName', 'Enabled', 'AllowAccessTokensViaBrowser', 'AllowOfflineAccess', 'RequirePkce', 'GrantType', 'User', 'ClientSecret'] as const;
const BOOLEAN_PROPS = new Set(['Enabled', 'AllowAccessTokensViaBrowser', 'AllowOfflineAccess', 'RequirePkce']);
/** An OAuthClient body with one property of the wrong type, a bad value, or missing. */
const brokenClientBody = fc.tuple(fc.constantFrom(...CLIENT_PROPS), fc.nat()).chain(([prop, n]) => {
  const wrongType = BOOLEAN_PROPS.has(prop)
    ? fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.constant([true]), fc.constant('true'))
    : fc.oneof(fc.integer(), fc.boolean(), fc.constant([]), fc.constant({ a: 1 }), ...(prop === 'ClientSecret' ? [] : [fc.constant(null)]));
  const badValue: Record<string, fc.Arbitrary<unknown>> = {
    ClientId: fc.constantFrom('', 'has space', 'tab\there', 'x'.repeat(201)),
    ClientName: fc.constantFrom('', '   ', 'n'.repeat(201)),
    GrantType: fc.constantFrom('clntcred', 'CLIENT_CREDENTIALS', '', 'CLNTCRED '),
    User: fc.constantFrom('', '  ', 'NOSUCHUSER'),
    ClientSecret: fc.constantFrom('', 's'.repeat(501)),
  };
  return fc.oneof(wrongType, badValue[prop] ?? wrongType).map((value) => ({ body: { ...validClient(`fuzz-${n}`), [prop]: value }, prop }));
});

describe('WorkZone emulator', () => {
  const clients = () => `${wz.odataUrl}/OAuthClients`;
  const one = (id: string) => `${clients()}(${encodeURIComponent(`'${id.replace(/'/g, "''")}'`)})`;
  const json = (method: string, body: string, extra: Record<string, string> = {}): RequestInit => ({
    method,
    headers: { Authorization: wzAuth, 'Content-Type': 'application/json', ...extra },
    body,
  });
  let existing: string;

  beforeAll(async () => {
    const res = await send('workzone setup', clients(), json('POST', JSON.stringify(validClient('existing'))));
    expect(res.status).toBe(201);
    existing = one('existing');
  });

  async function stillServing(): Promise<void> {
    const res = await send('workzone check', existing, { headers: { Authorization: wzAuth } });
    expect(res.status).toBe(200);
    expect(res.json.ClientId).toBe('existing');
  }

  test('POST and PATCH: JSON syntax errors and wrong-shape JSON are 400s saying so', async () => {
    await fc.assert(
      fc.asyncProperty(notJson, fc.constantFrom('POST', 'PATCH'), async (body, method) => {
        const url = method === 'POST' ? clients() : existing;
        const message = expectClearRefusal(await send('workzone json', url, json(method, body, { 'If-Match': '*' })));
        expect(message).toMatch(/JSON/);
      }),
      { numRuns: RUNS },
    );
    await fc.assert(
      fc.asyncProperty(wrongShapeJson, fc.constantFrom('POST', 'PATCH'), async (body, method) => {
        const url = method === 'POST' ? clients() : existing;
        expect(expectClearRefusal(await send('workzone json', url, json(method, body, { 'If-Match': '*' })))).toMatch(/JSON object/);
      }),
      { numRuns: RUNS / 2 },
    );
    await stillServing();
  });

  test('POST and PATCH: wrong types, bad values, unknown, read-only and missing properties are 400s naming the property', async () => {
    await fc.assert(
      fc.asyncProperty(brokenClientBody, fc.constantFrom('POST', 'PATCH'), async ({ body, prop }, method) => {
        const url = method === 'POST' ? clients() : existing;
        const sent = method === 'PATCH' ? { ...body, ClientId: 'existing' } : body;
        if (method === 'PATCH' && prop === 'ClientId') return; // the key: covered below
        const message = expectClearRefusal(await send('workzone properties', url, json(method, JSON.stringify(sent), { 'If-Match': '*' })));
        expect(message).toContain(prop);
        if (prop === 'ClientSecret') expect(message).not.toContain('s'.repeat(50));
      }),
      { numRuns: RUNS * 2 },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CLIENT_PROPS.filter((p) => ['ClientId', 'ClientName', 'GrantType', 'User'].includes(p))), fc.nat(), async (missing, n) => {
        const body: Record<string, unknown> = validClient(`missing-${n}`);
        delete body[missing];
        expect(expectClearRefusal(await send('workzone properties', clients(), json('POST', JSON.stringify(body))))).toContain(missing);
      }),
      { numRuns: 20 },
    );
    for (const [extra, why] of [['"ClientSecretHash":"x"', 'read-only'], ['"Nope":1', 'does not exist'], ['"__proto__":{"x":1}', 'does not exist'], ['"constructor":"x"', 'does not exist']] as const) {
      const body = `{${JSON.stringify(validClient('extra')).slice(1, -1)},${extra}}`;
      expect(expectClearRefusal(await send('workzone properties', clients(), json('POST', body)))).toContain(why);
    }
    expect(expectClearRefusal(await send('workzone properties', existing, json('PATCH', '{"ClientId":"other"}', { 'If-Match': '*' })))).toContain('ClientId');
    await stillServing();
  });

  test('wrong or missing content types are 415s; bodies over the limit are 413s', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx', '', 'json']) {
      for (const [method, url] of [['POST', clients()], ['PATCH', existing]] as const) {
        const headers: Record<string, string> = { Authorization: wzAuth, 'If-Match': '*' };
        if (type) headers['Content-Type'] = type;
        expect(expectClearRefusal(await send('workzone content-type', url, { method, headers, body: JSON.stringify(validClient('ct')) }), [415])).toMatch(/application\/json/);
      }
    }
    const huge = JSON.stringify({ ...validClient('huge'), ClientName: 'n'.repeat(2 * 1024 * 1024) });
    expectClearRefusal(await send('workzone size', clients(), json('POST', huge)), [413]);
    await stillServing();
  });

  test('bad OData keys, percent-encodings and paths are 400 or 404 with an OData error', async () => {
    const paths = fc.oneof(
      fc.constantFrom(
        "OAuthClients('unterminated",
        'OAuthClients(unquoted)',
        "OAuthClients('a'')",
        "OAuthClients('a')x",
        'OAuthClients(%)',
        'OAuthClients(%E0%A4%A)',
        '%E0%A4%A',
        '%',
        "OAuthClients('a')/ClientName",
        "Users('x",
        'OAuthClients()',
        "OAuthClients('constructor')",
        "OAuthClients('__proto__')",
        "OAuthClients('toString')",
        "Users('constructor')",
        "Users('__proto__')",
        '$metadata/extra',
      ),
      fc.string({ unit: fc.constantFrom(..."OAuthClients()'%/.-x0".split('')), maxLength: 30 }).filter((p) => p !== '' && p !== 'OAuthClients' && p !== '$metadata'),
    );
    await fc.assert(
      fc.asyncProperty(paths, fc.constantFrom('GET', 'DELETE', 'PATCH'), async (path, method) => {
        const init = method === 'GET' ? { headers: { Authorization: wzAuth } } : json(method, '{}', { 'If-Match': '*' });
        const answer = await send('workzone keys', `${wz.odataUrl}/${path}`, init);
        if (answer.status === 204 || answer.status === 200) return; // a valid key that happened to exist
        expectClearRefusal(answer, [400, 404, 405, 428]);
      }),
      { numRuns: RUNS * 2 },
    );
    // Keys that are Object's own names are not found, and can be created like any other id.
    for (const id of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expectClearRefusal(await send('workzone keys', one(id), { headers: { Authorization: wzAuth } }), [404]);
      expect((await send('workzone keys', clients(), json('POST', JSON.stringify(validClient(id))))).status).toBe(201);
      expect((await send('workzone keys', one(id), { headers: { Authorization: wzAuth } })).json.ClientId).toBe(id);
      expect((await send('workzone keys', one(id), { method: 'DELETE', headers: { Authorization: wzAuth } })).status).toBe(204);
    }
    for (const initials of ['constructor', '__proto__', 'toString']) {
      expectClearRefusal(await send('workzone keys', `${wz.odataUrl}/Users('${initials}')`, { headers: { Authorization: wzAuth } }), [404]);
      expect(expectClearRefusal(await send('workzone keys', clients(), json('POST', JSON.stringify({ ...validClient(`u-${initials}`), User: initials }))))).toContain('User');
    }
    await stillServing();
  });

  test('the token endpoint: bad forms and auth headers are OAuth 400/401 errors', async () => {
    const forms = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.constantFrom('grant_type=client_credentials', 'client_id=existing', '%', 'a=%zz&grant_type=%', '&&&=', 'grant_type=client_credentials&grant_type=password&client_id=x&client_secret=y'),
      fc.dictionary(fc.constantFrom('grant_type', 'client_id', 'client_secret', 'scope', 'x'), fc.string({ maxLength: 10 })).map((d) => new URLSearchParams(d).toString()),
    );
    const headers = fc.oneof(
      fc.constant({ 'Content-Type': 'application/x-www-form-urlencoded' }),
      fc.constantFrom('application/json', 'text/plain', 'multipart/form-data').map((t) => ({ 'Content-Type': t })),
      fc.constantFrom('Basic', 'Basic !!!', 'Basic Og==', 'Basic JXp6OiV6eg==', 'Bearer x', 'Basic ' + Buffer.from('nocolon').toString('base64')).map((a) => ({ 'Content-Type': 'application/x-www-form-urlencoded', Authorization: a })),
    );
    await fc.assert(
      fc.asyncProperty(forms, headers, async (body, hdrs) => {
        const answer = await send('workzone token', wz.tokenUrl, { method: 'POST', headers: hdrs, body });
        if (answer.status === 200) return;
        expectClearRefusal(answer, [400, 401]);
        expect(answer.json.error).toMatch(/^(invalid_request|invalid_client|unsupported_grant_type|unauthorized_client|invalid_grant)$/);
      }),
      { numRuns: RUNS * 2 },
    );
    await stillServing();
  });

  test('broken HTTP and admin fault settings: 400s, and the server stays up', async () => {
    for (const request of [
      'GARBAGE\r\n\r\n',
      'GET /odata HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n',
      'POST /odata/OAuthClients HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
      'POST /odata/OAuthClients HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      'GET /odata HTTP/9.9\r\nHost: x\r\n\r\n',
    ]) {
      const answer = await rawHttp(wz.port, request);
      expect(answer).toMatch(/^HTTP\/1\.1 (400|505)/);
    }
    for (const body of ['null', '[]', '"x"', '{"errorRate":2}', '{"errorRate":"a"}', '{"nope":1}', '{"latencyMs":-1}', '{"errorStatus":200}', '{', '{"errorStatuses":[]}']) {
      expectClearRefusal(await send('workzone faults', `${wz.url}/_emulator/faults`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body }));
    }
    expect(wz.faults.snapshot()).toMatchObject({ config: { errorRate: 0 } });
    await stillServing();
  });
});

describe('KMD Logic emulator', () => {
  const configs = () => `${logic.url}/subscriptions/${logic.subscriptionId}/cpr/configurations`;
  const api = (url: string, init: RequestInit = {}) =>
    send('kmdlogic api', url, { ...init, headers: { authorization: `Bearer ${bearer}`, ...(init.headers as Record<string, string>) } });

  async function stillServing(): Promise<void> {
    const res = await send('kmdlogic check', configs(), { headers: { authorization: `Bearer ${bearer}` } });
    expect(res.status).toBe(200);
    expect(Array.isArray(res.json)).toBe(true);
  }

  const goodFields = (): FormField[] => [
    { name: 'name', value: 'Vejle CPR' },
    { name: 'environment', value: 'Production' },
    { name: 'certificatePassword', value: 'pfx-pass' },
    { name: 'certificate', value: Buffer.from('3003020103', 'hex'), filename: 'd.pfx', contentType: 'application/x-pkcs12' },
  ];

  test('data-distributor create and update: malformed multipart bodies and content types are 400s saying what is wrong', async () => {
    const good = await buildMultipart(goodFields());
    const boundary = /boundary=(.*)$/.exec(good.contentType)![1]!;
    const bodies = fc.oneof(
      fc.uint8Array({ maxLength: 200 }).map((b) => ({ type: good.contentType, body: Buffer.from(b) })),
      // Cut before the close delimiter (a body cut after it is complete: the final CRLF is optional).
      fc.nat({ max: good.body.length - boundary.length - 7 }).map((n) => ({ type: good.contentType, body: good.body.subarray(0, n) })),
      fc.constantFrom('multipart/form-data', 'multipart/form-data; boundary=', 'multipart/form-data; boundary="unterminated', 'multipart/form-data; boundary=a; boundary=b', 'application/json', 'text/plain', 'multipart/mixed; boundary=x').map((type) => ({ type, body: good.body })),
      fc.constantFrom(
        `--${boundary}\r\nContent-Disposition: form-data\r\n\r\nx\r\n--${boundary}--\r\n`,
        `--${boundary}\r\nContent-Disposition: attachment; name="name"\r\n\r\nx\r\n--${boundary}--\r\n`,
        `--${boundary}\r\nNoColon\r\n\r\nx\r\n--${boundary}--\r\n`,
        `--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\na\r\n--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\nb\r\n--${boundary}--\r\n`,
        `--${boundary}\r\nContent-Disposition: form-data; name="name\r\n\r\nx\r\n--${boundary}--\r\n`,
        `--${boundary}`,
      ).map((text) => ({ type: good.contentType, body: Buffer.from(text) })),
    );
    await fc.assert(
      fc.asyncProperty(bodies, fc.boolean(), async ({ type, body }, update) => {
        const url = update ? `${configs()}/data-distributor/${logic.productId}` : `${configs()}/data-distributor`;
        const answer = await api(url, { method: update ? 'PUT' : 'POST', headers: { 'content-type': type }, body });
        expect(answer.status).not.toBe(200);
        expectClearRefusal(answer);
      }),
      { numRuns: RUNS * 2 },
    );
    await stillServing();
  });

  test('data-distributor: missing, blank, wrong-kind and invalid fields are 400s naming each field', async () => {
    const field = fc.constantFrom('name', 'environment', 'certificate');
    const breakField = (fields: FormField[], name: string, how: number): FormField[] => {
      if (how === 0) return fields.filter((f) => f.name !== name);
      return fields.map((f) => {
        if (f.name !== name) return f;
        if (name === 'certificate') return how === 1 ? { name, value: 'not a file' } : { name, filename: 'd.pfx', value: how === 2 ? Buffer.alloc(0) : Buffer.from('PFX?') };
        if (name === 'environment') return { name, value: ['production', 'Prod', '', 'Test '][how % 4]! };
        return how === 1 ? { name, value: '   ', filename: 'n.txt' } : { name, value: ' \t ' };
      });
    };
    await fc.assert(
      fc.asyncProperty(field, fc.integer({ min: 0, max: 3 }), fc.boolean(), async (name, how, update) => {
        const m = await buildMultipart(breakField(goodFields(), name, how));
        const url = update ? `${configs()}/data-distributor/${logic.productId}` : `${configs()}/data-distributor`;
        const answer = await api(url, { method: update ? 'PUT' : 'POST', headers: { 'content-type': m.contentType }, body: m.body });
        expectClearRefusal(answer);
        expect(Object.keys(answer.json.errors ?? {})).toContain(name);
      }),
      { numRuns: RUNS },
    );
    await stillServing();
  });

  test('bad ids, percent-encodings, paths and methods are 4xx with a gateway error', async () => {
    const segment = fc.oneof(
      fc.constantFrom('not-a-guid', '%', '%E0%A4%A', '%zz', '..', '{guid}', ' ', 'constructor', '__proto__', logic.subscriptionId.toUpperCase().replace(/-/g, '')),
      fc.string({ unit: fc.constantFrom(...'0123abcdef-%xz.'.split('')), minLength: 1, maxLength: 40 }),
    );
    await fc.assert(
      fc.asyncProperty(segment, fc.constantFrom('sub', 'id', 'path'), fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'), async (bad, where, method) => {
        const url =
          where === 'sub'
            ? `${logic.url}/subscriptions/${bad}/cpr/configurations`
            : where === 'id'
              ? `${configs()}/${bad}`
              : `${logic.url}/subscriptions/${logic.subscriptionId}/${bad}`;
        const answer = await api(url, { method, ...(method === 'GET' || method === 'DELETE' ? {} : { body: 'x', headers: { 'content-type': 'text/plain' } }) });
        if (answer.status === 200) return; // a GET of an id that happens to be valid
        expectClearRefusal(answer, [400, 401, 403, 404, 405]);
      }),
      { numRuns: RUNS * 2 },
    );
    const huge = Buffer.alloc(2 * 1024 * 1024, 0x41);
    expectClearRefusal(await api(`${configs()}/data-distributor`, { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: huge }), [413]);
    await stillServing();
  });

  test('the token endpoint: bad forms, duplicates and auth headers are OAuth 400/401 errors', async () => {
    const bodies = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.constantFrom('%', 'grant_type=client_credentials&grant_type=client_credentials', 'grant_type=password', 'scope=&grant_type=client_credentials', '=&=&'),
      fc.dictionary(fc.constantFrom('grant_type', 'client_id', 'client_secret', 'scope', 'x'), fc.string({ maxLength: 10 })).map((d) => new URLSearchParams(d).toString()),
    );
    const headers = fc.oneof(
      fc.constant({ 'content-type': 'application/x-www-form-urlencoded' }),
      fc.constantFrom('application/json', 'text/plain', '').map((t): Record<string, string> => (t ? { 'content-type': t } : {})),
      fc.constantFrom('Basic', 'Basic !!!', 'Basic Og==', 'Basic JXp6OiV6eg==', 'basic ' + Buffer.from('nocolon').toString('base64')).map((a) => ({ 'content-type': 'application/x-www-form-urlencoded', authorization: a })),
    );
    await fc.assert(
      fc.asyncProperty(bodies, headers, async (body, hdrs) => {
        const answer = await send('kmdlogic token', logic.tokenUrl, { method: 'POST', headers: hdrs, body });
        expect(answer.status).not.toBe(200);
        expectClearRefusal(answer, [400, 401]);
      }),
      { numRuns: RUNS * 2 },
    );
    for (const auth of ['Bearer', 'Bearer ', 'Bearer a b', 'Basic x', `Bearer ${'x'.repeat(10_000)}`]) {
      expectClearRefusal(await send('kmdlogic api', configs(), { headers: { authorization: auth } }), [401]);
    }
    await stillServing();
  });

  test('broken HTTP and admin fault settings: 400s, and the server stays up', async () => {
    const port = Number(new URL(logic.rootUrl).port);
    for (const request of ['GARBAGE\r\n\r\n', 'POST /clientcredentials/token HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n', 'GET / HTTP/1.1\r\n\u0000: x\r\n\r\n']) {
      expect(await rawHttp(port, request)).toMatch(/^HTTP\/1\.1 400/);
    }
    for (const body of ['null', '[1]', '{"errorRate":-1}', '{"unknown":true}', '{']) {
      expectClearRefusal(await send('kmdlogic faults', `${logic.rootUrl}/_emulator/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body }));
    }
    await stillServing();
  });
});
