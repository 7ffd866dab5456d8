/**
 * The WorkZone emulator's variants are servers, not flags: for each one the service document, `$metadata`,
 * the entity bodies, the discovery document and the token endpoint agree with each other.
 */
import { parseCsdl } from '../../../lib/doctor/csdl';
import { startWorkZoneEmulator, VARIANTS, type WorkZoneEmulator } from '../../../lib/emulators/workzone';
import { ClientModel, parseVariantFile, variantByName, VariantError } from '../../../lib/emulators/workzone/model';

const SECRET = 'variant-test-secret-0123456789';

describe.each(Object.keys(VARIANTS))('variant %s', (name) => {
  let wz: WorkZoneEmulator;
  const auth = () => ({ Authorization: `Basic ${Buffer.from(`${wz.username}:${wz.password}`).toString('base64')}` });
  const model = new ClientModel(VARIANTS[name]);
  const forbidden = VARIANTS[name].forbidden?.includes('oauthClients') ?? false;

  beforeAll(async () => {
    wz = await startWorkZoneEmulator({ variant: name });
  });
  afterAll(() => wz.close());

  test('the service document, $metadata and the entity bodies name the same sets and properties', async () => {
    expect(wz.variant).toBe(VARIANTS[name]);
    const service = await (await fetch(wz.odataUrl, { headers: auth() })).json();
    const res = await fetch(`${wz.odataUrl}/$metadata`, { headers: auth() });
    expect(res.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    expect(res.headers.get('odata-version')).toBe('4.0');
    const csdl = parseCsdl(await res.text());
    expect(service['@odata.context']).toBe(`${wz.odataUrl}/$metadata`);
    expect(service.value.map((s: { url: string }) => s.url)).toEqual([...csdl.entitySets.keys()]);
    const type = csdl.entityTypes.get(csdl.entitySets.get('OAuthClients')!.entityType)!;
    const readable = type.properties.filter((p) => !p.writeOnly).map((p) => p.name);

    const body: Record<string, unknown> = {};
    for (const p of model.properties) {
      if (p.access === 'read-only') continue;
      body[p.name] = { ClientId: 'agree', ClientName: 'Agree', GrantType: 'CLNTCRED', User: 'CPRBATCHUSER', ClientSecret: SECRET, Enabled: true }[p.field as string] ?? false;
    }
    expect(Object.keys(body).sort()).toEqual(type.properties.filter((p) => !p.computed).map((p) => p.name).sort());
    const created = await fetch(`${wz.odataUrl}/OAuthClients`, { method: 'POST', headers: { ...auth(), 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    if (forbidden) {
      expect(created.status).toBe(403);
      expect(await created.json()).toEqual({ error: { code: 'Forbidden', message: 'user "wzadmin" may not use OAuthClients: it lacks the access code for OAuth settings administration' } });
      expect((await fetch(`${wz.odataUrl}/Users('CPRBATCHUSER')`, { headers: auth() })).status).toBe(200);
      return;
    }
    expect(created.status).toBe(201);
    const entity = await (await fetch(`${wz.odataUrl}/OAuthClients('agree')`, { headers: auth() })).json();
    expect(Object.keys(entity).filter((k) => !k.startsWith('@odata.'))).toEqual(readable);
  });

  test('the discovery document names the token endpoint that grants tokens', async () => {
    const discovery = await fetch(`${wz.url}/.well-known/openid-configuration`);
    if (VARIANTS[name].discovery === false) {
      expect(discovery.status).toBe(404);
      return;
    }
    const doc = await discovery.json();
    expect(doc).toMatchObject({ issuer: wz.url, token_endpoint: wz.tokenUrl, token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'] });
    expect(doc.grant_types_supported).toContain('client_credentials');
    if (!forbidden) {
      const token = await fetch(doc.token_endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Basic ${Buffer.from(`agree:${SECRET}`).toString('base64')}` },
        body: 'grant_type=client_credentials',
      });
      expect(token.status).toBe(200);
    }
    if (wz.tokenUrl !== `${wz.url}/connect/token`) expect((await fetch(`${wz.url}/connect/token`, { method: 'POST' })).status).toBe(404);
  });
});

describe('a renamed property', () => {
  test('the old name is refused by name, the new one everywhere in the messages', async () => {
    const wz = await startWorkZoneEmulator({ variant: 'renamed-property' });
    try {
      const post = (body: Record<string, unknown>) =>
        fetch(`${wz.odataUrl}/OAuthClients`, {
          method: 'POST',
          headers: { Authorization: `Basic ${Buffer.from(`${wz.username}:${wz.password}`).toString('base64')}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ ClientId: 'x', ClientName: 'X', GrantType: 'CLNTCRED', User: 'CPRBATCHUSER', ...body }),
        });
      const old = await post({ AllowAccessTokensViaBrowser: false });
      expect(old.status).toBe(400);
      expect((await old.json()).error.message).toBe(
        'property AllowAccessTokensViaBrowser does not exist on OAuthClient; known: ClientId, ClientName, Enabled, AllowAccessTokenViaBrowser, AllowOfflineAccess, RequirePkce, GrantType, User, ClientSecret',
      );
      const wrongType = await post({ AllowAccessTokenViaBrowser: 'no' });
      expect((await wrongType.json()).error.message).toBe('property AllowAccessTokenViaBrowser must be a boolean (got "no")');
    } finally {
      await wz.close();
    }
  });
});

describe('variant names and files', () => {
  test('presets combine; the later wins where both say something', () => {
    const v = variantByName('odata-root, no-secret-hash,token-discovery-only');
    expect(v).toMatchObject({ name: 'odata-root,no-secret-hash,token-discovery-only', paths: { odata: '/api/odata', token: '/oauth/connect/token' }, omit: ['ClientSecretHash'] });
    expect(() => variantByName('')).toThrow(VariantError);
  });

  test('a file: fields checked, names refused when they would clash', () => {
    expect(parseVariantFile('{"rename":{"ClientName":"DisplayName"},"forbidden":["users"]}', 'v.json')).toEqual({
      name: 'v.json',
      description: 'from v.json',
      rename: { ClientName: 'DisplayName' },
      forbidden: ['users'],
    });
    expect(() => parseVariantFile('{"rename":{"ClientName":"ClientId"}}', 'v.json')).toThrow('variant v.json: two properties would be named ClientId');
    expect(() => parseVariantFile('{"paths":{"odata":"a b"}}', 'v.json')).toThrow('v.json is not a WorkZone emulator variant: paths.odata: must be a URL path such as /api/odata');
    expect(() => parseVariantFile('{"colour":"red"}', 'v.json')).toThrow('(the file): unknown "colour"; known: name, description, paths, rename, omit, forbidden, discovery');
    expect(() => parseVariantFile('nope', 'v.json')).toThrow('v.json is not JSON');
  });
});
