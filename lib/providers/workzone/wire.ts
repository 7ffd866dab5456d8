/**
 * WorkZone's names on the wire: the OData properties the provider sends and reads, by schema attribute.
 * KMD documents no API for OAuth clients (docs/workzone-api.md): every name here is assumed from the
 * Configurator form and IdentityServer's client model. When a real WorkZone (or `workzone-cpr doctor`)
 * shows another name, the fix is one line here; the client, the emulator's model check and the doctor
 * read this table.
 */

/** The OData (CSDL) primitive types we rely on. */
export type EdmType = 'Edm.String' | 'Edm.Boolean' | 'Edm.Int32' | 'Edm.Int64';

export interface WireProperty {
  /** OData property name. */
  readonly property: string;
  readonly type: EdmType;
  /** The entity key (GET/PATCH/DELETE by key). */
  readonly key?: boolean;
  /** Sent, never read back (a secret WorkZone stores hashed). */
  readonly writeOnly?: boolean;
  /** Read, never sent. */
  readonly readOnly?: boolean;
  /** The provider works without it (with less: e.g. no drift detection of secrets); read as undefined when missing or null. */
  readonly optional?: boolean;
  /** Null is a value of its own (ClientSecretHash: the client has no secret). */
  readonly nullable?: boolean;
  /** Other names read when `property` is missing (spellings seen on other servers). */
  readonly aliases?: readonly string[];
  /** An Edm.String also read from a JSON number (a numeric key, Edm.Int32), as its decimal text. */
  readonly numberAsString?: boolean;
}

/** Entity set `oauth_clients_path` (default `OAuthClients`): one OAuth client of Configurator > Global > OAuth settings. */
export const OAUTH_CLIENT_WIRE = {
  client_id: { property: 'ClientId', type: 'Edm.String', key: true },
  client_name: { property: 'ClientName', type: 'Edm.String' },
  enabled: { property: 'Enabled', type: 'Edm.Boolean' },
  allow_access_token_via_browser: { property: 'AllowAccessTokensViaBrowser', type: 'Edm.Boolean' },
  allow_offline_access: { property: 'AllowOfflineAccess', type: 'Edm.Boolean' },
  require_pkce: { property: 'RequirePkce', type: 'Edm.Boolean' },
  grant_type: { property: 'GrantType', type: 'Edm.String' },
  user: { property: 'User', type: 'Edm.String' },
  client_secret: { property: 'ClientSecret', type: 'Edm.String', writeOnly: true },
  /** base64(SHA-256(secret)), IdentityServer's stored form; without it only the token endpoint can check a secret. */
  client_secret_hash: { property: 'ClientSecretHash', type: 'Edm.String', readOnly: true, optional: true, nullable: true },
} as const satisfies Record<string, WireProperty>;

/** Entity set `users_path` (default `Users`): the user a client acts as, looked up by initials. */
export const USER_WIRE = {
  id: { property: 'Id', type: 'Edm.String', key: true, readOnly: true, aliases: ['ID'], numberAsString: true },
  initials: { property: 'Initials', type: 'Edm.String', readOnly: true },
  name: { property: 'Name', type: 'Edm.String', readOnly: true },
  active: { property: 'Active', type: 'Edm.Boolean', readOnly: true, optional: true },
} as const satisfies Record<string, WireProperty>;
