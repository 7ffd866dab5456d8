/**
 * What this project assumes about a real WorkZone and KMD Logic, and how `workzone-cpr doctor` checks each:
 * one list, from which the doctor's report lines come and which the tables of docs/workzone-api.md and
 * docs/kmdlogic-api.md show (test/doctor/assumptions-doc.test.ts keeps the documents equal to
 * `assumptionTable`). Add an assumption here, with its check, before the code relies on it.
 */

export type Service = 'workzone' | 'kmdlogic';

/** confirmed: stated by public material; likely: strongly suggested; assumed: our guess; installation: differs per site. */
export type Status = 'confirmed' | 'likely' | 'assumed' | 'installation';

export interface Assumption {
  readonly id: string;
  readonly service: Service;
  /** What is assumed, as the contract documents say it (Markdown). */
  readonly item: string;
  readonly status: Status;
  /** Qualifies the status, e.g. "for data-dictionary entities". */
  readonly statusNote?: string;
  /** Where the statement comes from, or the setting that adapts it (Markdown). */
  readonly source: string;
  /** How the doctor checks it (Markdown); `checked: false` ones say why they are not. */
  readonly check: string;
  /** Whether the doctor checks it: always, only with --write, or not at all. */
  readonly checked: 'read-only' | 'write' | false;
}

export const ASSUMPTIONS: readonly Assumption[] = [
  // WorkZone: reaching it.
  {
    id: 'reachable',
    service: 'workzone',
    item: 'WorkZone answers at `url` over HTTPS with a certificate this machine trusts',
    status: 'installation',
    source: 'settings `url`, `ca_file`',
    check: 'The first request (the service document): a refused connection, an unknown host, a timeout or an untrusted certificate is reported with the setting to fix; exit status 2.',
    checked: 'read-only',
  },
  {
    id: 'basic-auth',
    service: 'workzone',
    item: 'HTTP Basic authentication for admin calls',
    status: 'assumed',
    source: 'settings `username`, `password`',
    check: 'The service document with the credentials: `401` is wrong credentials (exit status 2), told apart from `403` (a missing right); `WWW-Authenticate` shows which schemes WorkZone asks for (Windows authentication alone does not fit).',
    checked: 'read-only',
  },
  {
    id: 'odata-root',
    service: 'workzone',
    item: 'WorkZone exposes OData at `<url>/odata`',
    status: 'confirmed',
    statusNote: 'for data-dictionary entities, WCF Data Services',
    source: 'WorkZone OData documentation; setting `odata_path`',
    check: 'A service document at the configured root; when there is none, the doctor tries `/odata`, `/OData`, `/api/odata`, `/odata/v4` and the path of `url` itself, and names the `odata_path` (or `url`) that fits.',
    checked: 'read-only',
  },
  {
    id: 'odata-v4',
    service: 'workzone',
    item: 'The OData protocol is version 4 (JSON bodies, `OData-Version: 4.0`, `@odata.etag`)',
    status: 'assumed',
    source: 'OData v4 Protocol; WCF Data Services, on which WorkZone builds, speaks versions 1 to 3',
    check: 'The version the service document, its `OData-Version` / `DataServiceVersion` header and `$metadata` declare.',
    checked: 'read-only',
  },
  {
    id: 'admin-right',
    service: 'workzone',
    item: 'The admin user may administer OAuth clients',
    status: 'installation',
    source: "the user's access codes (the one for OAuth settings, e.g. `OAUTH2ADM`)",
    check: 'A read of one OAuth client (`<clients>?$top=1`): `403` names the missing right.',
    checked: 'read-only',
  },
  // WorkZone: the OAuth clients.
  {
    id: 'client-fields',
    service: 'workzone',
    item: 'The fields of an OAuth client (Client ID, name, Enabled, Allow access token via browser, Allow offline access, Require PKCE, grant type, client secret, user)',
    status: 'confirmed',
    source: 'Configurator > Global > OAuth settings > Add form',
    check: 'Not checked itself (it is the form); their OData names are, under `oauth-client-properties`.',
    checked: false,
  },
  {
    id: 'identityserver',
    service: 'workzone',
    item: "The OAuth server follows IdentityServer's client model (hashed secrets, AllowedGrantTypes, RequirePkce, a discovery document)",
    status: 'likely',
    source: 'field-for-field match',
    check: 'The discovery document IdentityServer publishes at `<url>/.well-known/openid-configuration`: found, and what it says.',
    checked: 'read-only',
  },
  {
    id: 'oauth-clients-set',
    service: 'workzone',
    item: 'An OData entity set `OAuthClients` keyed by the client id',
    status: 'assumed',
    source: 'setting `oauth_clients_path`',
    check: 'The service document lists it; `$metadata` gives its entity type and key. A missing set is looked for by near name and by its properties, and the `oauth_clients_path` that fits is named.',
    checked: 'read-only',
  },
  {
    id: 'oauth-client-properties',
    service: 'workzone',
    item: 'The OAuthClient properties and types of the table below',
    status: 'assumed',
    source: '`lib/providers/workzone/wire.ts`',
    check: 'Each property of the wire table against the entity type in `$metadata`: present, missing, of another type, or present under a near name (with the `wire.ts` entry to change).',
    checked: 'read-only',
  },
  {
    id: 'secret-hash',
    service: 'workzone',
    item: '`ClientSecretHash` (read-only, SHA-256, base64, IdentityServer\'s `Sha256()`)',
    status: 'assumed',
    source: 'lets the provider see a secret changed outside Terraform; without it the provider asks the token endpoint',
    check: 'Present in `$metadata` as `Edm.String`; with `--write`, equal to base64(SHA-256) of the secret.',
    checked: 'read-only',
  },
  {
    id: 'etag',
    service: 'workzone',
    item: 'Changes are guarded by ETags (optimistic concurrency)',
    status: 'assumed',
    source: 'OData v4 Protocol §11.4.1.1',
    check: '`$metadata` declares `Core.OptimisticConcurrency` on the set (v4) or `ConcurrencyMode="Fixed"` properties (v1-v3); with `--write`, a stale `If-Match` is refused with `412`.',
    checked: 'read-only',
  },
  {
    id: 'generated-secret',
    service: 'workzone',
    item: 'WorkZone generates a secret when none is posted and returns it once in the `201` body',
    status: 'assumed',
    source: 'mirrors the form\'s "generate" button',
    check: 'With `--write`: a client created without a secret comes back with one, which gets a token.',
    checked: 'write',
  },
  {
    id: 'secret-not-shown',
    service: 'workzone',
    item: 'The secret is never shown again after saving',
    status: 'confirmed',
    source: 'same form',
    check: 'With `--write`: the client read back carries no secret.',
    checked: 'write',
  },
  {
    id: 'round-trip',
    service: 'workzone',
    item: 'Status codes, ETag and error body shapes',
    status: 'assumed',
    statusNote: 'OData v4 conventions',
    source: 'OData v4 Protocol §8, §11.4',
    check: 'With `--write`: a disposable client is created (`201`), read (`200` with an ETag), updated with a new secret (`204`), deleted (`204`) and is gone (`404` with an OData error), all with the provider\'s own client.',
    checked: 'write',
  },
  {
    id: 'grant-codes',
    service: 'workzone',
    item: 'Grant type codes other than `CLNTCRED` (`AUTHCODE`, `HYBRID`, `IMPLICIT`, `PASSWORD`)',
    status: 'assumed',
    source: 'only used by the emulator to test refusals',
    check: 'Not checked: the provider only ever sends `CLNTCRED`.',
    checked: false,
  },
  // WorkZone: users.
  {
    id: 'users-set',
    service: 'workzone',
    item: 'An entity set `Users` keyed by initials',
    status: 'assumed',
    source: 'setting `users_path`',
    check: 'The service document lists it; the key and properties of its entity type in `$metadata` against the wire table.',
    checked: 'read-only',
  },
  {
    id: 'cpr-user',
    service: 'workzone',
    item: 'Grant type code `CLNTCRED` = client credentials; user `CPRBATCHUSER` ("Captia CPR batch afvikler")',
    status: 'confirmed',
    source: 'WorkZone CPR update module set-up guide',
    check: 'The user (`CPRBATCHUSER`, or `--user`) is read by key and is active; with `--write`, a `CLNTCRED` client acting as that user gets a token.',
    checked: 'read-only',
  },
  // WorkZone: the token endpoint.
  {
    id: 'token-endpoint',
    service: 'workzone',
    item: 'Token endpoint at `<url>/connect/token` (IdentityServer default)',
    status: 'assumed',
    source: 'IdentityServer convention; setting `token_url`, else the discovery document',
    check: "The endpoint the provider would use (`token_url`, else the discovery document's `token_endpoint`, else the default) answers a token request for an unknown client the OAuth way (`invalid_client`).",
    checked: 'read-only',
  },
  {
    id: 'client-credentials',
    service: 'workzone',
    item: 'The token endpoint grants `client_credentials` to a client authenticated with HTTP Basic (`client_secret_basic`)',
    status: 'assumed',
    source: 'RFC 6749 §2.3.1, §4.4',
    check: "The discovery document's `grant_types_supported` and `token_endpoint_auth_methods_supported`; with `--write`, a real token.",
    checked: 'read-only',
  },
  // KMD Logic.
  {
    id: 'logic-token',
    service: 'kmdlogic',
    item: 'A token from `token_url` for the client credential (client credentials grant, form post, `scope`)',
    status: 'confirmed',
    source: 'KMD\'s token provider `Kmd.Logic.Identity.Authorization` 2.1.0-3.0.0',
    check: 'A token request with the given credentials; reports which server answered (KMD Logic Identity (B2C), Azure AD, or another) and the issuer of the token.',
    checked: 'read-only',
  },
  {
    id: 'logic-subscription',
    service: 'kmdlogic',
    item: '`GET /subscriptions/{subscriptionId}/cpr/configurations` lists the subscription\'s CPR configurations',
    status: 'confirmed',
    source: 'KMD Logic CPR Service API v1.2.1 (swagger)',
    check: 'The list call with the token, through the provider\'s own client (given `--kmdlogic-subscription-id`).',
    checked: 'read-only',
  },
  {
    id: 'logic-product',
    service: 'kmdlogic',
    item: 'The "Product ID" of the CPR update module is a CPR configuration id',
    status: 'assumed',
    source: 'not defined in public material',
    check: 'The product id (given `--kmdlogic-product-id`) among the subscription\'s configurations.',
    checked: 'read-only',
  },
  {
    id: 'logic-provider-value',
    service: 'kmdlogic',
    item: 'A data-distributor configuration has `provider` = `DataDistributor`',
    status: 'assumed',
    source: 'the swagger types `provider` as a string only',
    check: "The `provider` of the product's configuration, and the values the subscription's configurations carry.",
    checked: 'read-only',
  },
];

export const assumption = (id: string): Assumption => {
  const found = ASSUMPTIONS.find((a) => a.id === id);
  if (!found) throw new Error(`no assumption ${id}`);
  return found;
};

const STATUS_TEXT: Record<Status, string> = { confirmed: '**confirmed**', likely: '**likely**', assumed: 'assumed', installation: 'per installation' };

/** The Markdown table of one service's assumptions, as the contract documents show it. */
export function assumptionTable(service: Service): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const rows = ASSUMPTIONS.filter((a) => a.service === service).map(
    (a) => `| ${cell(a.item)} | ${STATUS_TEXT[a.status]}${a.statusNote ? ` (${cell(a.statusNote)})` : ''} | ${cell(a.source)} | \`${a.id}\`: ${cell(a.check)} |`,
  );
  return ['| item | status | source | how `workzone-cpr doctor` checks it |', '|---|---|---|---|', ...rows].join('\n');
}
