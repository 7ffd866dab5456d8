/** `$metadata` as the doctor reads it (lib/doctor/csdl.ts): OData v4 and the WCF Data Services dialect of v1-v3. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CsdlError, parseCsdl } from '../../lib/doctor/csdl';
import { ClientModel, VARIANTS } from '../../lib/emulators/workzone/model';
import { metadataDocument } from '../../lib/emulators/workzone/metadata';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

describe('parseCsdl', () => {
  test("the WorkZone emulator's v4 document: sets, key, properties, permissions, ETags", () => {
    const model = parseCsdl(metadataDocument(new ClientModel(), { oauthClients: 'OAuthClients', users: 'Users' }));
    expect(model.odataVersion).toBe('4.0');
    expect([...model.entitySets.keys()]).toEqual(['OAuthClients', 'Users']);
    expect(model.entitySets.get('OAuthClients')).toEqual({
      name: 'OAuthClients',
      entityType: 'WorkZone.OAuth.OAuthClient',
      concurrency: { declared: true, how: 'Core.OptimisticConcurrency', properties: [] },
    });
    expect(model.entitySets.get('Users')!.concurrency).toEqual({ declared: false, properties: [] });
    const client = model.entityTypes.get('WorkZone.OAuth.OAuthClient')!;
    expect(client.key).toEqual(['ClientId']);
    expect(client.properties.map((p) => `${p.name}:${p.type}${p.nullable ? '?' : ''}${p.computed ? ' computed' : ''}${p.writeOnly ? ' write-only' : ''}`)).toEqual([
      'ClientId:Edm.String',
      'ClientName:Edm.String',
      'Enabled:Edm.Boolean',
      'AllowAccessTokensViaBrowser:Edm.Boolean',
      'AllowOfflineAccess:Edm.Boolean',
      'RequirePkce:Edm.Boolean',
      'GrantType:Edm.String',
      'User:Edm.String',
      'ClientSecret:Edm.String write-only',
      'ClientSecretHash:Edm.String? computed',
    ]);
    expect(model.entityTypes.get('WorkZone.OAuth.User')!.key).toEqual(['Initials']);
  });

  test('a variant says what it serves: the renamed property, the missing hash', () => {
    const renamed = parseCsdl(metadataDocument(new ClientModel(VARIANTS['renamed-property']), { oauthClients: 'OAuthClients', users: 'Users' }));
    const names = renamed.entityTypes.get('WorkZone.OAuth.OAuthClient')!.properties.map((p) => p.name);
    expect(names).toContain('AllowAccessTokenViaBrowser');
    expect(names).not.toContain('AllowAccessTokensViaBrowser');
    const noHash = parseCsdl(metadataDocument(new ClientModel(VARIANTS['no-secret-hash']), { oauthClients: 'Clients', users: 'Users' }));
    expect(noHash.entityTypes.get('WorkZone.OAuth.OAuthClient')!.properties.map((p) => p.name)).not.toContain('ClientSecretHash');
    expect([...noHash.entitySets.keys()]).toEqual(['Clients', 'Users']);
  });

  test('WCF Data Services (OData v3): the version, inherited key and properties, ConcurrencyMode="Fixed" as ETags', () => {
    const model = parseCsdl(fixture('wcf-data-services-v3.xml'));
    expect(model.odataVersion).toBe('3.0');
    expect(model.entitySets.get('OAuth2Clients')).toEqual({
      name: 'OAuth2Clients',
      entityType: 'Example.WcfDataServices.OAuth2Client',
      concurrency: { declared: true, how: 'ConcurrencyMode="Fixed"', properties: ['Version'] },
    });
    const client = model.entityTypes.get('Example.WcfDataServices.OAuth2Client')!;
    expect(client.key).toEqual(['ID']);
    expect(client.properties.slice(0, 3).map((p) => p.name)).toEqual(['ID', 'Version', 'ClientId']);
  });

  test('aliases of schemas and vocabularies, annotations apart from their targets, collections of aliased types', () => {
    const model = parseCsdl(fixture('aliased-v4.xml'));
    expect(model.odataVersion).toBe('4.01');
    expect(model.entitySets.get('Clients')).toEqual({
      name: 'Clients',
      entityType: 'Example.Identity.Model.Client',
      concurrency: { declared: true, how: 'Core.OptimisticConcurrency', properties: ['Stamp'] },
    });
    const client = model.entityTypes.get('Example.Identity.Model.Client')!;
    expect(client.properties.map((p) => [p.name, p.type, p.computed])).toEqual([
      ['Stamp', 'Edm.Binary', false],
      ['clientId', 'Edm.String', false],
      ['Secrets', 'Collection(Example.Identity.Model.Secret)', false],
      ['SecretHash', 'Edm.String', true],
    ]);
  });

  test('what is not CSDL is refused, saying what it is', () => {
    expect(() => parseCsdl('<html><body>Sign in</body></html>')).toThrow(new CsdlError('the document is not CSDL: its root element is <html>, not <edmx:Edmx>'));
    expect(() => parseCsdl('<edmx:Edmx xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx" Version="4.0"/>')).toThrow('the CSDL document has no <edmx:DataServices>');
    expect(() =>
      parseCsdl(
        '<edmx:Edmx xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx" Version="4.0"><edmx:DataServices><Schema Namespace="N" xmlns="http://docs.oasis-open.org/odata/ns/edm"><EntityType Name="A" BaseType="N.B"/><EntityType Name="B" BaseType="N.A"/></Schema></edmx:DataServices></edmx:Edmx>',
      ),
    ).toThrow('entity type N.A inherits from itself (N.A → N.B → N.A)');
  });
});
