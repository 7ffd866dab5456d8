/**
 * OAuthClient entity bodies: validation of POST/PATCH bodies (400s that name the property) and the JSON
 * view of a stored client, both in the names of the server's model (model.ts). The view never contains a
 * secret.
 */
import { HttpError } from '../common/server';
import { CLIENT_PROPERTIES, GRANT_TYPES, type ClientChange, type Defaulted, type GrantType, type StoredClient, type StoredProperty } from './data';
import type { ClientField, ClientModel } from './model';

const bad = (message: string) => new HttpError(400, 'BadRequest', message);

const PROPERTIES = Object.entries(CLIENT_PROPERTIES) as [ClientField, StoredProperty][];
/** What a create without them sets. */
export const CREATE_DEFAULTS = Object.fromEntries(
  PROPERTIES.flatMap(([field, p]) => (p.create === undefined || p.create === 'required' ? [] : [[field, p.create]])),
) as Pick<StoredClient, Defaulted>;
const REQUIRED_FOR_CREATE = PROPERTIES.filter(([, p]) => p.create === 'required').map(([field]) => field);

/** A request body in stored field names. */
export type ClientBody = ClientChange & { ClientId?: string };

/** Checks types, unknown and read-only properties, and value rules. `@odata.*` annotations are ignored. */
export function parseClientBody(input: unknown, model: ClientModel): ClientBody {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw bad('request body must be a JSON object (an OAuthClient entity)');
  const out: Partial<Record<ClientField, unknown>> = {};
  const name = (field: ClientField) => model.nameOf(field);
  for (const [key, value] of Object.entries(input)) {
    if (key.startsWith('@odata.')) continue;
    const property = model.property(key);
    if (property?.access === 'read-only') throw bad(`property ${key} is read-only`);
    if (!property) {
      const known = model.properties.filter((p) => p.access !== 'read-only').map((p) => p.name);
      throw bad(`property ${key} does not exist on OAuthClient; known: ${known.join(', ')}`);
    }
    // Never echo a secret's value in a message.
    const shown = property.access === 'write-only' ? 'a ' + (value === null ? 'null' : typeof value) : JSON.stringify(value);
    if (typeof value !== property.type) throw bad(`property ${key} must be a ${property.type} (got ${shown})`);
    out[property.field] = value;
  }
  const body = out as ClientBody;
  if (body.ClientId !== undefined) {
    if (body.ClientId.length === 0 || /\s/.test(body.ClientId)) throw bad(`property ${name('ClientId')} must be non-empty and contain no whitespace`);
    if (body.ClientId.length > CLIENT_PROPERTIES.ClientId.maxLength) throw bad(`property ${name('ClientId')} must be at most ${CLIENT_PROPERTIES.ClientId.maxLength} characters`);
  }
  if (body.ClientName !== undefined && (body.ClientName.trim() === '' || body.ClientName.length > CLIENT_PROPERTIES.ClientName.maxLength)) {
    throw bad(`property ${name('ClientName')} must be non-empty and at most ${CLIENT_PROPERTIES.ClientName.maxLength} characters`);
  }
  if (body.GrantType !== undefined && !GRANT_TYPES.includes(body.GrantType as GrantType)) {
    throw bad(`property ${name('GrantType')} must be one of ${GRANT_TYPES.join(', ')} (got ${JSON.stringify(body.GrantType)})`);
  }
  if (body.User !== undefined && body.User.trim() === '') throw bad(`property ${name('User')} must be the initials of a WorkZone user`);
  if (body.ClientSecret !== undefined && body.ClientSecret !== null && (body.ClientSecret.length === 0 || body.ClientSecret.length > CLIENT_PROPERTIES.ClientSecret.maxLength)) {
    throw bad(`property ${name('ClientSecret')} must be 1 to ${CLIENT_PROPERTIES.ClientSecret.maxLength} characters long`);
  }
  return body;
}

/** Required on POST: the rest have defaults. */
export function requireForCreate(
  body: ClientBody,
  model: ClientModel,
): asserts body is ClientBody & { ClientId: string; ClientName: string; GrantType: GrantType; User: string } {
  for (const field of REQUIRED_FOR_CREATE) {
    if (body[field as keyof ClientBody] === undefined) throw bad(`property ${model.nameOf(field)} is required when creating an OAuthClient`);
  }
}

/** The entity as this server shows it: its property names, no write-only ones. */
export function clientView(client: StoredClient, model: ClientModel): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  for (const p of model.properties) if (p.access !== 'write-only') view[p.name] = client[p.field as Exclude<ClientField, 'ClientSecret'>];
  return view;
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
