import { startWorkZoneEmulator, type WorkZoneEmulator } from '../../../lib/emulators/workzone';
import { DiagnosticError } from '../../../lib/providers/plugin/types';
import { hashClientSecret, WorkZoneClient, workZoneSettingsFromConfig, type WorkZoneSettings } from '../../../lib/providers/workzone/client';
import { CPR, fastHttp } from './fixtures';

async function diag(p: Promise<unknown>): Promise<DiagnosticError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(DiagnosticError);
    return err as DiagnosticError;
  }
  throw new Error('expected a DiagnosticError');
}

describe('WorkZoneClient against the emulator', () => {
  let wz: WorkZoneEmulator;
  let client: WorkZoneClient;
  const settings = (extra: Partial<WorkZoneSettings> = {}): WorkZoneSettings => ({ url: wz.url, username: wz.username, password: wz.password, retryMaxSeconds: 1, ...extra });

  beforeEach(async () => {
    wz = await startWorkZoneEmulator({ adminPassword: 'Admin-Pw-For-Tests-42' });
    client = new WorkZoneClient(settings(), { httpOptions: fastHttp });
  });
  afterEach(async () => {
    client.close();
    await wz.close();
  });

  test('create with a generated secret → read → update → delete', async () => {
    const created = await client.createClient({ client_id: 'cpr-update', ...CPR });
    expect(created.generatedSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.client).toEqual({ client_id: 'cpr-update', ...CPR, client_secret_hash: hashClientSecret(created.generatedSecret!) });

    const read = await client.getClient('cpr-update');
    expect(read).toEqual({ client: created.client, etag: created.etag });

    const { etag } = await client.updateClient('cpr-update', read!.etag, { enabled: false, client_name: 'Renamed' });
    expect(etag).not.toBe(read!.etag);
    const after = await client.getClient('cpr-update');
    expect(after!.client).toMatchObject({ enabled: false, client_name: 'Renamed' });
    expect(after!.etag).toBe(etag);

    expect(await client.deleteClient('cpr-update', etag)).toBe(true);
    expect(await client.getClient('cpr-update')).toBeNull();
    expect(await client.deleteClient('cpr-update')).toBe(false);
  });

  test('create with a supplied secret: no generated secret, hash matches; secret change via update', async () => {
    const created = await client.createClient({ client_id: 'own', ...CPR, client_secret: 'supplied-secret-0123456789' });
    expect(created.generatedSecret).toBeUndefined();
    expect(created.client.client_secret_hash).toBe(hashClientSecret('supplied-secret-0123456789'));
    await client.updateClient('own', created.etag, { client_secret: 'rotated-secret-0123456789' });
    expect((await client.getClient('own'))!.client.client_secret_hash).toBe(hashClientSecret('rotated-secret-0123456789'));
  });

  test('409 on create says import; 412 on a stale ETag says changed in WorkZone; 404 on update says deleted', async () => {
    const { etag } = await client.createClient({ client_id: 'dup', ...CPR });
    const dup = await diag(client.createClient({ client_id: 'dup', ...CPR }));
    expect(dup.summary).toBe('OAuth client "dup" already exists in WorkZone');
    expect(dup.detail).toMatch(/terraform import <resource address> dup/);
    expect(dup.attribute).toEqual(['client_id']);

    wz.data.updateClient('dup', { ClientName: 'Changed by hand' }); // drift
    const stale = await diag(client.updateClient('dup', etag, { enabled: false }));
    expect(stale.summary).toBe('OAuth client "dup" was changed in WorkZone since Terraform read it');

    wz.data.deleteClient('dup');
    const gone = await diag(client.updateClient('dup', '*', { enabled: false }));
    expect(gone.summary).toMatch(/no longer exists in WorkZone/);
  });

  test('an unknown user is a 400 pointing at the user attribute', async () => {
    const err = await diag(client.createClient({ client_id: 'x', ...CPR, user: 'GHOST' }));
    expect(err.summary).toBe('WorkZone rejected creating OAuth client "x"');
    expect(err.detail).toMatch(/GHOST.*\(UserNotFound\)/);
    expect(err.attribute).toEqual(['user']);
  });

  test('a body WorkZone finds too large (HTTP 413) says so, without the secret', async () => {
    const huge = 'Too-Long-Secret-'.repeat(2 * 1024 * 1024 / 16);
    const err = await diag(client.createClient({ client_id: 'huge', ...CPR, client_secret: huge }));
    expect(err.summary).toBe('WorkZone refused creating OAuth client "huge": the request is too large (HTTP 413)');
    expect(err.detail).toMatch(/limits the size of a request body; check the values sent, such as client_secret\.$/);
    expect(err.message).not.toContain('Too-Long-Secret');
  });

  test('getUser: seeded user, missing user', async () => {
    expect(await client.getUser('CPRBATCHUSER')).toEqual({ id: '1001', initials: 'CPRBATCHUSER', name: 'Captia CPR batch afvikler', active: true });
    expect(await client.getUser('NOBODY')).toBeNull();
  });

  test('wrong admin password → 401 message naming the settings, without the password', async () => {
    const bad = new WorkZoneClient(settings({ password: 'Wrong-Password-999' }), { httpOptions: fastHttp });
    const err = await diag(bad.getClient('x'));
    bad.close();
    expect(err.summary).toBe('WorkZone refused the credentials reading OAuth client "x" (HTTP 401)');
    expect(err.detail).toMatch(/check the provider's username\/password settings/i);
    expect(err.message).not.toContain('Wrong-Password-999');
  });

  test('a wrong OData path is an error naming the path settings, not a missing object', async () => {
    const bad = new WorkZoneClient(settings({ odataPath: '/not-odata' }), { httpOptions: fastHttp });
    const err = await diag(bad.getUser('CPRBATCHUSER'));
    expect(err.summary).toMatch(/no such API path/);
    expect(err.detail).toMatch(/"odata_path", "oauth_clients_path" and "users_path"/);
    const conn = await diag(bad.checkConnection());
    expect(conn.attribute).toEqual(['odata_path']);
    bad.close();
  });

  test('checkConnection: passes; names a wrong entity set or bad credentials', async () => {
    await expect(client.checkConnection()).resolves.toBeUndefined();
    const wrongSet = new WorkZoneClient(settings({ oauthClientsPath: 'OAuthClient' }), { httpOptions: fastHttp });
    const err = await diag(wrongSet.checkConnection());
    wrongSet.close();
    expect(err.summary).toBe(`WorkZone's OData service has no entity set "OAuthClient"`);
    expect(err.detail).toMatch(/"oauth_clients_path".*lists: OAuthClients, Users/);
    expect(err.attribute).toEqual(['oauth_clients_path']);
    const wrongPw = new WorkZoneClient(settings({ password: 'nope-nope' }), { httpOptions: fastHttp });
    expect((await diag(wrongPw.checkConnection())).summary).toMatch(/HTTP 401/);
    wrongPw.close();
  });

  test('custom paths and token url are honoured', async () => {
    const custom = await startWorkZoneEmulator({ paths: { odata: '/api/od', oauthClients: 'Clients', users: 'People', token: '/auth/tok' } });
    const c = new WorkZoneClient(
      { url: custom.url + '/', username: custom.username, password: custom.password, odataPath: 'api/od/', oauthClientsPath: '/Clients', usersPath: 'People', tokenUrl: custom.tokenUrl },
      { httpOptions: fastHttp },
    );
    try {
      expect(await c.getUser('CPRBATCHUSER')).not.toBeNull();
      const { generatedSecret } = await c.createClient({ client_id: "o'neil", ...CPR });
      expect((await c.getClient("o'neil"))!.client.client_id).toBe("o'neil");
      expect(await c.requestToken(undefined, "o'neil", generatedSecret!)).toMatchObject({ ok: true });
    } finally {
      c.close();
      await custom.close();
    }
  });

  test('requestToken: Basic and form auth succeed; refusals are results with RFC 6749 codes', async () => {
    const { generatedSecret } = await client.createClient({ client_id: 'svc', ...CPR });
    const secret = generatedSecret!;
    expect(await client.requestToken(wz.tokenUrl, 'svc', secret)).toEqual({ ok: true, tokenType: 'Bearer', expiresIn: 3600 });
    expect(await client.requestToken(undefined, 'svc', secret, 'form')).toEqual({ ok: true, tokenType: 'Bearer', expiresIn: 3600 });

    expect(await client.requestToken(undefined, 'svc', 'wrong-secret-0123456789')).toMatchObject({ ok: false, status: 401, error: 'invalid_client' });
    wz.data.updateClient('svc', { Enabled: false });
    expect(await client.requestToken(undefined, 'svc', secret)).toMatchObject({ ok: false, error: 'invalid_client' });
    wz.data.updateClient('svc', { Enabled: true, GrantType: 'AUTHCODE' });
    expect(await client.requestToken(undefined, 'svc', secret)).toMatchObject({ ok: false, status: 400, error: 'unauthorized_client' });
  });

  test('retries transient failures; gives up with a clear message', async () => {
    wz.faults.set({ errorRate: 1, errorStatus: 503, limit: 2 });
    expect(await client.getUser('CPRBATCHUSER')).not.toBeNull();

    wz.faults.set({ errorRate: 1, errorStatus: 503, limit: null });
    const err = await diag(client.getClient('x'));
    expect(err.summary).toBe('WorkZone did not answer reading OAuth client "x"');
    expect(err.detail).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/odata\/OAuthClients\('x'\) gave up after \d+ attempt\(s\) in [\d.]+ s; last: HTTP 503 Service Unavailable\. WorkZone is down or overloaded/);
  });

  test('a POST with an unknown outcome is not repeated and says to look before applying again', async () => {
    wz.faults.set({ dropRate: 1, limit: 1 });
    const err = await diag(client.createClient({ client_id: 'maybe', ...CPR, client_secret: 'Do-Not-Leak-Secret-123' }));
    expect(err.summary).toBe('The outcome is unknown: creating OAuth client "maybe"');
    expect(err.message).not.toContain('Do-Not-Leak-Secret-123');
    expect(wz.faults.counters.requests).toBe(1);
  });

  test('connection refused names the url setting', async () => {
    const url = wz.url;
    await wz.close();
    const c = new WorkZoneClient({ url, username: 'a', password: 'b', retryMaxSeconds: 0.3 }, { httpOptions: fastHttp });
    const err = await diag(c.getUser('X'));
    c.close();
    expect(err.summary).toBe('WorkZone is unreachable (reading WorkZone user "X")');
    expect(err.detail).toMatch(/refused every connection for 0\.3 s .*connection refused \(ECONNREFUSED\).*\. Check the provider setting "url" and that WorkZone is running\.$/);
    expect(err.attribute).toEqual(['url']);
    wz = await startWorkZoneEmulator(); // for afterEach
  });
});

describe('WorkZoneClient settings', () => {
  test('bad url and credentials in the url are refused naming the setting', () => {
    expect(() => new WorkZoneClient({ url: 'not a url', username: 'a', password: 'b' })).toThrow(/"url" must be an http\(s\) URL/);
    expect(() => new WorkZoneClient({ url: 'https://u:p@h', username: 'a', password: 'b' })).toThrow(/must not contain credentials/);
    // Typed, not matched on text: the HTTP layer names the setting at fault.
    expect(() => new WorkZoneClient({ url: 'https://h', username: 'a', password: 'b', caFile: '/missing.pem' })).toThrow(
      expect.objectContaining({ summary: 'Invalid WorkZone provider setting ca_file', attribute: ['ca_file'], detail: expect.stringContaining('cannot read the CA file /missing.pem') }),
    );
    expect(() => new WorkZoneClient({ url: 'https://h', username: 'a', password: 'b', retryMaxSeconds: -1 })).toThrow(
      expect.objectContaining({ summary: 'Invalid WorkZone provider setting retry_max_seconds', attribute: ['retry_max_seconds'] }),
    );
  });

  test('workZoneSettingsFromConfig maps schema names and names what is missing', () => {
    expect(
      workZoneSettingsFromConfig({ url: 'https://wz', username: 'u', password: 'p', odata_path: '/odata', oauth_clients_path: 'OAuthClients', users_path: 'Users', token_url: null, ca_file: null, insecure_skip_verify: false, request_timeout_seconds: 30, retry_max_seconds: 120 }),
    ).toEqual({ url: 'https://wz', username: 'u', password: 'p', odataPath: '/odata', oauthClientsPath: 'OAuthClients', usersPath: 'Users', tokenUrl: undefined, caFile: undefined, insecureSkipVerify: false, requestTimeoutSeconds: 30, retryMaxSeconds: 120 });
    let err: DiagnosticError | undefined;
    try {
      workZoneSettingsFromConfig({ url: 'https://wz', username: 'u', password: null });
    } catch (e) {
      err = e as DiagnosticError;
    }
    expect(err?.summary).toBe('Missing WorkZone setting "password"');
    expect(err?.detail).toMatch(/WORKZONE_PASSWORD/);
    expect(err?.attribute).toEqual(['password']);
  });
});
