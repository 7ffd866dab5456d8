import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as net from 'node:net';
import { startWorkZoneEmulator, hashSecret, type WorkZoneEmulator } from '../../../lib/emulators/workzone';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const cpr = (id: string, extra: Record<string, unknown> = {}) => ({
  ClientId: id,
  ClientName: 'Contact update - CPR',
  Enabled: true,
  AllowAccessTokensViaBrowser: false,
  AllowOfflineAccess: false,
  RequirePkce: false,
  GrantType: 'CLNTCRED',
  User: 'CPRBATCHUSER',
  ...extra,
});

describe('WorkZone emulator: OData admin API', () => {
  let wz: WorkZoneEmulator;
  let logs: string[];
  let auth: string;
  const clients = () => `${wz.odataUrl}/OAuthClients`;
  const one = (id: string) => `${clients()}(${encodeURIComponent(`'${id.replace(/'/g, "''")}'`)})`;
  const post = (body: unknown) =>
    fetch(clients(), { method: 'POST', headers: { Authorization: auth, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const patch = (id: string, body: unknown, ifMatch?: string) =>
    fetch(one(id), {
      method: 'PATCH',
      headers: { Authorization: auth, 'Content-Type': 'application/json', ...(ifMatch ? { 'If-Match': ifMatch } : {}) },
      body: JSON.stringify(body),
    });
  const get = (url: string) => fetch(url, { headers: { Authorization: auth } });

  beforeEach(async () => {
    logs = [];
    wz = await startWorkZoneEmulator({ port: 0, adminUser: 'admin', adminPassword: 'Adm1n-S3cret-pw', log: (l) => logs.push(l) });
    auth = basic(wz.username, wz.password);
  });
  afterEach(() => wz.close());

  test('start-up result: url, token url, credentials', () => {
    expect(wz.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(wz.tokenUrl).toBe(`${wz.url}/connect/token`);
    expect(wz.odataUrl).toBe(`${wz.url}/odata`);
    expect([wz.username, wz.password]).toEqual(['admin', 'Adm1n-S3cret-pw']);
  });

  test('admin calls need Basic credentials', async () => {
    const none = await fetch(one('x'));
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Basic realm="WorkZone"');
    expect((await none.json()).error.code).toBe('Unauthorized');
    const wrong = await fetch(one('x'), { headers: { Authorization: basic('admin', 'nope') } });
    expect(wrong.status).toBe(401);
    const malformed = await fetch(one('x'), { headers: { Authorization: 'Basic !!!' } });
    expect(malformed.status).toBe(401);
    expect((await get(one('x'))).status).toBe(404);
  });

  test('seeded user CPRBATCHUSER; unknown user 404', async () => {
    const res = await get(`${wz.odataUrl}/Users('CPRBATCHUSER')`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ Initials: 'CPRBATCHUSER', Name: 'Captia CPR batch afvikler', Active: true, Id: '1001' });
    const missing = await get(`${wz.odataUrl}/Users('NOBODY')`);
    expect(missing.status).toBe(404);
    expect((await missing.json()).error).toEqual({ code: 'NotFound', message: expect.stringContaining('NOBODY') });
  });

  test('POST without a secret: 201, generated secret returned once, stored only as a hash', async () => {
    const res = await post(cpr('cpr-update'));
    expect(res.status).toBe(201);
    const etag = res.headers.get('etag');
    expect(etag).toMatch(/^W\/"\d+"$/);
    expect(res.headers.get('location')).toBe(one('cpr-update'));
    const body = await res.json();
    expect(body.ClientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.ClientSecretHash).toBe(hashSecret(body.ClientSecret));
    expect(body['@odata.etag']).toBe(etag);

    const again = await get(one('cpr-update'));
    expect(again.status).toBe(200);
    expect(again.headers.get('etag')).toBe(etag);
    const read = await again.json();
    expect(read).not.toHaveProperty('ClientSecret');
    expect(read).toMatchObject(cpr('cpr-update'));

    // Not in the list either, nor on disk/in memory as plaintext.
    const list = await (await get(clients())).text();
    expect(list).not.toContain(body.ClientSecret);
    expect(JSON.stringify(wz.data.listClients())).not.toContain(body.ClientSecret);
    // The request log has method, path and status only.
    expect(logs.some((l) => l.includes('POST /odata/OAuthClients 201'))).toBe(true);
    expect(logs.join('\n')).not.toContain(body.ClientSecret);
    expect(logs.join('\n')).not.toContain('Adm1n-S3cret-pw');
  });

  test('POST with a secret: not echoed; hash is SHA-256 base64', async () => {
    const secret = 'a-supplied-secret-0123456789';
    const res = await post(cpr('with-secret', { ClientSecret: secret }));
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).not.toHaveProperty('ClientSecret');
    expect(body.ClientSecretHash).toBe(require('node:crypto').createHash('sha256').update(secret).digest('base64'));
  });

  test('POST of an existing id: 409; unknown user: 400 UserNotFound', async () => {
    expect((await post(cpr('dup'))).status).toBe(201);
    const dup = await post(cpr('dup'));
    expect(dup.status).toBe(409);
    expect((await dup.json()).error.code).toBe('Conflict');
    const noUser = await post(cpr('x', { User: 'GHOST' }));
    expect(noUser.status).toBe(400);
    expect(await noUser.json()).toEqual({ error: { code: 'UserNotFound', message: expect.stringContaining('GHOST') } });
  });

  test.each([
    [{ ...cpr('a'), Enabled: 'yes' }, /Enabled must be a boolean/],
    [{ ...cpr('a'), Colour: 'red' }, /Colour does not exist/],
    [{ ...cpr('a'), ClientSecretHash: 'x' }, /ClientSecretHash is read-only/],
    [{ ...cpr('a'), GrantType: 'FOO' }, /GrantType must be one of/],
    [{ ...cpr('has space') }, /ClientId must be non-empty and contain no whitespace/],
    [{ ...cpr('a'), ClientName: undefined }, /ClientName is required/],
    [[1, 2], /must be a JSON object/],
  ])('invalid body %#: 400 naming the property', async (body, message) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    const err = (await res.json()).error;
    expect(err.code).toBe('BadRequest');
    expect(err.message).toMatch(message);
  });

  test('a bad ClientSecret type is named without echoing the value', async () => {
    const res = await post(cpr('a', { ClientSecret: 12345678901234567 }));
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toContain('ClientSecret must be a string');
    expect(text).not.toContain('12345678901234567');
  });

  test('malformed JSON → 400, wrong content type → 415, oversized body → 413', async () => {
    const bad = await fetch(clients(), { method: 'POST', headers: { Authorization: auth, 'Content-Type': 'application/json' }, body: '{"ClientId":' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/not valid JSON/);
    const text = await fetch(clients(), { method: 'POST', headers: { Authorization: auth, 'Content-Type': 'text/plain' }, body: '{}' });
    expect(text.status).toBe(415);
    const big = await fetch(clients(), {
      method: 'POST',
      headers: { Authorization: auth, 'Content-Type': 'application/json' },
      body: JSON.stringify(cpr('big', { ClientName: 'x'.repeat(2 * 1024 * 1024) })),
    });
    expect(big.status).toBe(413);
  });

  test('a request line node cannot parse → 400', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(wz.port, '127.0.0.1', () => socket.write('NOT A REQUEST\r\n\r\n'));
      let data = '';
      socket.on('data', (d) => (data += d));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
  });

  test('malformed keys → 400; unknown entity sets and methods → 404/405', async () => {
    expect((await get(`${clients()}(abc)`)).status).toBe(400);
    expect((await get(`${wz.odataUrl}/Nope`)).status).toBe(404);
    expect((await fetch(clients(), { method: 'PUT', headers: { Authorization: auth } })).status).toBe(405);
  });

  test("keys with quotes and URL-special characters round-trip", async () => {
    const id = "o'brien/é?x";
    expect((await post(cpr(id))).status).toBe(201);
    const res = await get(one(id));
    expect(res.status).toBe(200);
    expect((await res.json()).ClientId).toBe(id);
  });

  test('PATCH: If-Match required (428), stale ETag 412, match 204 with new ETag; * overrides', async () => {
    const created = await post(cpr('p'));
    const etag = created.headers.get('etag')!;
    expect((await patch('p', { Enabled: false })).status).toBe(428);

    const ok = await patch('p', { Enabled: false, ClientName: 'Renamed' }, etag);
    expect(ok.status).toBe(204);
    const newTag = ok.headers.get('etag')!;
    expect(newTag).not.toBe(etag);

    const stale = await patch('p', { Enabled: true }, etag);
    expect(stale.status).toBe(412);
    expect((await stale.json()).error.code).toBe('PreconditionFailed');

    const read = await (await get(one('p'))).json();
    expect(read).toMatchObject({ Enabled: false, ClientName: 'Renamed', '@odata.etag': newTag });

    expect((await patch('p', { Enabled: true }, '*')).status).toBe(204);
    expect((await patch('missing', { Enabled: true }, '*')).status).toBe(404);
    expect((await patch('p', { ClientId: 'other' }, '*')).status).toBe(400);
    expect((await patch('p', { User: 'GHOST' }, '*')).status).toBe(400);
  });

  test('PATCH ClientSecret sets a new hash', async () => {
    const created = await (await post(cpr('s', { ClientSecret: 'first-secret-0123456789' }))).json();
    const res = await patch('s', { ClientSecret: 'second-secret-0123456789' }, created['@odata.etag']);
    expect(res.status).toBe(204);
    expect(wz.data.getClient('s')!.ClientSecretHash).toBe(hashSecret('second-secret-0123456789'));
  });

  test('DELETE: 204, then 404; stale If-Match 412', async () => {
    const etag = (await post(cpr('d'))).headers.get('etag')!;
    await patch('d', { Enabled: false }, etag);
    expect((await fetch(one('d'), { method: 'DELETE', headers: { Authorization: auth, 'If-Match': etag } })).status).toBe(412);
    expect((await fetch(one('d'), { method: 'DELETE', headers: { Authorization: auth } })).status).toBe(204);
    expect((await fetch(one('d'), { method: 'DELETE', headers: { Authorization: auth } })).status).toBe(404);
    expect((await get(one('d'))).status).toBe(404);
  });

  test('a re-created client never gets an ETag of its predecessor', async () => {
    const first = (await post(cpr('r'))).headers.get('etag');
    await fetch(one('r'), { method: 'DELETE', headers: { Authorization: auth } });
    const second = (await post(cpr('r'))).headers.get('etag');
    expect(second).not.toBe(first);
  });

  test('drift made directly in the data shows over HTTP with a new ETag', async () => {
    const etag = (await post(cpr('drift', { ClientSecret: 'original-secret-0123456789' }))).headers.get('etag')!;
    wz.data.updateClient('drift', { Enabled: false, ClientSecret: 'changed-by-hand-0123456789' });
    const res = await get(one('drift'));
    expect(res.headers.get('etag')).not.toBe(etag);
    const body = await res.json();
    expect(body.Enabled).toBe(false);
    expect(body.ClientSecretHash).toBe(hashSecret('changed-by-hand-0123456789'));
    wz.data.deleteClient('drift');
    expect((await get(one('drift'))).status).toBe(404);
  });

  test('service document and collections', async () => {
    const svc = await (await get(wz.odataUrl)).json();
    expect(svc.value.map((v: { name: string }) => v.name)).toEqual(['OAuthClients', 'Users']);
    await post(cpr('b'));
    await post(cpr('a'));
    const list = await (await get(clients())).json();
    expect(list.value.map((c: { ClientId: string }) => c.ClientId)).toEqual(['a', 'b']);
    const users = await (await get(`${wz.odataUrl}/Users`)).json();
    expect(users.value.map((u: { Initials: string }) => u.Initials)).toEqual(['CPRBATCHUSER', 'CVRBATCHUSER']);
  });
});

describe('WorkZone emulator: token endpoint', () => {
  let wz: WorkZoneEmulator;
  const SECRET = 'token-test-secret-0123456789';
  const token = (body: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(wz.tokenUrl, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(body).toString() });
  const clientBasic = (id: string, secret: string) => ({ Authorization: basic(encodeURIComponent(id), encodeURIComponent(secret)) });

  beforeAll(async () => {
    wz = await startWorkZoneEmulator();
    wz.data.createClient({ ...cpr('svc'), ClientSecret: SECRET } as never);
    wz.data.createClient({ ...cpr('off', { Enabled: false }), ClientSecret: SECRET } as never);
    wz.data.createClient({ ...cpr('web', { GrantType: 'AUTHCODE' }), ClientSecret: SECRET } as never);
    wz.data.createClient({ ...cpr('odd:id'), ClientSecret: 'p@ss:w rd+&=0123456789' } as never);
  });
  afterAll(() => wz.close());

  test('client credentials with HTTP Basic', async () => {
    const res = await token({ grant_type: 'client_credentials', scope: 'workzone' }, clientBasic('svc', SECRET));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.json();
    expect(body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, scope: 'workzone' });
  });

  test('client credentials with form post', async () => {
    const res = await token({ grant_type: 'client_credentials', client_id: 'svc', client_secret: SECRET });
    expect(res.status).toBe(200);
    expect((await res.json()).token_type).toBe('Bearer');
  });

  test('Basic credentials are form-urlencoded first (RFC 6749 §2.3.1)', async () => {
    const res = await token({ grant_type: 'client_credentials' }, clientBasic('odd:id', 'p@ss:w rd+&=0123456789'));
    expect(res.status).toBe(200);
  });

  test.each([
    ['wrong secret', 'svc', 'wrong-secret-0123456789'],
    ['unknown client', 'ghost', SECRET],
    ['disabled client', 'off', SECRET],
  ])('%s → 401 invalid_client', async (_what, id, secret) => {
    const viaBasic = await token({ grant_type: 'client_credentials' }, clientBasic(id, secret));
    expect(viaBasic.status).toBe(401);
    expect(viaBasic.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect(await viaBasic.json()).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
    const viaForm = await token({ grant_type: 'client_credentials', client_id: id, client_secret: secret });
    expect(viaForm.status).toBe(401);
    expect((await viaForm.json()).error).toBe('invalid_client');
  });

  test('grant types: unknown → unsupported_grant_type, not allowed → unauthorized_client', async () => {
    const unknown = await token({ grant_type: 'urn:x:foo' }, clientBasic('svc', SECRET));
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error).toBe('unsupported_grant_type');
    const password = await token({ grant_type: 'password', username: 'u', password: 'p' }, clientBasic('svc', SECRET));
    expect((await password.json()).error).toBe('unauthorized_client');
    const webClient = await token({ grant_type: 'client_credentials' }, clientBasic('web', SECRET));
    expect(webClient.status).toBe(400);
    expect((await webClient.json()).error).toBe('unauthorized_client');
  });

  test('malformed requests → invalid_request', async () => {
    const json = await fetch(wz.tokenUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect((await json.json()).error).toBe('invalid_request');
    const noGrant = await token({}, clientBasic('svc', SECRET));
    expect((await noGrant.json()).error).toBe('invalid_request');
    const both = await token({ grant_type: 'client_credentials', client_id: 'svc', client_secret: SECRET }, clientBasic('svc', SECRET));
    expect((await both.json()).error).toBe('invalid_request');
    const get = await fetch(wz.tokenUrl);
    expect(get.status).toBe(405);
    const noAuth = await token({ grant_type: 'client_credentials' });
    expect(noAuth.status).toBe(401);
  });

  test('a parameter given twice → invalid_request (RFC 6749 §3.2), even when both values are right', async () => {
    for (const body of [
      'grant_type=client_credentials&grant_type=client_credentials',
      'grant_type=client_credentials&grant_type=password',
      `grant_type=client_credentials&client_id=svc&client_id=svc&client_secret=${SECRET}`,
    ]) {
      const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded', ...(body.includes('client_id') ? {} : clientBasic('svc', SECRET)) };
      const res = await fetch(wz.tokenUrl, { method: 'POST', headers, body });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: 'invalid_request', error_description: expect.stringMatching(/^parameter "(grant_type|client_id)" is given more than once/) });
    }
  });

  test('a body over the limit → 413 in the OAuth error shape, not OData', async () => {
    const huge = `grant_type=client_credentials&scope=${'x'.repeat(5 * 1024 * 1024)}`;
    const res = await fetch(wz.tokenUrl, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...clientBasic('svc', SECRET) }, body: huge });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: 'invalid_request', error_description: expect.stringMatching(/larger than \d+ bytes/) });
  });

  test('injected faults on the token endpoint speak OAuth too', async () => {
    wz.faults.set({ errorRate: 1, errorStatus: 503, limit: 1 });
    const res = await token({ grant_type: 'client_credentials' }, clientBasic('svc', SECRET));
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: 'temporarily_unavailable', error_description: 'injected fault' });
    wz.faults.reset();
  });
});

describe('WorkZone emulator: persistence, paths, TLS-free options', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wz-emu-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('clients, users and ETags survive a restart; files hold no plaintext secret', async () => {
    const first = await startWorkZoneEmulator({ dataDir: dir, adminPassword: 'pw-one-0123456789' });
    const res = await fetch(`${first.odataUrl}/OAuthClients`, {
      method: 'POST',
      headers: { Authorization: basic(first.username, first.password), 'Content-Type': 'application/json' },
      body: JSON.stringify(cpr('persisted')),
    });
    const { ClientSecret: secret } = await res.json();
    const etag = res.headers.get('etag');
    first.data.putUser({ Id: '2002', Initials: 'JD', Name: 'Jane Doe', Active: false });
    await first.close();

    const files = fs.readdirSync(dir).sort();
    expect(files).toEqual(['oauth-clients.json', 'users.json']);
    const raw = fs.readFileSync(path.join(dir, 'oauth-clients.json'), 'utf8');
    expect(raw).not.toContain(secret);
    expect(raw).toContain(hashSecret(secret));
    expect(fs.statSync(path.join(dir, 'oauth-clients.json')).mode & 0o777).toBe(0o600);

    const second = await startWorkZoneEmulator({ dataDir: dir, adminPassword: 'pw-two-0123456789' });
    try {
      const auth = basic(second.username, second.password);
      const again = await fetch(`${second.odataUrl}/OAuthClients('persisted')`, { headers: { Authorization: auth } });
      expect(again.status).toBe(200);
      expect(again.headers.get('etag')).toBe(etag);
      expect((await fetch(`${second.odataUrl}/Users('JD')`, { headers: { Authorization: auth } })).status).toBe(200);
      const tok = await fetch(second.tokenUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'persisted', client_secret: secret }).toString(),
      });
      expect(tok.status).toBe(200);
    } finally {
      await second.close();
    }
  });

  test('a generated admin password is kept in the data directory: a restart keeps it', async () => {
    const first = await startWorkZoneEmulator({ dataDir: dir });
    const password = first.password;
    await first.close();
    expect(fs.statSync(path.join(dir, 'admin.json')).mode & 0o777).toBe(0o600);
    const second = await startWorkZoneEmulator({ dataDir: dir });
    try {
      expect(second.password).toBe(password);
      expect((await fetch(second.odataUrl, { headers: { Authorization: basic(second.username, password) } })).status).toBe(200);
    } finally {
      await second.close();
    }
    const inMemory = await startWorkZoneEmulator();
    await inMemory.close();
    expect(inMemory.password).not.toBe(password);
  });

  test('a corrupt data file fails start-up with a message naming the file', async () => {
    fs.writeFileSync(path.join(dir, 'oauth-clients.json'), '{not json');
    await expect(startWorkZoneEmulator({ dataDir: dir })).rejects.toThrow(/oauth-clients\.json \(the WorkZone emulator's OAuth clients\) is not valid JSON/);
  });

  test.each([
    ['oauth-clients.json', 'null', /\(the whole file\): expected object, found null/],
    ['oauth-clients.json', '{"seq":"5","clients":{}}', /seq: expected number, found a string/],
    ['oauth-clients.json', '{"seq":1,"clients":{"a":{"ClientId":"a"}}}', /clients\.a\.ClientName: expected string, found nothing \(missing\)/],
    ['users.json', '{"users":{"JD":{"Id":"1","Initials":"XX","Name":"J","Active":true}}}', /users\.JD: the user's Initials are "XX", not "JD"/],
    ['admin.json', '{}', /password: expected string, found nothing \(missing\)/],
    ['admin.json', '', /is empty/],
  ])('%s holding %s stops the start with the path, the problem and the fix; the file is left as it was', async (name, text, problem) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    const start = startWorkZoneEmulator({ dataDir: dir });
    await expect(start).rejects.toThrow(`data file ${file} (`);
    await expect(start).rejects.toThrow(problem);
    await expect(start).rejects.toThrow(/Fix it, or delete it: /);
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
    // The failed start released the data directory: with the file gone, the next start works.
    fs.rmSync(file);
    await (await startWorkZoneEmulator({ dataDir: dir })).close();
  });

  test('a create appends one journal line: the data file is not rewritten, whatever the number of clients', async () => {
    const wz = await startWorkZoneEmulator({ dataDir: dir });
    try {
      for (let i = 0; i < 200; i++) wz.data.createClient({ ...cpr(`client-${i}`), ClientSecret: 's3cret-0123456789' } as never);
      const snapshot = path.join(dir, 'oauth-clients.json');
      const journal = path.join(dir, 'oauth-clients.journal');
      const before = fs.statSync(snapshot);
      const journalBefore = fs.statSync(journal).size;
      const res = await fetch(`${wz.odataUrl}/OAuthClients`, {
        method: 'POST',
        headers: { Authorization: basic(wz.username, wz.password), 'Content-Type': 'application/json' },
        body: JSON.stringify(cpr('one-more')),
      });
      expect(res.status).toBe(201);
      const after = fs.statSync(snapshot);
      expect([after.ino, after.mtimeMs, after.size]).toEqual([before.ino, before.mtimeMs, before.size]);
      const appended = fs.readFileSync(journal).subarray(journalBefore).toString('utf8');
      expect(appended.split('\n')).toEqual([expect.stringContaining('"ClientId":"one-more"'), '']);
      expect(appended).not.toContain('client-1'); // only the change, not the data set
    } finally {
      await wz.close();
    }
    // Stopped: the data file alone holds every client, in the format it always had.
    expect(fs.readdirSync(dir).sort()).toEqual(['admin.json', 'oauth-clients.json', 'users.json']);
    expect(Object.keys(JSON.parse(fs.readFileSync(path.join(dir, 'oauth-clients.json'), 'utf8')).clients)).toHaveLength(201);
  });

  test('a second emulator on the same data directory is refused while the first runs', async () => {
    const first = await startWorkZoneEmulator({ dataDir: dir });
    try {
      await expect(startWorkZoneEmulator({ dataDir: dir })).rejects.toThrow(`data directory ${dir} is already in use by another emulator in this process`);
      expect(first.data.listClients()).toEqual([]); // the refused start wrote nothing
    } finally {
      await first.close();
    }
    await (await startWorkZoneEmulator({ dataDir: dir })).close();
  });

  test('configurable paths', async () => {
    const wz = await startWorkZoneEmulator({ paths: { odata: '/api/odata/', oauthClients: 'Clients', users: 'People', token: 'auth/token' } });
    try {
      expect(wz.tokenUrl).toBe(`${wz.url}/auth/token`);
      const auth = { Authorization: basic(wz.username, wz.password) };
      expect((await fetch(`${wz.url}/api/odata/People('CPRBATCHUSER')`, { headers: auth })).status).toBe(200);
      expect((await fetch(`${wz.url}/api/odata/Clients('x')`, { headers: auth })).status).toBe(404);
      expect((await fetch(`${wz.url}/odata/Users('CPRBATCHUSER')`, { headers: auth })).status).toBe(404);
    } finally {
      await wz.close();
    }
  });

  test('default admin password is random per start', async () => {
    const a = await startWorkZoneEmulator();
    const b = await startWorkZoneEmulator();
    try {
      expect(a.password).not.toBe(b.password);
      expect(a.password.length).toBeGreaterThanOrEqual(20);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
