/**
 * OAuthClient entity bodies: validation of POST/PATCH bodies (400s that name the property) and the JSON
 * view of a stored client. The view never contains a secret.
 */
import { HttpError } from '../common/server';
import { GRANT_TYPES, type ClientChange, type GrantType, type StoredClient } from './data';

const bad = (message: string) => new HttpError(400, 'BadRequest', message);

const WRITABLE = {
  ClientId: 'string',
  ClientName: 'string',
  Enabled: 'boolean',
  AllowAccessTokensViaBrowser: 'boolean',
  AllowOfflineAccess: 'boolean',
  RequirePkce: 'boolean',
  GrantType: 'string',
  User: 'string',
  ClientSecret: 'string',
} as const;
const READ_ONLY = new Set(['ClientSecretHash']);

export type ClientBody = ClientChange & { ClientId?: string };

/** Checks types, unknown and read-only properties, and value rules. `@odata.*` annotations are ignored. */
export function parseClientBody(input: unknown): ClientBody {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw bad('request body must be a JSON object (an OAuthClient entity)');
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (key.startsWith('@odata.')) continue;
    if (READ_ONLY.has(key)) throw bad(`property ${key} is read-only`);
    // Own keys only: "constructor" or "__proto__" in a body must not find Object's members.
    const type = Object.prototype.hasOwnProperty.call(WRITABLE, key) ? WRITABLE[key as keyof typeof WRITABLE] : undefined;
    if (!type) throw bad(`property ${key} does not exist on OAuthClient; known: ${Object.keys(WRITABLE).join(', ')}`);
    // Never echo a secret's value in a message.
    const shown = key === 'ClientSecret' ? 'a ' + (value === null ? 'null' : typeof value) : JSON.stringify(value);
    if (typeof value !== type) throw bad(`property ${key} must be a ${type} (got ${shown})`);
    out[key] = value;
  }
  const body = out as ClientBody;
  if (body.ClientId !== undefined) {
    if (body.ClientId.length === 0 || /\s/.test(body.ClientId)) throw bad('property ClientId must be non-empty and contain no whitespace');
    if (body.ClientId.length > 200) throw bad('property ClientId must be at most 200 characters');
  }
  if (body.ClientName !== undefined && (body.ClientName.trim() === '' || body.ClientName.length > 200)) {
    throw bad('property ClientName must be non-empty and at most 200 characters');
  }
  if (body.GrantType !== undefined && !GRANT_TYPES.includes(body.GrantType as GrantType)) {
    throw bad(`property GrantType must be one of ${GRANT_TYPES.join(', ')} (got ${JSON.stringify(body.GrantType)})`);
  }
  if (body.User !== undefined && body.User.trim() === '') throw bad('property User must be the initials of a WorkZone user');
  if (body.ClientSecret !== undefined && body.ClientSecret !== null && (body.ClientSecret.length === 0 || body.ClientSecret.length > 500)) {
    throw bad('property ClientSecret must be 1 to 500 characters long');
  }
  return body;
}

/** Required on POST: the rest have defaults. */
export function requireForCreate(body: ClientBody): asserts body is ClientBody & { ClientId: string; ClientName: string; GrantType: GrantType; User: string } {
  for (const name of ['ClientId', 'ClientName', 'GrantType', 'User'] as const) {
    if (body[name] === undefined) throw bad(`property ${name} is required when creating an OAuthClient`);
  }
}

export function clientView(client: StoredClient): Record<string, unknown> {
  return {
    ClientId: client.ClientId,
    ClientName: client.ClientName,
    Enabled: client.Enabled,
    AllowAccessTokensViaBrowser: client.AllowAccessTokensViaBrowser,
    AllowOfflineAccess: client.AllowOfflineAccess,
    RequirePkce: client.RequirePkce,
    GrantType: client.GrantType,
    User: client.User,
    ClientSecretHash: client.ClientSecretHash,
  };
}

/** Parses `Set('key')` (OData string literal key: '' is a quote), or `Set` alone; null when the path is another set. */
export function parseKeySegment(segment: string, set: string): { key?: string } | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    throw bad(`path segment ${JSON.stringify(segment)} is not valid percent-encoding`);
  }
  if (decoded === set) return {};
  if (!decoded.startsWith(`${set}(`)) return null;
  const match = /^\('((?:[^']|'')*)'\)$/.exec(decoded.slice(set.length));
  if (!match) throw bad(`key of ${set} must be a quoted string such as ${set}('my-client') (got ${JSON.stringify(decoded.slice(set.length))})`);
  return { key: match[1].replace(/''/g, "'") };
}
