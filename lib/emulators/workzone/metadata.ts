/**
 * The documents a WorkZone server publishes about itself, written from the emulator's model (model.ts), so
 * that what they say and what the routes do cannot disagree:
 * - `$metadata`: the OData v4 CSDL (XML) of the service: entity types, keys, property types, the
 *   optimistic concurrency (ETag) annotation of the OAuth clients set;
 * - `/.well-known/openid-configuration`: the discovery document IdentityServer publishes (token endpoint,
 *   grant types, client authentication methods).
 */
import type { ClientModel } from './model';

/** The namespace of the emulator's CSDL schema. */
export const SCHEMA_NAMESPACE = 'WorkZone.OAuth';

const EDM_TYPES = { string: 'Edm.String', boolean: 'Edm.Boolean' } as const;

const xmlAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/** The CSDL of the service: OAuthClient and User, their entity sets named as this server names them. */
export function metadataDocument(model: ClientModel, sets: { readonly oauthClients: string; readonly users: string }): string {
  const key = model.properties.filter((p) => p.key).map((p) => `<PropertyRef Name="${xmlAttr(p.name)}"/>`);
  const properties = model.properties.map((p) => {
    const facets = `${p.key || !p.nullable ? ' Nullable="false"' : ''}${p.maxLength ? ` MaxLength="${p.maxLength}"` : ''}`;
    // The vocabulary says who may write and read: the hash is computed by the server, the secret is never read back.
    const annotation =
      p.access === 'read-only'
        ? '<Annotation Term="Core.Computed" Bool="true"/>'
        : p.access === 'write-only'
          ? '<Annotation Term="Core.Permissions"><EnumMember>Core.Permission/Write</EnumMember></Annotation>'
          : '';
    const name = `Name="${xmlAttr(p.name)}" Type="${EDM_TYPES[p.type]}"${facets}`;
    return annotation ? `<Property ${name}>${annotation}</Property>` : `<Property ${name}/>`;
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">',
    '  <edmx:Reference Uri="https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml">',
    '    <edmx:Include Namespace="Org.OData.Core.V1" Alias="Core"/>',
    '  </edmx:Reference>',
    '  <edmx:DataServices>',
    `    <Schema Namespace="${SCHEMA_NAMESPACE}" xmlns="http://docs.oasis-open.org/odata/ns/edm">`,
    '      <EntityType Name="OAuthClient">',
    `        <Key>${key.join('')}</Key>`,
    ...properties.map((p) => `        ${p}`),
    '      </EntityType>',
    '      <EntityType Name="User">',
    '        <Key><PropertyRef Name="Initials"/></Key>',
    '        <Property Name="Id" Type="Edm.String" Nullable="false"/>',
    '        <Property Name="Initials" Type="Edm.String" Nullable="false"/>',
    '        <Property Name="Name" Type="Edm.String" Nullable="false"/>',
    '        <Property Name="Active" Type="Edm.Boolean" Nullable="false"/>',
    '      </EntityType>',
    '      <EntityContainer Name="WorkZoneService">',
    `        <EntitySet Name="${xmlAttr(sets.oauthClients)}" EntityType="${SCHEMA_NAMESPACE}.OAuthClient">`,
    // An empty collection: ETags are required for changes, computed by the server from its change counter.
    '          <Annotation Term="Core.OptimisticConcurrency"><Collection/></Annotation>',
    '        </EntitySet>',
    `        <EntitySet Name="${xmlAttr(sets.users)}" EntityType="${SCHEMA_NAMESPACE}.User"/>`,
    '      </EntityContainer>',
    '    </Schema>',
    '  </edmx:DataServices>',
    '</edmx:Edmx>',
    '',
  ].join('\n');
}

/** IdentityServer's discovery document, reduced to what a client-credentials client needs. */
export function discoveryDocument(base: string, tokenPath: string, grantTypes: readonly string[]): Record<string, unknown> {
  return {
    issuer: base,
    token_endpoint: `${base}${tokenPath}`,
    grant_types_supported: [...grantTypes],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    scopes_supported: [],
    claims_supported: [],
  };
}
