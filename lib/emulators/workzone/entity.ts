/**
 * OAuthClient entity bodies: validation of POST/PATCH bodies (400s that name the property) and the JSON
 * view of a stored client. The view never contains a secret.
 */
import { HttpError } from '../common/server';
import { CLIENT_PROPERTIES, GRANT_TYPES, type ClientChange, type ClientProperty, type Defaulted, type GrantType, type StoredClient } from './data';

const bad = (message: string) => new HttpError(400, 'BadRequest', message);

const PROPERTIES: [string, ClientProperty][] = Object.entries(CLIENT_PROPERTIES);
/** JSON type of each property a request may send. */
const WRITABLE: Record<string, ClientProperty['type']> = Object.fromEntries(PROPERTIES.filter(([, p]) => !p.readOnly).map(([name, p]) => [name, p.type]));
const READ_ONLY = new Set(PROPERTIES.filter(([, p]) => p.readOnly).map(([name]) => name));
/** What a create without them sets. */
export const CREATE_DEFAULTS = Object.fromEntries(PROPERTIES.flatMap(([name, p]) => (p.create === undefined || p.create === 'required' ? [] : [[name, p.create]]))) as Pick<StoredClient, Defaulted>;

export type ClientBody = ClientChange & { ClientId?: string };

/** Checks types, unknown and read-only properties, and value rules. `@odata.*` annotations are ignored. */
export function parseClientBody(input: unknown): ClientBody {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw bad('request body must be a JSON object (an OAuthClient entity)');
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (key.startsWith('@odata.')) continue;
    if (READ_ONLY.has(key)) throw bad(`property ${key} is read-only`);
    // Own keys only: "constructor" or "__proto__" in a body must not find Object's members.
    const type = Object.prototype.hasOwnProperty.call(WRITABLE, key) ? WRITABLE[key] : undefined;
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
  for (const [name, p] of PROPERTIES) {
    if (p.create === 'required' && body[name as keyof ClientBody] === undefined) throw bad(`property ${name} is required when creating an OAuthClient`);
  }
}

/** The entity as GET shows it: every property but the write-only ones (never a secret). */
export function clientView(client: StoredClient): Record<string, unknown> {
  return Object.fromEntries(PROPERTIES.filter(([, p]) => !p.writeOnly).map(([name]) => [name, client[name as keyof StoredClient]]));
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
