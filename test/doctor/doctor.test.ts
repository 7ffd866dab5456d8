/**
 * The doctor (lib/doctor) against the WorkZone emulator and each of its variants, and against KMD Logic's:
 * the default holds everywhere; each variant's difference is found, named, and the setting or wire table
 * change it suggests is the right one (running again with the setting holds).
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { ASSUMPTIONS } from '../../lib/doctor/assumptions';
import { runDoctor, type DoctorReport } from '../../lib/doctor';
import { tokenServer, AZURE_AD_TOKEN_URL } from '../../lib/doctor/kmdlogic';
import type { KmdLogicDoctorSettings, WorkZoneDoctorSettings } from '../../lib/doctor/settings';
import { createCertificateAuthority } from '../../lib/emulators/common/tls';
import { startKmdLogicEmulator, type KmdLogicEmulator } from '../../lib/emulators/kmdlogic';
import { startWorkZoneEmulator, type WorkZoneEmulator, type WorkZoneEmulatorOptions } from '../../lib/emulators/workzone';
import { OAUTH_CLIENT_WIRE } from '../../lib/providers/workzone/wire';
import { KMDLOGIC_TOKEN_URL } from '../../lib/schemas/kmdlogic';

jest.setTimeout(60_000);

const running: { close(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(running.map((r) => r.close()));
});

async function emulator(options: WorkZoneEmulatorOptions = {}): Promise<WorkZoneEmulator> {
  const wz = await startWorkZoneEmulator(options);
  running.push(wz);
  return wz;
}

const settingsFor = (wz: WorkZoneEmulator, extra: Partial<WorkZoneDoctorSettings> = {}): WorkZoneDoctorSettings => ({
  url: wz.url,
  username: wz.username,
  password: wz.password,
  user: 'CPRBATCHUSER',
  retryMaxSeconds: 2,
  ...extra,
});

const doctor = (workzone: WorkZoneDoctorSettings, write = false, kmdlogic?: KmdLogicDoctorSettings) => runDoctor({ settings: { workzone, ...(kmdlogic && { kmdlogic }) }, write });
const outcomes = (r: DoctorReport) => Object.fromEntries(r.results.map((l) => [l.id, l.outcome]));
const line = (r: DoctorReport, id: string) => r.results.find((l) => l.id === id)!;
const notHolding = (r: DoctorReport) => r.results.filter((l) => l.outcome !== 'holds').map((l) => `${l.id}: ${l.outcome}`);

describe('doctor against the default WorkZone emulator', () => {
  test('read-only: every assumption holds but those that need --write; exit 0', async () => {
    const wz = await emulator();
    const report = await doctor(settingsFor(wz));
    const checked = ASSUMPTIONS.filter((a) => a.service === 'workzone' && a.checked !== false).map((a) => a.id);
    expect(report.results.map((l) => l.id)).toEqual(checked);
    expect(notHolding(report)).toEqual(['generated-secret: skipped', 'secret-not-shown: skipped', 'round-trip: skipped']);
    expect(report.summary.exitCode).toBe(0);
    expect(report.settings).toEqual([]);
    expect(report.wire).toEqual([]);
    expect(wz.data.listClients()).toEqual([]); // nothing was created
  });

  test('--write: the round trip holds too, and leaves nothing behind', async () => {
    const wz = await emulator();
    const report = await doctor(settingsFor(wz), true);
    expect(notHolding(report)).toEqual([]);
    expect(line(report, 'round-trip').summary).toMatch(
      /^disposable client workzone-cpr-doctor-[0-9a-f]{12}: create \(201\), read \(200, ETag\), token \(200\), update \(204, If-Match\), stale update \(412\), delete \(204\), gone \(404\)$/,
    );
    expect(line(report, 'secret-hash').summary).toBe('ClientSecretHash is base64(SHA-256) of the secret: the provider sees a secret changed in WorkZone');
    expect(wz.data.listClients()).toEqual([]);
  });
});

describe('doctor against the variants', () => {
  test('odata-root: found at /api/odata, odata_path named; with it, everything holds', async () => {
    const wz = await emulator({ variant: 'odata-root' });
    const report = await doctor(settingsFor(wz), true);
    expect(notHolding(report)).toEqual(['odata-root: differs']);
    expect(line(report, 'odata-root').summary).toBe(`no OData service at ${wz.url}/odata (answered HTTP 404); found one at ${wz.url}/api/odata`);
    expect(report.settings).toEqual([{ provider: 'workzone', name: 'odata_path', value: '/api/odata', required: true }]);
    expect(report.summary.exitCode).toBe(1);

    const again = await doctor(settingsFor(wz, { odataPath: report.settings[0].value }), true);
    expect(notHolding(again)).toEqual([]);
    expect(again.summary.exitCode).toBe(0);
  });

  test('renamed-property: the property is found under its near name, with the wire.ts entry to change', async () => {
    const wz = await emulator({ variant: 'renamed-property' });
    const report = await doctor(settingsFor(wz), true);
    expect(notHolding(report)).toEqual(['oauth-client-properties: fails', 'generated-secret: skipped', 'secret-not-shown: skipped', 'round-trip: fails']);
    expect(line(report, 'oauth-client-properties').details).toEqual(['AllowAccessTokensViaBrowser is missing; present as AllowAccessTokenViaBrowser (1 letter apart)']);
    expect(report.wire).toEqual([
      { table: 'OAUTH_CLIENT_WIRE', entry: 'allow_access_token_via_browser', from: 'AllowAccessTokensViaBrowser', to: 'AllowAccessTokenViaBrowser', why: '1 letter apart' },
    ]);
    // The entry named is the one that holds that name, in the table the provider reads.
    const { entry, from } = report.wire[0];
    expect(OAUTH_CLIENT_WIRE[entry as keyof typeof OAUTH_CLIENT_WIRE].property).toBe(from);
    expect(readFileSync(join(__dirname, '../../lib/providers/workzone/wire.ts'), 'utf8')).toContain(`${entry}: { property: '${from}'`);
    // The round trip fails the way the provider would, and leaves nothing behind.
    expect(line(report, 'round-trip').details![0]).toContain('property AllowAccessTokensViaBrowser does not exist on OAuthClient');
    expect(wz.data.listClients()).toEqual([]);
    expect(report.summary.exitCode).toBe(1);
  });

  test('no-secret-hash: missing, and the provider adapts (token endpoint); exit 0', async () => {
    const wz = await emulator({ variant: 'no-secret-hash' });
    const report = await doctor(settingsFor(wz), true);
    expect(notHolding(report)).toEqual(['secret-hash: adapts']);
    expect(line(report, 'secret-hash').summary).toBe('ClientSecretHash (Edm.String) is missing: the provider checks secrets at the token endpoint instead');
    expect(report.summary.exitCode).toBe(0);
  });

  test('token-discovery-only: the endpoint found by discovery, an optional token_url; a token_url set to the default is corrected', async () => {
    const wz = await emulator({ variant: 'token-discovery-only' });
    const report = await doctor(settingsFor(wz), true);
    expect(notHolding(report)).toEqual(['token-endpoint: adapts']);
    expect(line(report, 'token-endpoint').summary).toBe(`${wz.url}/oauth/connect/token (from the discovery document) is an OAuth token endpoint (an unknown client gets HTTP 401 invalid_client)`);
    expect(report.settings).toEqual([{ provider: 'workzone', name: 'token_url', value: `${wz.url}/oauth/connect/token`, required: false }]);
    expect(report.summary.exitCode).toBe(0);

    const pinnedWrong = await doctor(settingsFor(wz, { tokenUrl: `${wz.url}/connect/token` }));
    expect(outcomes(pinnedWrong)['token-endpoint']).toBe('differs');
    expect(pinnedWrong.settings).toEqual([{ provider: 'workzone', name: 'token_url', value: `${wz.url}/oauth/connect/token`, required: true }]);
    expect(pinnedWrong.summary.exitCode).toBe(1);
  });

  test('no-discovery: the default endpoint answers; the grant types cannot be read (--write gets a token)', async () => {
    const wz = await emulator({ variant: 'no-discovery' });
    const report = await doctor(settingsFor(wz));
    expect(notHolding(report)).toEqual(['identityserver: adapts', 'generated-secret: skipped', 'secret-not-shown: skipped', 'round-trip: skipped', 'client-credentials: skipped']);
    expect(line(report, 'token-endpoint').summary).toMatch(/\/connect\/token \(from the default\) is an OAuth token endpoint/);
    const written = await doctor(settingsFor(wz), true);
    expect(notHolding(written)).toEqual(['identityserver: adapts']);
  });

  test('no-admin-right: 403 told apart from 401, the right named; no round trip', async () => {
    const wz = await emulator({ variant: 'no-admin-right' });
    const report = await doctor(settingsFor(wz), true);
    expect(outcomes(report)['basic-auth']).toBe('holds');
    expect(line(report, 'admin-right')).toMatchObject({
      outcome: 'fails',
      summary: 'user "wzadmin" may not use OAuthClients (HTTP 403)',
      details: [
        'Give the user the access code for OAuth settings administration (e.g. OAUTH2ADM), or use another admin user.',
        'WorkZone said: user "wzadmin" may not use OAuthClients: it lacks the access code for OAuth settings administration',
      ],
    });
    expect(outcomes(report)['round-trip']).toBe('skipped');
    expect(report.summary.exitCode).toBe(1);
  });
});

describe('doctor: the user, and a round trip that fails half way', () => {
  test('another user (--user) that does not exist fails, naming how to fix it', async () => {
    const wz = await emulator();
    const report = await doctor(settingsFor(wz, { user: 'NOBODY' }));
    expect(line(report, 'cpr-user')).toMatchObject({ outcome: 'fails', summary: 'WorkZone has no user NOBODY' });
    wz.data.putUser({ Id: '7', Initials: 'NOBODY', Name: 'Not active', Active: false });
    expect(line(await doctor(settingsFor(wz, { user: 'NOBODY' })), 'cpr-user')).toMatchObject({ outcome: 'fails', summary: 'user NOBODY exists (Not active) but is not active' });
  });

  test('an update that fails on the server: the step is named, and the disposable client is removed', async () => {
    const wz = await emulator();
    const update = jest.spyOn(wz.data, 'updateClient').mockImplementation(() => {
      throw new Error('disk full');
    });
    const cleanup: string[] = [];
    try {
      const report = await runDoctor({ settings: { workzone: settingsFor(wz) }, write: true, events: { cleanup: (m) => cleanup.push(m) } });
      expect(line(report, 'round-trip')).toMatchObject({ outcome: 'fails', summary: '"update" failed after: create (201), read (200, ETag), token (200)' });
      expect(line(report, 'round-trip').details![0]).toMatch(/^The outcome is unknown: updating OAuth client "workzone-cpr-doctor-[0-9a-f]{12}"/);
      expect(cleanup).toEqual([expect.stringMatching(/^removed the disposable client workzone-cpr-doctor-[0-9a-f]{12}$/)]);
      expect(wz.data.listClients()).toEqual([]);
    } finally {
      update.mockRestore();
    }
  });
});

describe('doctor: connecting and authenticating (exit 2)', () => {
  test('wrong credentials: 401, blocked, the settings named; nothing behind it checked', async () => {
    const wz = await emulator();
    const report = await doctor(settingsFor(wz, { password: 'Not-The-Password-42' }));
    expect(line(report, 'basic-auth')).toMatchObject({
      outcome: 'blocked',
      summary: 'WorkZone refused the credentials of user "wzadmin" (HTTP 401)',
      details: ['Check username (WORKZONE_USERNAME, --username) and password (WORKZONE_PASSWORD).', 'WorkZone said: wrong user name or password'],
    });
    expect(outcomes(report)['oauth-client-properties']).toBe('skipped');
    expect(report.summary.exitCode).toBe(2);
  });

  test('nothing listening: unreachable, url named', async () => {
    const wz = await startWorkZoneEmulator();
    const url = wz.url;
    await wz.close();
    const report = await doctor({ url, username: 'u', password: 'p-0123456789', user: 'CPRBATCHUSER', retryMaxSeconds: 1 });
    expect(line(report, 'reachable')).toMatchObject({ outcome: 'blocked', summary: 'WorkZone is unreachable' });
    expect(line(report, 'reachable').details![0]).toContain('refused every connection');
    expect(line(report, 'reachable').details![1]).toBe('Check url (WORKZONE_URL, --url), that WorkZone is running, and that this machine may reach it (proxy, firewall).');
    expect(notHolding(report).filter((l) => !l.endsWith(': skipped'))).toEqual(['reachable: blocked']);
    expect(report.summary.exitCode).toBe(2);
  });

  test('an untrusted certificate names ca_file; with the CA file everything holds', async () => {
    const ca = createCertificateAuthority();
    const wz = await emulator({ tls: ca.issueServerCertificate(['127.0.0.1']) });
    const refused = await doctor(settingsFor(wz));
    expect(line(refused, 'reachable')).toMatchObject({ outcome: 'blocked', summary: "WorkZone's TLS certificate is not trusted" });
    expect(line(refused, 'reachable').details![1]).toBe('Set ca_file (WORKZONE_CA_FILE, --ca-file) to the PEM file of the CA that issued it (or, for tests only, insecure_skip_verify (--insecure-skip-verify)).');
    expect(refused.summary.exitCode).toBe(2);

    const caFile = join(mkdtempSync(join(tmpdir(), 'doctor-ca-')), 'ca.pem');
    writeFileSync(caFile, ca.certPem);
    const trusted = await doctor(settingsFor(wz, { caFile }));
    expect(line(trusted, 'reachable').summary).toBe(`WorkZone answers at ${wz.url} over HTTPS with a trusted certificate`);
    expect(trusted.summary.exitCode).toBe(0);
  });
});

/**
 * A server in the shape WCF Data Services (on which WorkZone's OData builds) answers in: OData v3, an Atom
 * service document, v3 CSDL, its own names. Just enough to be read; written for this test.
 */
async function wcfDataServices(): Promise<{ url: string; server: Server }> {
  const metadata = readFileSync(join(__dirname, 'fixtures/wcf-data-services-v3.xml'), 'utf8');
  const server = createServer((req, res) => {
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'Content-Type': type, DataServiceVersion: '3.0;' });
      res.end(body);
    };
    if (!req.headers.authorization) return send(401, 'text/plain', 'unauthorized');
    const path = (req.url ?? '').split('?')[0];
    if (path === '/odata') {
      return send(
        200,
        'application/atomsvc+xml;charset=utf-8',
        `<service xml:base="http://${req.headers.host}/odata/" xmlns="http://www.w3.org/2007/app" xmlns:atom="http://www.w3.org/2005/Atom"><workspace><atom:title>Default</atom:title><collection href="OAuth2Clients"><atom:title>OAuth2Clients</atom:title></collection><collection href="Users"><atom:title>Users</atom:title></collection></workspace></service>`,
      );
    }
    if (path === '/odata/$metadata') return send(200, 'application/xml;charset=utf-8', metadata);
    if (path.startsWith('/odata/OAuth2Clients')) return send(200, 'application/atom+xml', '<feed xmlns="http://www.w3.org/2005/Atom"/>');
    return send(404, 'text/html', '<html>Not Found</html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  running.push({ close: () => new Promise((resolve) => server.close(() => resolve())) });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('doctor against an OData v3 (WCF Data Services) server', () => {
  test('the version, the set under a near name, the key, the properties and the missing hash are all named', async () => {
    const { url } = await wcfDataServices();
    const report = await doctor({ url, username: 'admin', password: 'Admin-Password-1', user: 'CPRBATCHUSER', retryMaxSeconds: 1 });
    const o = outcomes(report);
    expect(o['odata-root']).toBe('holds');
    expect(line(report, 'odata-v4')).toMatchObject({ outcome: 'fails', summary: 'WorkZone speaks OData 3.0 (AtomPub XML, version header 3.0); the provider speaks OData v4 JSON' });
    expect(line(report, 'oauth-clients-set')).toMatchObject({
      outcome: 'fails',
      summary: 'no entity set OAuthClients; OAuth2Clients is listed (1 letter apart); entity type Example.WcfDataServices.OAuth2Client, keyed by ID, not by ClientId',
      settings: { oauth_clients_path: 'OAuth2Clients' },
    });
    expect(line(report, 'oauth-client-properties').details).toEqual([
      'AllowAccessTokensViaBrowser is missing; present as AllowAccessTokenViaBrowser (1 letter apart)',
      'GrantType is Edm.Int32, not Edm.String',
    ]);
    expect(line(report, 'secret-hash').outcome).toBe('adapts');
    expect(line(report, 'etag').summary).toBe('changes need ETags (ConcurrencyMode="Fixed" over Version)');
    expect(line(report, 'users-set')).toMatchObject({ outcome: 'fails', summary: expect.stringContaining('keyed by ID, not by Initials') });
    expect(report.summary.exitCode).toBe(1);
  });
});

describe('doctor: KMD Logic', () => {
  let logic: KmdLogicEmulator;
  let wz: WorkZoneEmulator;
  const logicSettings = (extra: Partial<KmdLogicDoctorSettings> = {}): KmdLogicDoctorSettings => ({
    clientId: logic.clientId,
    clientSecret: logic.clientSecret,
    tokenUrl: logic.tokenUrl,
    apiUrl: logic.url,
    scope: logic.scope,
    retryMaxSeconds: 2,
    subscriptionId: logic.subscriptionId,
    productId: logic.productId,
    ...extra,
  });
  beforeAll(async () => {
    logic = await startKmdLogicEmulator();
    running.push(logic);
    wz = await emulator();
  });

  test('a token, the subscription, the product among its configurations, its provider value', async () => {
    const report = await doctor(settingsFor(wz), false, logicSettings());
    expect(report.results.filter((l) => l.service === 'kmdlogic').map((l) => [l.id, l.outcome])).toEqual([
      ['logic-token', 'holds'],
      ['logic-subscription', 'holds'],
      ['logic-product', 'holds'],
      ['logic-provider-value', 'holds'],
    ]);
    expect(line(report, 'logic-token').summary).toBe(`${logic.tokenUrl}, another server (${new URL(logic.tokenUrl).host}) issued a Bearer token for 3600 s`);
    expect(line(report, 'logic-product').summary).toBe(`product id ${logic.productId} is CPR configuration "CPR update (seeded)" (Test)`);
    expect(report.summary.exitCode).toBe(0);
  });

  test('a wrong secret is blocked (exit 2) and names both token servers', async () => {
    const report = await doctor(settingsFor(wz), false, logicSettings({ clientSecret: '00000000-0000-0000-0000-000000000000' }));
    expect(line(report, 'logic-token')).toMatchObject({ outcome: 'blocked', summary: expect.stringContaining(`refused client_id ${logic.clientId} with its secret (HTTP 401 invalid_client)`) });
    expect(line(report, 'logic-token').details![1]).toContain(`${KMDLOGIC_TOKEN_URL} (B2C, the default) and ${AZURE_AD_TOKEN_URL} (Azure AD)`);
    expect(report.summary.exitCode).toBe(2);
  });

  test('a product id that is no configuration fails, listing the configurations', async () => {
    const report = await doctor(settingsFor(wz), false, logicSettings({ productId: '11111111-2222-3333-4444-555555555555' }));
    expect(line(report, 'logic-product')).toMatchObject({ outcome: 'fails', details: [`Its configurations: ${logic.productId} (CPR update (seeded)).`, expect.any(String)] });
    expect(report.summary.exitCode).toBe(1);
  });

  test('which token server a URL is', () => {
    expect(tokenServer(KMDLOGIC_TOKEN_URL)).toBe("KMD Logic Identity (Azure AD B2C, KMD's default)");
    expect(tokenServer(`${KMDLOGIC_TOKEN_URL}?issuer=b2clogin.com&tenant=159`)).toBe("KMD Logic Identity (Azure AD B2C, KMD's default) with query parameters issuer, tenant");
    expect(tokenServer(AZURE_AD_TOKEN_URL)).toBe('Azure AD (tenant logicidentityprod.onmicrosoft.com)');
    expect(tokenServer('https://logicidentityprod.b2clogin.com/x/oauth2/v2.0/token')).toBe('Azure AD B2C at logicidentityprod.b2clogin.com');
  });
});
