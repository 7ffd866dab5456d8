import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startKmdLogicEmulator, type KmdLogicEmulator } from '../../../lib/emulators/kmdlogic';
import { buildMultipart, type FormField } from '../../../lib/providers/kmdlogic/multipart';

const DER = Buffer.from('3003020103', 'hex');
const tokenForm = (e: KmdLogicEmulator, over: Record<string, string | undefined> = {}) => {
  const fields: Record<string, string | undefined> = {
    grant_type: 'client_credentials',
    client_id: e.clientId,
    client_secret: e.clientSecret,
    scope: e.scope,
    ...over,
  };
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) form.set(k, v);
  return form;
};
const postToken = (e: KmdLogicEmulator, form: URLSearchParams, headers: Record<string, string> = {}) =>
  fetch(e.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: form });

async function token(e: KmdLogicEmulator): Promise<string> {
  const res = await postToken(e, tokenForm(e));
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

const distributorForm = (over: Partial<Record<'name' | 'environment' | 'certificatePassword', string>> = {}, cert: Buffer | null = DER): FormField[] => {
  const fields: FormField[] = [
    { name: 'name', value: over.name ?? 'Vejle CPR' },
    { name: 'environment', value: over.environment ?? 'Production' },
    { name: 'certificatePassword', value: over.certificatePassword ?? 'pfx-pass' },
  ];
  if (cert) fields.push({ name: 'certificate', value: cert, filename: 'distributor.pfx', contentType: 'application/x-pkcs12' });
  return fields;
};

describe('KMD Logic emulator', () => {
  let e: KmdLogicEmulator;
  let bearer: string;
  let dataDir: string;
  const api = (p: string, init: RequestInit = {}) =>
    fetch(`${e.url}${p}`, { ...init, headers: { authorization: `Bearer ${bearer}`, ...(init.headers as Record<string, string>) } });
  const send = async (method: string, p: string, fields: FormField[]) => {
    const m = await buildMultipart(fields);
    return api(p, { method, body: m.body, headers: { 'content-type': m.contentType } });
  };
  const configs = () => `/subscriptions/${e.subscriptionId}/cpr/configurations`;

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmdlogic-emu-'));
    e = await startKmdLogicEmulator({ dataDir });
    bearer = await token(e);
  });
  afterEach(async () => {
    await e.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  describe('token endpoint', () => {
    it('issues a Bearer token for the seeded credential, not cacheable', async () => {
      const res = await postToken(e, tokenForm(e));
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600 });
      expect(e.stats()).toMatchObject({ tokenRequests: 2, tokensIssued: 2 });
    });

    it('accepts HTTP Basic client authentication', async () => {
      const basic = Buffer.from(`${e.clientId}:${e.clientSecret}`).toString('base64');
      const res = await postToken(e, tokenForm(e, { client_id: undefined, client_secret: undefined }), { authorization: `Basic ${basic}` });
      expect(res.status).toBe(200);
      const bad = await postToken(e, tokenForm(e, { client_id: undefined, client_secret: undefined }), {
        authorization: `Basic ${Buffer.from('%zz:%').toString('base64')}`,
      });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as Record<string, string>).error).toBe('invalid_request');
    });

    it('refuses a wrong secret and an unknown client id alike, with invalid_client', async () => {
      const wrongSecret = await postToken(e, tokenForm(e, { client_secret: 'not-the-secret' }));
      const unknownId = await postToken(e, tokenForm(e, { client_id: '3fa85f64-5717-4562-b3fc-2c963f66afa6' }));
      for (const res of [wrongSecret, unknownId]) {
        expect(res.status).toBe(401);
        const body = (await res.json()) as Record<string, string>;
        expect(body).toEqual({ error: 'invalid_client', error_description: 'client authentication failed' });
        expect(JSON.stringify(body)).not.toContain(e.clientSecret);
      }
      expect(e.stats()).toMatchObject({ tokenRequests: 3, tokensIssued: 1 });
    });

    it.each([
      [{ grant_type: undefined }, 400, 'invalid_request', /grant_type/],
      [{ grant_type: 'password' }, 400, 'unsupported_grant_type', /client_credentials/],
      [{ scope: undefined }, 400, 'invalid_scope', /scope is missing/],
      [{ scope: 'https://example.org/.default' }, 400, 'invalid_scope', /not known/],
      [{ client_secret: undefined }, 401, 'invalid_client', /required/],
    ])('answers %p with %i %s', async (over, status, error, description) => {
      const res = await postToken(e, tokenForm(e, over));
      expect(res.status).toBe(status);
      const body = (await res.json()) as Record<string, string>;
      expect(body.error).toBe(error);
      expect(body.error_description).toMatch(description);
    });

    it('wants a form body and single parameters', async () => {
      const json = await fetch(e.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(json.status).toBe(400);
      expect(((await json.json()) as Record<string, string>).error_description).toMatch(/x-www-form-urlencoded/);
      const twice = await postToken(e, new URLSearchParams(`${tokenForm(e)}&scope=x`));
      expect(((await twice.json()) as Record<string, string>).error_description).toMatch(/"scope" is given more than once/);
      const grantTwice = await postToken(e, new URLSearchParams(`${tokenForm(e)}&grant_type=client_credentials`));
      expect(grantTwice.status).toBe(400);
      expect(await grantTwice.json()).toEqual({ error: 'invalid_request', error_description: expect.stringMatching(/"grant_type" is given more than once/) });
    });

    it('answers a body over the limit, a wrong method and injected faults in the OAuth error shape', async () => {
      const huge = await fetch(e.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `${tokenForm(e)}&x=${'y'.repeat(5 * 1024 * 1024)}` });
      expect(huge.status).toBe(413);
      expect(await huge.json()).toEqual({ error: 'invalid_request', error_description: expect.stringMatching(/larger than \d+ bytes/) });
      const get = await fetch(e.tokenUrl);
      expect(get.status).toBe(405);
      expect(get.headers.get('allow')).toBe('POST');
      expect(await get.json()).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
      e.faults.set({ errorRate: 1, errorStatus: 500, limit: 1 });
      const fault = await postToken(e, tokenForm(e));
      expect(fault.status).toBe(500);
      expect(await fault.json()).toEqual({ error: 'server_error', error_description: 'injected fault' });
    });
  });

  describe('Bearer auth', () => {
    it('answers 401 with a Bearer challenge without, with a bad, or with a revoked token', async () => {
      const path = configs();
      const cases = [
        await fetch(`${e.url}${path}`),
        await fetch(`${e.url}${path}`, { headers: { authorization: 'Bearer nope' } }),
        await fetch(`${e.url}${path}`, { headers: { authorization: `Basic ${bearer}` } }),
      ];
      e.revokeTokens();
      cases.push(await api(path));
      for (const res of cases) {
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
        expect(((await res.json()) as { statusCode: number }).statusCode).toBe(401);
      }
    });

    it('expires tokens after their lifetime', async () => {
      const short = await startKmdLogicEmulator({ tokenLifetimeSeconds: 1 });
      try {
        const res = await postToken(short, tokenForm(short));
        const body = (await res.json()) as { access_token: string; expires_in: number };
        expect(body.expires_in).toBe(1);
        const list = `${short.url}/subscriptions/${short.subscriptionId}/cpr/configurations`;
        const auth = { authorization: `Bearer ${body.access_token}` };
        expect((await fetch(list, { headers: auth })).status).toBe(200);
        await new Promise((r) => setTimeout(r, 1100));
        expect((await fetch(list, { headers: auth })).status).toBe(401);
      } finally {
        await short.close();
      }
    });
  });

  describe('CPR configurations', () => {
    it('lists and gets the seeded product configuration, without secrets', async () => {
      const list = await api(configs());
      expect(list.status).toBe(200);
      const expected = {
        id: e.productId,
        subscriptionId: e.subscriptionId,
        name: 'CPR update (seeded)',
        environment: 'Test',
        provider: 'DataDistributor',
      };
      expect(await list.json()).toEqual([expected]);
      const one = await api(`${configs()}/${e.productId.toUpperCase()}`);
      expect(one.status).toBe(200);
      expect(await one.json()).toEqual(expected);
    });

    it('creates and updates data-distributor configurations; the certificate is stored, never returned', async () => {
      const created = await send('POST', `${configs()}/data-distributor`, distributorForm());
      expect(created.status).toBe(200);
      const body = (await created.json()) as Record<string, string>;
      expect(body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        subscriptionId: e.subscriptionId,
        name: 'Vejle CPR',
        environment: 'Production',
      });

      const stored = e.data().configurations.find((c) => c.id === body.id);
      expect(stored?.certificate).toBe(DER.toString('base64'));
      expect(stored?.certificatePasswordSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(stored)).not.toContain('pfx-pass');

      const newCert = Buffer.from('30050201030400', 'hex');
      const updated = await send('PUT', `${configs()}/data-distributor/${body.id}`, distributorForm({ name: 'Renamed', environment: 'Test' }, newCert));
      expect(updated.status).toBe(200);
      expect(await updated.json()).toMatchObject({ id: body.id, name: 'Renamed', environment: 'Test' });

      const read = await api(`${configs()}/${body.id}`);
      const text = await read.text();
      expect(JSON.parse(text)).toMatchObject({ name: 'Renamed', environment: 'Test', provider: 'DataDistributor' });
      expect(text).not.toContain(newCert.toString('base64'));
      expect(text).not.toMatch(/password/i);
      expect(e.data().configurations.find((c) => c.id === body.id)?.certificate).toBe(newCert.toString('base64'));
      expect(((await (await api(configs())).json()) as unknown[]).length).toBe(2);
    });

    it('answers 404 for unknown configurations, subscriptions and routes; 400 for ids that are not GUIDs', async () => {
      const unknown = '3fa85f64-5717-4562-b3fc-2c963f66afa6';
      const cases: [string, RequestInit | undefined, number, RegExp][] = [
        [`${configs()}/${unknown}`, undefined, 404, /Configuration 3fa85f64.* was not found in subscription/],
        [`/subscriptions/${unknown}/cpr/configurations`, undefined, 404, /Subscription 3fa85f64.* was not found/],
        [`/subscriptions/${unknown}/cpr/configurations/${e.productId}`, undefined, 404, /Subscription/],
        [`${configs()}/not-a-guid`, undefined, 400, /Configuration id "not-a-guid" is not a GUID/],
        [`/subscriptions/abc/cpr/configurations`, undefined, 400, /Subscription id "abc" is not a GUID/],
        [`/subscriptions/${e.subscriptionId}/cpr/nothing`, undefined, 404, /No route/],
      ];
      for (const [p, init, status, message] of cases) {
        const res = await api(p, init);
        expect(res.status).toBe(status);
        const body = (await res.json()) as { statusCode: number; message: string };
        expect(body.statusCode).toBe(status);
        expect(body.message).toMatch(message);
      }
      const put = await send('PUT', `${configs()}/data-distributor/${unknown}`, distributorForm());
      expect(put.status).toBe(404);
    });

    it('answers 403 for a subscription the credential may not use', async () => {
      const other = e.addSubscription({ granted: false });
      const res = await api(`/subscriptions/${other}/cpr/configurations`);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { message: string }).message).toContain(other);
      const granted = e.addSubscription();
      const ok = await api(`/subscriptions/${granted}/cpr/configurations`);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual([]);
      // A configuration is only visible through its own subscription.
      expect((await api(`/subscriptions/${granted}/cpr/configurations/${e.productId}`)).status).toBe(404);
    });

    it('has no DELETE (405 with Allow)', async () => {
      for (const [p, allow] of [
        [`${configs()}/${e.productId}`, 'GET'],
        [`${configs()}/data-distributor/${e.productId}`, 'PUT'],
        [configs(), 'GET'],
      ]) {
        const res = await api(p, { method: 'DELETE' });
        expect(res.status).toBe(405);
        expect(res.headers.get('allow')).toBe(allow);
      }
      expect(e.data().configurations).toHaveLength(1);
    });
  });

  describe('form validation', () => {
    const post = (fields: FormField[]) => send('POST', `${configs()}/data-distributor`, fields);
    const message = async (res: Response) => ((await res.json()) as { message: string }).message;

    it('names every bad field in one 400', async () => {
      const res = await post(distributorForm({ name: '  ', environment: 'Staging' }, null));
      expect(res.status).toBe(400);
      const body = (await res.json()) as { message: string; errors: Record<string, string[]> };
      expect(Object.keys(body.errors).sort()).toEqual(['certificate', 'environment', 'name']);
      expect(body.message).toMatch(/environment must be one of Production, Test/);
      expect(e.data().configurations).toHaveLength(1);
    });

    it.each([
      ['an empty certificate', distributorForm({}, Buffer.alloc(0)), /certificate is empty/],
      ['a certificate that is not DER', distributorForm({}, Buffer.from('-----BEGIN CERTIFICATE-----')), /not a PKCS#12/],
      [
        'a certificate without filename',
        [...distributorForm({}, null), { name: 'certificate', value: DER.toString('latin1') }],
        /certificate must be a file part/,
      ],
      ['a name sent as a file', [...distributorForm({}).filter((f) => f.name !== 'name'), { name: 'name', value: 'x', filename: 'n.txt' }], /name must be a text field/],
    ])('refuses %s', async (_what, fields, expected) => {
      const res = await post(fields);
      expect(res.status).toBe(400);
      expect(await message(res)).toMatch(expected);
    });

    it('answers 400 to malformed multipart bodies', async () => {
      const p = `${e.url}${configs()}/data-distributor`;
      const auth = { authorization: `Bearer ${bearer}` };
      const good = await buildMultipart(distributorForm());
      const cases: [Record<string, string>, Buffer | string, RegExp][] = [
        [{ 'content-type': 'application/json' }, '{}', /must be multipart\/form-data/],
        [{ 'content-type': 'application/x-www-form-urlencoded' }, 'name=x', /must be multipart\/form-data/],
        [{ 'content-type': 'multipart/form-data' }, good.body, /no boundary/],
        [{ 'content-type': good.contentType }, good.body.subarray(0, good.body.length - 30), /does not parse .*truncated/],
        [{ 'content-type': 'multipart/form-data; boundary=other' }, good.body, /does not parse .*another boundary/],
      ];
      for (const [headers, body, expected] of cases) {
        const res = await fetch(p, { method: 'POST', headers: { ...auth, ...headers }, body });
        expect(res.status).toBe(400);
        expect(await message(res)).toMatch(/^Malformed multipart\/form-data body: /);
        expect(await message(await fetch(p, { method: 'POST', headers: { ...auth, ...headers }, body }))).toMatch(expected);
      }
    });

    it('reads what browsers and Node\'s FormData send: a Windows path as filename keeps its backslashes', async () => {
      const form = new FormData();
      form.append('name', 'Vejle "CPR"');
      form.append('environment', 'Test');
      form.append('certificate', new Blob([DER], { type: 'application/x-pkcs12' }), 'C:\\certs\\vejle.pfx');
      const res = await api(`${configs()}/data-distributor`, { method: 'POST', body: form });
      expect(res.status).toBe(200);
      const { id } = (await res.json()) as { id: string };
      expect(await (await api(`${configs()}/${id}`)).json()).toMatchObject({ name: 'Vejle "CPR"' });
      expect(e.data().configurations.find((c) => c.id === id)?.certificateFileName).toBe('C:\\certs\\vejle.pfx');
    });

    it('answers 413 to bodies over 1 MiB', async () => {
      const res = await post(distributorForm({}, Buffer.concat([DER, Buffer.alloc(1024 * 1024)])));
      expect(res.status).toBe(413);
    });
  });

  describe('persistence', () => {
    it('keeps seeded credentials and configurations across a restart; tokens do not survive', async () => {
      const created = (await (await send('POST', `${configs()}/data-distributor`, distributorForm())).json()) as { id: string };
      const before = { clientId: e.clientId, clientSecret: e.clientSecret, subscriptionId: e.subscriptionId, productId: e.productId };
      await e.close();
      e = await startKmdLogicEmulator({ dataDir });
      expect({ clientId: e.clientId, clientSecret: e.clientSecret, subscriptionId: e.subscriptionId, productId: e.productId }).toEqual(before);
      expect((await api(configs())).status).toBe(401);
      bearer = await token(e);
      const read = await api(`${configs()}/${created.id}`);
      expect(read.status).toBe(200);
      expect(await read.json()).toMatchObject({ name: 'Vejle CPR' });
      const file = JSON.parse(fs.readFileSync(path.join(dataDir, 'kmdlogic.json'), 'utf8'));
      expect(file.configurations).toHaveLength(2);
    });

    it.each([
      ['an empty file', '', /is empty/],
      ['{}', '{}', /version: expected 1|seed: expected object, found nothing \(missing\)/],
      ['a configuration with a bad environment', null, /configurations\.0\.environment: /],
    ])('refuses to start on a data file holding %s, naming the file, the problem and the fix', async (_what, text, problem) => {
      await e.close();
      const file = path.join(dataDir, 'kmdlogic.json');
      if (text === null) {
        const data = JSON.parse(fs.readFileSync(file, 'utf8'));
        data.configurations[0].environment = 'Staging';
        text = JSON.stringify(data);
      }
      fs.writeFileSync(file, text);
      const start = startKmdLogicEmulator({ dataDir });
      await expect(start).rejects.toThrow(`data file ${file} (the KMD Logic emulator's credentials, subscriptions and CPR configurations) `);
      await expect(start).rejects.toThrow(problem);
      await expect(start).rejects.toThrow(/Fix it, or delete it: the emulator seeds a new client credential/);
      expect(fs.readFileSync(file, 'utf8')).toBe(text);
      fs.rmSync(file);
      e = await startKmdLogicEmulator({ dataDir }); // the failed start released the directory
    });

    it('refuses a second emulator on the same data directory while the first runs', async () => {
      await expect(startKmdLogicEmulator({ dataDir })).rejects.toThrow(`data directory ${dataDir} is already in use`);
    });

    it('takes fixed ids and secret from options', async () => {
      const fixed = {
        clientId: '11111111-1111-4111-8111-111111111111',
        clientSecret: '22222222-2222-4222-8222-222222222222',
        subscriptionId: '33333333-3333-4333-8333-333333333333',
        productId: '44444444-4444-4444-8444-444444444444',
      };
      const f = await startKmdLogicEmulator(fixed);
      try {
        expect(f).toMatchObject(fixed);
        expect(f.data().configurations.map((c) => c.id)).toEqual([fixed.productId]);
        expect((await postToken(f, tokenForm(f))).status).toBe(200);
      } finally {
        await f.close();
      }
      await expect(startKmdLogicEmulator({ clientId: 'nope' })).rejects.toThrow(/clientId must be a GUID/);
      await expect(startKmdLogicEmulator({ tokenLifetimeSeconds: 0.5 })).rejects.toThrow(/tokenLifetimeSeconds/);
    });
  });

  describe('fault injection', () => {
    it('injects errors with Retry-After, switchable at run time; admin routes are never faulted', async () => {
      const set = await fetch(`${e.rootUrl}/_emulator/faults`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ errorRate: 1, errorStatus: 503, retryAfterSeconds: 2, limit: 2 }),
      });
      expect(set.status).toBe(200);
      const first = await api(configs());
      expect(first.status).toBe(503);
      expect(first.headers.get('retry-after')).toBe('2');
      expect(await first.json()).toEqual({ statusCode: 503, message: 'injected fault' });
      expect((await postToken(e, tokenForm(e))).status).toBe(503);
      const stats = await fetch(`${e.rootUrl}/_emulator/stats`);
      expect(stats.status).toBe(200);
      expect(await stats.json()).toMatchObject({ tokenRequests: 1, apiRequests: 0 });
      expect((await api(configs())).status).toBe(200); // limit reached
      expect(e.faults.counters.errors).toBe(2);
    });

    it('drops connections', async () => {
      e.faults.set({ dropRate: 1, limit: 1 });
      await expect(api(configs())).rejects.toThrow();
      expect((await api(configs())).status).toBe(200);
    });
  });
});
