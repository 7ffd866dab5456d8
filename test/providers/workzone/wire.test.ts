/**
 * The wire tables (lib/providers/workzone/wire.ts) against the schema, and the mapping the client does
 * through them (entity.ts): names, JSON types, read-only and write-only properties.
 */
import { CLIENT_PROPERTIES, SEED_USERS, type StoredProperty } from '../../../lib/emulators/workzone/data';
import { fromEntity, reportedOf, toEntity } from '../../../lib/providers/workzone/entity';
import { OAUTH_CLIENT_SETTINGS } from '../../../lib/providers/workzone/client';
import { OAUTH_CLIENT_WIRE, USER_WIRE, type EdmType, type WireProperty } from '../../../lib/providers/workzone/wire';
import type { AttributeType, BlockSchema } from '../../../lib/schemas/types';
import { workzoneSchema } from '../../../lib/schemas/workzone';

const SCHEMA_TYPE: Record<EdmType, AttributeType> = { 'Edm.String': 'string', 'Edm.Boolean': 'bool', 'Edm.Int32': 'number', 'Edm.Int64': 'number' };
const invalid = (property: string, expected: string) => new Error(`${property} is missing or not ${expected}`);

const tables: [string, Record<string, WireProperty>, BlockSchema, string[]][] = [
  ['OAuthClients', OAUTH_CLIENT_WIRE, workzoneSchema.resources.workzone_oauth_client, ['client_secret_hash']],
  ['Users', USER_WIRE, workzoneSchema.dataSources.workzone_user, []],
];
describe.each(tables)('%s wire table', (_set, table, block, notAttributes) => {
  test('every entry is an attribute of the schema (or a named exception) with the same type', () => {
    for (const [name, p] of Object.entries(table)) {
      if (notAttributes.includes(name)) {
        expect(block.attributes[name]).toBeUndefined();
        continue;
      }
      expect({ name, type: block.attributes[name]?.type }).toEqual({ name, type: SCHEMA_TYPE[p.type] });
    }
  });

  test('property names are unique', () => {
    const names = Object.values(table).flatMap((p) => [p.property, ...(p.aliases ?? [])]);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('the emulator models what the tables say (the emulator is our executable statement of the contract)', () => {
  const JSON_TYPE: Record<EdmType, string> = { 'Edm.String': 'string', 'Edm.Boolean': 'boolean', 'Edm.Int32': 'number', 'Edm.Int64': 'number' };

  test('OAuthClients: the same properties, JSON types, key, read-only and write-only ones', () => {
    const emulated = Object.entries(CLIENT_PROPERTIES as Record<string, StoredProperty>).map(([property, p]) => ({
      property,
      type: p.type,
      key: p.key === true,
      readOnly: p.readOnly === true,
      writeOnly: p.writeOnly === true,
    }));
    const wired = Object.values(OAUTH_CLIENT_WIRE as Record<string, WireProperty>).map((p) => ({
      property: p.property,
      type: JSON_TYPE[p.type],
      key: p.key === true,
      readOnly: p.readOnly === true,
      writeOnly: p.writeOnly === true,
    }));
    const byName = (a: { property: string }, b: { property: string }) => a.property.localeCompare(b.property);
    expect(emulated.sort(byName)).toEqual(wired.sort(byName));
  });

  test('Users: the seeded user carries every property of the table, of its type', () => {
    for (const user of SEED_USERS) {
      for (const p of Object.values(USER_WIRE as Record<string, WireProperty>)) expect({ [p.property]: typeof (user as unknown as Record<string, unknown>)[p.property] }).toEqual({ [p.property]: JSON_TYPE[p.type] });
    }
  });
});

describe('OAuthClient mapping', () => {
  const settings = {
    client_name: 'Contact update - CPR',
    enabled: true,
    allow_access_token_via_browser: false,
    allow_offline_access: false,
    require_pkce: true,
    grant_type: 'CLNTCRED',
    user: 'CPRBATCHUSER',
  };

  test('the settings are the table entries that are sent and read back: neither key nor secret nor hash', () => {
    expect(OAUTH_CLIENT_SETTINGS).toEqual(Object.keys(settings));
    expect(reportedOf(OAUTH_CLIENT_WIRE, workzoneSchema.resources.workzone_oauth_client)).toEqual(['client_id', ...Object.keys(settings)]);
  });

  /** The same client on the wire. */
  const entity = {
    ClientId: 'a',
    ClientName: 'Contact update - CPR',
    Enabled: true,
    AllowAccessTokensViaBrowser: false,
    AllowOfflineAccess: false,
    RequirePkce: true,
    GrantType: 'CLNTCRED',
    User: 'CPRBATCHUSER',
  };

  test('to the wire: each attribute under its property; undefined ones left out; read-only ones refused', () => {
    expect(toEntity(OAUTH_CLIENT_WIRE, { client_id: 'a', ...settings, client_secret: 's' })).toEqual({ ...entity, ClientSecret: 's' });
    expect(toEntity(OAUTH_CLIENT_WIRE, { enabled: false, client_secret: undefined })).toEqual({ Enabled: false });
    expect(() => toEntity(OAUTH_CLIENT_WIRE, { client_secret_hash: 'h' } as never)).toThrow('client_secret_hash is not a writable property');
  });

  const body = { '@odata.etag': 'W/"1"', ...entity, ClientSecretHash: null, ClientSecret: 'never read back' };

  test('from the wire: by attribute; write-only properties never read; the optional hash may be null or missing', () => {
    expect(fromEntity(OAUTH_CLIENT_WIRE, body, invalid)).toEqual({ client_id: 'a', ...settings, client_secret_hash: null });
    const { ClientSecretHash: _, ...withoutHash } = body;
    expect(fromEntity(OAUTH_CLIENT_WIRE, withoutHash, invalid)).toEqual({ client_id: 'a', ...settings, client_secret_hash: undefined });
  });

  test.each([
    [{ RequirePkce: 'false' }, 'RequirePkce is missing or not a boolean'],
    [{ RequirePkce: undefined }, 'RequirePkce is missing or not a boolean'],
    [{ ClientName: null }, 'ClientName is missing or not a string'],
    [{ ClientSecretHash: 42 }, 'ClientSecretHash is missing or not a string or null'],
  ])('a property of another type or missing is an error naming it: %j', (change, message) => {
    expect(() => fromEntity(OAUTH_CLIENT_WIRE, { ...body, ...change }, invalid)).toThrow(message);
  });
});

describe('User mapping', () => {
  test('the id may come as a number or as ID; Active may be missing', () => {
    expect(fromEntity(USER_WIRE, { ID: 1001, Initials: 'X', Name: 'Y' }, invalid)).toEqual({ id: '1001', initials: 'X', name: 'Y', active: undefined });
    expect(fromEntity(USER_WIRE, { Id: 'u1', Initials: 'X', Name: 'Y', Active: false }, invalid)).toEqual({ id: 'u1', initials: 'X', name: 'Y', active: false });
    expect(() => fromEntity(USER_WIRE, { Initials: 'X', Name: 'Y' }, invalid)).toThrow('Id is missing or not a string');
  });
});
