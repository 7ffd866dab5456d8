/**
 * The client-credentials token endpoint (RFC 6749 §4.4), with client authentication by HTTP Basic or
 * form post (§2.3.1) and the §5.2 error codes. Tokens are opaque random strings, never stored or logged.
 */
import type { ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { HttpError, parseBasicAuth, parseFormBody, sendJson, type EmulatorRequest } from '../common/server';
import { secretMatches, type GrantType, type WorkZoneData } from './data';

/** OAuth grant_type values the (emulated) server knows, and which client grant type codes allow them. */
const GRANTS_BY_CODE: Record<GrantType, readonly string[]> = {
  CLNTCRED: ['client_credentials'],
  AUTHCODE: ['authorization_code', 'refresh_token'],
  HYBRID: ['authorization_code', 'refresh_token'],
  PASSWORD: ['password', 'refresh_token'],
  IMPLICIT: [],
};
/** Every grant_type the token endpoint knows (the discovery document's grant_types_supported). */
export const KNOWN_GRANT_TYPES = ['authorization_code', 'client_credentials', 'password', 'refresh_token'] as const;
const KNOWN_GRANTS = new Set<string>(KNOWN_GRANT_TYPES);
export const TOKEN_LIFETIME_SECONDS = 3600;

function oauthError(status: number, error: string, description: string, headers: Record<string, string> = {}): HttpError {
  return new HttpError(status, error, description, { 'Cache-Control': 'no-store', Pragma: 'no-cache', ...headers }, { error, error_description: description });
}

export function tokenEndpoint(data: WorkZoneData, req: EmulatorRequest, res: ServerResponse): void {
  if (req.method !== 'POST') throw oauthError(405, 'invalid_request', 'the token endpoint accepts POST only', { Allow: 'POST' });
  const form = parseFormBody(req);
  if (!form) throw oauthError(400, 'invalid_request', 'the body must be application/x-www-form-urlencoded');
  // RFC 6749 §3.2: request parameters must not be included more than once.
  for (const name of new Set(form.keys())) {
    if (form.getAll(name).length > 1) throw oauthError(400, 'invalid_request', `parameter ${JSON.stringify(name.slice(0, 40))} is given more than once; send it once`);
  }

  const basic = parseBasicAuth(req.headers.authorization);
  if (basic === null) throw oauthError(400, 'invalid_request', 'malformed Authorization header; expected Basic base64(client_id:client_secret)');
  const formId = form.get('client_id');
  const formSecret = form.get('client_secret');
  if (basic && (formId !== null || formSecret !== null)) {
    throw oauthError(400, 'invalid_request', 'client credentials given both in the Authorization header and in the form; use one');
  }
  let clientId: string | null;
  let secret: string | null;
  if (basic) {
    // RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic encoding.
    try {
      clientId = decodeURIComponent(basic.user.replace(/\+/g, ' '));
      secret = decodeURIComponent(basic.password.replace(/\+/g, ' '));
    } catch {
      throw oauthError(400, 'invalid_request', 'client id or secret in the Authorization header is not valid form-urlencoding');
    }
  } else {
    clientId = formId;
    secret = formSecret;
  }
  const challenge: Record<string, string> = basic ? { 'WWW-Authenticate': 'Basic realm="WorkZone"' } : {};
  if (!clientId) throw oauthError(401, 'invalid_client', 'no client authentication given', challenge);

  const grantType = form.get('grant_type');
  if (!grantType) throw oauthError(400, 'invalid_request', 'grant_type is required');

  // The same answer for unknown, disabled, secretless and wrong-secret clients: no probing of ids.
  const client = data.getClient(clientId);
  if (!client || !client.Enabled || secret === null || !secretMatches(secret, client.ClientSecretHash)) {
    throw oauthError(401, 'invalid_client', 'client authentication failed', challenge);
  }
  if (!KNOWN_GRANTS.has(grantType)) throw oauthError(400, 'unsupported_grant_type', `grant type ${JSON.stringify(grantType)} is not supported`);
  if (!GRANTS_BY_CODE[client.GrantType].includes(grantType)) {
    throw oauthError(400, 'unauthorized_client', `the client is not allowed to use grant type ${JSON.stringify(grantType)}`);
  }
  if (grantType !== 'client_credentials') throw oauthError(400, 'invalid_grant', `the emulator implements only client_credentials`);

  const scope = form.get('scope');
  const body: Record<string, unknown> = { access_token: randomBytes(32).toString('base64url'), token_type: 'Bearer', expires_in: TOKEN_LIFETIME_SECONDS };
  if (scope) body.scope = scope;
  sendJson(res, 200, body, { 'Cache-Control': 'no-store', Pragma: 'no-cache' });
}
