/**
 * What the WorkZone emulator exposes, and how: the OAuthClient properties with their names on the wire,
 * the paths, the discovery document and the admin user's rights. The default is the contract of
 * docs/workzone-api.md; a variant is a server that differs from it on purpose (another OData root, a
 * renamed or missing property, a token endpoint found only by discovery, a user without the right), so
 * that `workzone-cpr doctor` and the provider can be tested against a WorkZone that does not match.
 *
 * The emulator keeps its own statement of the model (it is a server, not a copy of the provider's table):
 * the doctor's run against the default emulator is what shows the two agree.
 */
import { z } from 'zod';
import { CLIENT_PROPERTIES, type StoredProperty } from './data';

/** The stored fields of a client, plus the write-only secret: the server's own model (data.ts). */
export const CLIENT_FIELDS = Object.keys(CLIENT_PROPERTIES) as [keyof typeof CLIENT_PROPERTIES, ...(keyof typeof CLIENT_PROPERTIES)[]];
export type ClientField = (typeof CLIENT_FIELDS)[number];

export interface ClientProperty {
  readonly field: ClientField;
  /** The OData property name this server uses. */
  readonly name: string;
  readonly type: 'string' | 'boolean';
  /** write-only: accepted, never returned (the secret); read-only: returned, refused in bodies. */
  readonly access: 'read-write' | 'write-only' | 'read-only';
  readonly key?: true;
  /** Null allowed in the entity (the hash of a client without secret). */
  readonly nullable?: true;
  readonly maxLength?: number;
}

/** The contract's properties: the model under its own names. */
const DEFAULT_PROPERTIES: readonly ClientProperty[] = Object.entries(CLIENT_PROPERTIES).map(([field, p]: [string, StoredProperty]) => ({
  field: field as ClientField,
  name: field,
  type: p.type,
  access: p.writeOnly ? 'write-only' : p.readOnly ? 'read-only' : 'read-write',
  ...(p.key && { key: true }),
  ...(p.nullable && { nullable: true }),
  ...(p.maxLength !== undefined && { maxLength: p.maxLength }),
}));

/** How a variant differs from the assumed contract. Everything left out is as in docs/workzone-api.md. */
export interface WorkZoneVariant {
  /** `default`, a preset name, a comma-separated list of presets, or the name given in a variant file. */
  readonly name: string;
  readonly description: string;
  /** Paths of this server (the OData root, the token endpoint, the entity set names). */
  readonly paths?: { readonly odata?: string; readonly token?: string; readonly oauthClients?: string; readonly users?: string };
  /** Properties this server names differently: stored field → OData name. */
  readonly rename?: Readonly<Partial<Record<ClientField, string>>>;
  /** Properties this server does not have. */
  readonly omit?: readonly ClientField[];
  /** Entity sets the admin user may not use: 403, as for a user without the access code for OAuth settings. */
  readonly forbidden?: readonly ('oauthClients' | 'users')[];
  /** Publishes `/.well-known/openid-configuration` (IdentityServer does by default). @default true */
  readonly discovery?: boolean;
}

export const DEFAULT_VARIANT: WorkZoneVariant = { name: 'default', description: 'the contract of docs/workzone-api.md' };

/** The variants tests and users can start by name (`workzone-cpr emulators --workzone-variant NAME`). */
export const VARIANTS: Readonly<Record<string, WorkZoneVariant>> = {
  default: DEFAULT_VARIANT,
  'odata-root': {
    name: 'odata-root',
    description: 'OData served at /api/odata instead of /odata (set odata_path)',
    paths: { odata: '/api/odata' },
  },
  'renamed-property': {
    name: 'renamed-property',
    description: 'AllowAccessTokensViaBrowser is named AllowAccessTokenViaBrowser, as on the Configurator form (a wire table change)',
    rename: { AllowAccessTokensViaBrowser: 'AllowAccessTokenViaBrowser' },
  },
  'no-secret-hash': {
    name: 'no-secret-hash',
    description: 'no ClientSecretHash property: secrets are checked at the token endpoint instead',
    omit: ['ClientSecretHash'],
  },
  'token-discovery-only': {
    name: 'token-discovery-only',
    description: 'the token endpoint is /oauth/connect/token, found only through /.well-known/openid-configuration',
    paths: { token: '/oauth/connect/token' },
  },
  'no-discovery': {
    name: 'no-discovery',
    description: 'no /.well-known/openid-configuration: the token endpoint is the default /connect/token',
    discovery: false,
  },
  'no-admin-right': {
    name: 'no-admin-right',
    description: 'the admin user authenticates but may not use OAuthClients (403), as without the access code for OAuth settings',
    forbidden: ['oauthClients'],
  },
};

export class VariantError extends Error {}

/** One or more presets by name (`odata-root,no-secret-hash`), combined; an unknown name lists the known ones. */
export function variantByName(spec: string): WorkZoneVariant {
  const names = spec.split(',').map((n) => n.trim()).filter((n) => n !== '');
  if (names.length === 0) throw new VariantError(`no variant named; known: ${Object.keys(VARIANTS).join(', ')}`);
  const parts = names.map((n) => {
    const v = Object.prototype.hasOwnProperty.call(VARIANTS, n) ? VARIANTS[n] : undefined;
    if (!v) throw new VariantError(`unknown variant ${JSON.stringify(n.slice(0, 60))}; known: ${Object.keys(VARIANTS).join(', ')}, or a JSON file (see docs/workzone-api.md)`);
    return v;
  });
  if (parts.length === 1) return parts[0];
  return combine(names.join(','), parts);
}

function combine(name: string, parts: readonly WorkZoneVariant[]): WorkZoneVariant {
  const merged: { -readonly [K in keyof WorkZoneVariant]: WorkZoneVariant[K] } = { name, description: parts.map((p) => p.description).join('; ') };
  for (const p of parts) {
    if (p.paths) merged.paths = { ...merged.paths, ...p.paths };
    if (p.rename) merged.rename = { ...merged.rename, ...p.rename };
    if (p.omit) merged.omit = [...(merged.omit ?? []), ...p.omit];
    if (p.forbidden) merged.forbidden = [...(merged.forbidden ?? []), ...p.forbidden];
    if (p.discovery === false) merged.discovery = false;
  }
  return checkVariant(merged);
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const path = z.string().regex(/^\/?[A-Za-z0-9._~!$&'()*+,;=:@/-]*$/, 'must be a URL path such as /api/odata');
const setName = z.string().regex(NAME, 'must be an OData identifier such as OAuthClients');

/** The shape of a variant file: `{"name": "...", "paths": {...}, "rename": {...}, "omit": [...], "forbidden": [...], "discovery": false}`. */
const variantFileSchema = z.strictObject({
  name: z.string().min(1).max(60).optional(),
  description: z.string().max(300).optional(),
  paths: z.strictObject({ odata: path.optional(), token: path.optional(), oauthClients: setName.optional(), users: setName.optional() }).optional(),
  rename: z.partialRecord(z.enum(CLIENT_FIELDS), z.string().regex(NAME, 'must be an OData identifier such as AllowAccessTokenViaBrowser')).optional(),
  omit: z.array(z.enum(CLIENT_FIELDS)).optional(),
  forbidden: z.array(z.enum(['oauthClients', 'users'])).optional(),
  discovery: z.boolean().optional(),
});

/** A variant from the text of a JSON file; errors name the field and the file. */
export function parseVariantFile(text: string, file: string): WorkZoneVariant {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new VariantError(`${file} is not JSON: ${(err as Error).message}`);
  }
  const parsed = variantFileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const where = i.path.length ? i.path.join('.') : '(the file)';
      if (i.code !== 'unrecognized_keys') return `${where}: ${i.message}`;
      const shape = (i.path.length ? variantFileSchema.shape[i.path[0] as keyof typeof variantFileSchema.shape] : variantFileSchema) as unknown;
      const known = i.path[0] === 'rename' ? CLIENT_FIELDS : Object.keys((unwrap(shape) as { shape?: object }).shape ?? {});
      return `${where}: unknown ${i.keys.map((k) => JSON.stringify(k.slice(0, 60))).join(', ')}; known: ${known.join(', ')}`;
    });
    throw new VariantError(`${file} is not a WorkZone emulator variant: ${problems.join('; ')}`);
  }
  const { name, description, ...rest } = parsed.data;
  return checkVariant({ name: name ?? file, description: description ?? `from ${file}`, ...rest });
}

/** The object schema inside an optional one. */
function unwrap(schema: unknown): unknown {
  const inner = (schema as { unwrap?: () => unknown }).unwrap;
  return typeof inner === 'function' ? inner.call(schema) : schema;
}

/** Refuses variants no server could serve: no key, two properties with one name. */
function checkVariant(v: WorkZoneVariant): WorkZoneVariant {
  if (v.omit?.includes('ClientId')) throw new VariantError(`variant ${v.name}: ClientId is the key and cannot be omitted`);
  const names = new ClientModel(v).properties.map((p) => p.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new VariantError(`variant ${v.name}: two properties would be named ${twice}`);
  return v;
}

/** The OAuthClient entity as a variant exposes it. */
export class ClientModel {
  /** Exposed properties in document order, with this server's names. */
  readonly properties: readonly ClientProperty[];
  private readonly byWireName: ReadonlyMap<string, ClientProperty>;

  constructor(variant: WorkZoneVariant = DEFAULT_VARIANT) {
    const omitted = new Set(variant.omit ?? []);
    this.properties = DEFAULT_PROPERTIES.filter((p) => !omitted.has(p.field)).map((p) => ({ ...p, name: variant.rename?.[p.field] ?? p.name }));
    this.byWireName = new Map(this.properties.map((p) => [p.name, p]));
  }

  /** The property with this OData name (own names only: "constructor" finds nothing). */
  property(name: string): ClientProperty | undefined {
    return this.byWireName.get(name);
  }

  /** The OData name of a field (for messages); a field the variant omits keeps its stored name. */
  nameOf(field: ClientField): string {
    return this.properties.find((p) => p.field === field)?.name ?? field;
  }

  has(field: ClientField): boolean {
    return this.properties.some((p) => p.field === field);
  }
}
