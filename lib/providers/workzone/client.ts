/**
 * The WorkZone API client: all of the provider's WorkZone HTTP lives here, speaking the contract in
 * docs/workzone-api.md with paths from the provider settings. Errors come out as DiagnosticErrors that
 * say what failed and which setting or action fixes it; no secret ever reaches a message.
 */
import { createHash } from 'node:crypto';
import { DiagnosticError } from '../plugin/types';
import { HttpRequestError, redactUrl, type HttpClient, type HttpClientOptions, type HttpLog, type HttpResponse } from '../http';
import { providerHttpClient } from '../http-settings';
import { TokenEndpoint } from './discovery';
import { isNotReached } from '../reachability';
import { scrubSecrets } from '../scrub';
import { workzoneSchema } from '../../schemas/workzone';
import { fromEntity, settingsOf, toEntity, type EntityOf, type SettingOf } from './entity';
import { OAUTH_CLIENT_WIRE, USER_WIRE } from './wire';

/** The provider settings, camelCase; those left out take the defaults of the provider schema. */
export interface WorkZoneSettings {
  readonly url: string;
  readonly username: string;
  readonly password: string;
  readonly odataPath?: string;
  readonly oauthClientsPath?: string;
  readonly usersPath?: string;
  /** @default - from the discovery document, else `<url>/connect/token` (discovery.ts) */
  readonly tokenUrl?: string;
  readonly caFile?: string;
  readonly insecureSkipVerify?: boolean;
  readonly requestTimeoutSeconds?: number;
  readonly retryMaxSeconds?: number;
}

/** The provider settings' schema, for their defaults when a client is made without the provider (tests, the sandbox). */
const SETTING = workzoneSchema.provider.attributes;

/*
 * Clients and users by schema attribute name (the names of wire.ts, which maps them to OData properties).
 * An OAuthClient's `client_secret_hash` is base64(SHA-256(secret)) as WorkZone reports it: null when the
 * client has no secret, undefined when this WorkZone does not expose the hash (then only the token
 * endpoint can check a secret).
 */
export type OAuthClient = EntityOf<typeof OAUTH_CLIENT_WIRE>;
/** A setting of a client: the Configurator form, less id and secret. */
export type OAuthClientSetting = SettingOf<typeof OAUTH_CLIENT_WIRE>;
export type OAuthClientSettings = Pick<OAuthClient, OAuthClientSetting>;
/** The settings, in the order of the wire table. */
export const OAUTH_CLIENT_SETTINGS: readonly OAuthClientSetting[] = settingsOf(OAUTH_CLIENT_WIRE);
/** What create sends: the id, every setting, and the secret unless WorkZone is to generate one. */
export type OAuthClientCreate = OAuthClientSettings & { readonly client_id: string; readonly client_secret?: string };
/** What update sends: the settings that change, and a new secret. */
export type OAuthClientChanges = Partial<OAuthClientSettings> & { readonly client_secret?: string };

/** A user; `active` is true when WorkZone does not say. */
export type WorkZoneUser = { readonly [K in keyof EntityOf<typeof USER_WIRE>]-?: Exclude<EntityOf<typeof USER_WIRE>[K], undefined> };

/** Outcome of a token request made to check credentials. The token itself is dropped at once. */
export type TokenCheck =
  | { readonly ok: true; readonly tokenType: string; readonly expiresIn?: number }
  | { readonly ok: false; readonly status: number; readonly error: string; readonly description?: string };

/** The hash WorkZone (IdentityServer) stores for a secret: compare with `OAuthClient.clientSecretHash`. */
export function hashClientSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64');
}

/** Maps the provider config (schema attribute names, env and defaults applied) to settings, naming missing ones. */
export function workZoneSettingsFromConfig(config: Readonly<Record<string, unknown>>): WorkZoneSettings {
  const text = (name: string, env: string): string => {
    const v = config[name];
    if (typeof v !== 'string' || v.trim() === '') {
      throw new DiagnosticError(`Missing WorkZone setting "${name}"`, `Set "${name}" in the provider block or the ${env} environment variable.`, [name]);
    }
    return v;
  };
  const opt = <T>(name: string, type: 'string' | 'number' | 'boolean'): T | undefined =>
    typeof config[name] === type ? (config[name] as T) : undefined;
  return {
    url: text('url', 'WORKZONE_URL'),
    username: text('username', 'WORKZONE_USERNAME'),
    password: text('password', 'WORKZONE_PASSWORD'),
    odataPath: opt('odata_path', 'string'),
    oauthClientsPath: opt('oauth_clients_path', 'string'),
    usersPath: opt('users_path', 'string'),
    tokenUrl: opt('token_url', 'string'),
    caFile: opt('ca_file', 'string'),
    insecureSkipVerify: opt('insecure_skip_verify', 'boolean'),
    requestTimeoutSeconds: opt('request_timeout_seconds', 'number'),
    retryMaxSeconds: opt('retry_max_seconds', 'number'),
  };
}

const CONTRACT = 'docs/workzone-api.md';

/** A request that failed after it was sent and may have taken effect (timeout, dropped connection, 5xx on a POST). */
export class OutcomeUnknownError extends DiagnosticError {}

/** Create answered 409: WorkZone already has a client with that id. */
export class ClientExistsError extends DiagnosticError {}

export class WorkZoneClient {
  readonly tokenUrl: string;
  /** How long requests are retried (the provider setting retry_max_seconds), for callers that retry whole operations. */
  readonly retryMaxMs: number;
  private readonly http: HttpClient;
  private readonly odataRoot: string;
  private readonly clientsSet: string;
  private readonly usersSet: string;
  private readonly auth: string;
  private readonly tokenEndpoint: TokenEndpoint;

  /** `httpOptions` overrides the HTTP settings derived from `settings` (tests use it for short backoffs). */
  constructor(
    private readonly settings: WorkZoneSettings,
    options: { readonly log?: HttpLog; readonly httpOptions?: HttpClientOptions } = {},
  ) {
    let base: URL;
    try {
      base = new URL(settings.url);
      if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error();
    } catch {
      throw new DiagnosticError('Invalid WorkZone url', 'The provider setting "url" must be an http(s) URL such as https://workzone.example.dk.', ['url']);
    }
    if (base.username || base.password) {
      throw new DiagnosticError('Invalid WorkZone url', 'The provider setting "url" must not contain credentials; use "username" and "password".', ['url']);
    }
    this.odataRoot = joinUrl(settings.url, settings.odataPath ?? SETTING.odata_path.default);
    this.clientsSet = trimSlashes(settings.oauthClientsPath ?? SETTING.oauth_clients_path.default);
    this.usersSet = trimSlashes(settings.usersPath ?? SETTING.users_path.default);
    this.tokenUrl = settings.tokenUrl ?? joinUrl(settings.url, '/connect/token');
    this.auth = `Basic ${Buffer.from(`${settings.username}:${settings.password}`, 'utf8').toString('base64')}`;
    this.retryMaxMs = options.httpOptions?.retryMaxMs ?? (settings.retryMaxSeconds ?? SETTING.retry_max_seconds.default) * 1000;
    this.http = providerHttpClient('WorkZone', settings, { log: options.log, userAgent: 'terraform-provider-workzone', tuning: options.httpOptions });
    this.tokenEndpoint = new TokenEndpoint({ http: this.http, url: settings.url, tokenUrl: settings.tokenUrl, log: options.log });
  }

  /**
   * Checks url, credentials and paths in one request (the OData service document): for configure time,
   * so that a wrong path fails with a clear error instead of looking like a missing client later.
   */
  async checkConnection(): Promise<void> {
    const what = 'reading the OData service document';
    const res = await this.send(what, 'GET', this.odataRoot);
    if (res.status === 404) {
      throw new DiagnosticError(`WorkZone has no OData service at ${redactUrl(this.odataRoot)}`, 'Check the provider settings "url" and "odata_path".', ['odata_path']);
    }
    if (res.status !== 200) throw this.failure(what, res);
    const sets = (res.json() as { value?: unknown } | undefined)?.value;
    if (!Array.isArray(sets)) return; // Not a standard service document: nothing more to check.
    const names = new Set(sets.map((s) => (s && typeof s === 'object' ? (s as { url?: unknown; name?: unknown }).url ?? (s as { name?: unknown }).name : undefined)));
    for (const [set, setting] of [[this.clientsSet, 'oauth_clients_path'], [this.usersSet, 'users_path']] as const) {
      if (!names.has(set)) {
        throw new DiagnosticError(
          `WorkZone's OData service has no entity set "${set}"`,
          `Check the provider setting "${setting}". The service lists: ${[...names].filter((n) => typeof n === 'string').join(', ') || 'nothing'}.`,
          [setting],
        );
      }
    }
  }

  /** The client and its ETag, or null when WorkZone has no client with that id. */
  async getClient(clientId: string): Promise<{ client: OAuthClient; etag: string } | null> {
    const what = `reading OAuth client "${clientId}"`;
    const res = await this.send(what, 'GET', this.entityUrl(this.clientsSet, clientId));
    if (res.status === 404) return this.notFound(what, res);
    if (res.status !== 200) throw this.failure(what, res);
    const body = this.entityBody(what, res);
    return { client: toClient(what, body), etag: etagOf(what, res, body) };
  }

  /**
   * Creates a client. Without `clientSecret`, WorkZone generates one and returns it in this response only:
   * `generatedSecret`, to keep in state. Not retried on an unknown outcome (see the error for what to do).
   */
  async createClient(input: OAuthClientCreate): Promise<{
    client: OAuthClient;
    etag: string;
    generatedSecret?: string;
  }> {
    const clientId = input.client_id;
    const what = `creating OAuth client "${clientId}"`;
    const res = await this.send(what, 'POST', joinUrl(this.odataRoot, this.clientsSet), toEntity(OAUTH_CLIENT_WIRE, input));
    if (res.status === 409) {
      throw new ClientExistsError(
        `OAuth client "${clientId}" already exists in WorkZone`,
        `Import it with \`terraform import <resource address> ${clientId}\`, or choose another client_id.`,
        ['client_id'],
      );
    }
    if (res.status !== 201 && res.status !== 200) throw this.failure(what, res, [input.client_secret]);
    const entity = this.entityBody(what, res);
    // The one answer that carries the secret WorkZone generated.
    const generated = input.client_secret === undefined ? entity[OAUTH_CLIENT_WIRE.client_secret.property] : undefined;
    if (input.client_secret === undefined && (typeof generated !== 'string' || generated === '')) {
      throw new DiagnosticError(
        `WorkZone created OAuth client "${clientId}" but returned no generated secret`,
        `The secret cannot be read back. Set client_secret (or client_secret_wo) and apply again to set a known secret. (Expected per ${CONTRACT}.)`,
      );
    }
    return { client: toClient(what, entity), etag: etagOf(what, res, entity), ...(generated ? { generatedSecret: generated as string } : {}) };
  }

  /** Changes a client if it still has `etag` (else a "changed in WorkZone" error). Returns the new ETag. */
  async updateClient(clientId: string, etag: string, changes: OAuthClientChanges): Promise<{ etag: string }> {
    const what = `updating OAuth client "${clientId}"`;
    const url = this.entityUrl(this.clientsSet, clientId);
    const res = await this.send(what, 'PATCH', url, toEntity(OAUTH_CLIENT_WIRE, changes), { 'If-Match': etag });
    if (res.status === 404) {
      throw new DiagnosticError(`OAuth client "${clientId}" no longer exists in WorkZone`, 'It was deleted outside Terraform; run terraform apply again to re-create it.');
    }
    if (res.status === 412) {
      throw new DiagnosticError(
        `OAuth client "${clientId}" was changed in WorkZone since Terraform read it`,
        'Someone changed it outside Terraform (HTTP 412). Run terraform plan to see the difference, then apply again.',
      );
    }
    if (res.status !== 204 && res.status !== 200) throw this.failure(what, res, [changes.client_secret]);
    const header = res.headers.etag;
    if (typeof header === 'string' && header !== '') return { etag: header };
    // No ETag on the 204: read it, so the next update has one.
    const fresh = await this.getClient(clientId);
    if (!fresh) throw new DiagnosticError(`OAuth client "${clientId}" disappeared from WorkZone right after ${what}`);
    return { etag: fresh.etag };
  }

  /** Deletes a client; false when it was already gone. */
  async deleteClient(clientId: string, etag?: string): Promise<boolean> {
    const what = `deleting OAuth client "${clientId}"`;
    const res = await this.send(what, 'DELETE', this.entityUrl(this.clientsSet, clientId), undefined, etag ? { 'If-Match': etag } : {});
    if (res.status === 404) return this.notFound(what, res) ?? false;
    if (res.status === 412) {
      throw new DiagnosticError(`OAuth client "${clientId}" was changed in WorkZone since Terraform read it`, 'Run terraform plan to see the change before deleting it.');
    }
    if (res.status !== 204 && res.status !== 200) throw this.failure(what, res);
    return true;
  }

  /** The user with these initials, or null. */
  async getUser(initials: string): Promise<WorkZoneUser | null> {
    const what = `reading WorkZone user "${initials}"`;
    const res = await this.send(what, 'GET', this.entityUrl(this.usersSet, initials));
    if (res.status === 404) return this.notFound(what, res);
    if (res.status !== 200) throw this.failure(what, res);
    const user = fromEntity(USER_WIRE, this.entityBody(what, res), (property, expected) => shapeError(what, property, expected));
    return { ...user, active: user.active ?? true };
  }

  /**
   * Asks the token endpoint for a client-credentials token (RFC 6749 §4.4) to check that a client id and
   * secret work. Refusals (invalid_client, unauthorized_client, ...) are results, not exceptions.
   */
  async requestToken(tokenUrl: string | undefined, clientId: string, secret: string, auth: 'basic' | 'form' = 'basic'): Promise<TokenCheck> {
    const url = tokenUrl ?? (await this.tokenEndpoint.url());
    const what = `requesting a token for OAuth client "${clientId}"`;
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
    let basic: string | undefined;
    if (auth === 'basic') {
      // RFC 6749 §2.3.1: form-urlencode id and secret, then Basic.
      const enc = (s: string) => new URLSearchParams({ v: s }).toString().slice(2);
      headers.Authorization = `Basic ${Buffer.from(`${enc(clientId)}:${enc(secret)}`, 'utf8').toString('base64')}`;
      basic = headers.Authorization.slice(6);
    } else {
      form.set('client_id', clientId);
      form.set('client_secret', secret);
    }
    // Safe to repeat: a token request changes nothing.
    const res = await this.raw(what, { method: 'POST', url, headers, body: form.toString(), retrySafe: true }, 'token_url');
    const body = res.json() as Record<string, unknown> | undefined;
    if (res.status === 200 && body && typeof body.access_token === 'string') {
      return { ok: true, tokenType: String(body.token_type ?? 'Bearer'), ...(typeof body.expires_in === 'number' ? { expiresIn: body.expires_in } : {}) };
    }
    if ((res.status === 400 || res.status === 401) && body && typeof body.error === 'string') {
      const description = typeof body.error_description === 'string' ? scrubSecrets(body.error_description, [secret, basic]) : undefined;
      return { ok: false, status: res.status, error: body.error, ...(description ? { description } : {}) };
    }
    if (res.status === 404) {
      throw new DiagnosticError(`WorkZone token endpoint not found (${redactUrl(url)})`, 'Check the provider setting "token_url" (when not set: the token_endpoint of <url>/.well-known/openid-configuration, else <url>/connect/token).', ['token_url']);
    }
    throw new DiagnosticError(`Unexpected answer ${what}`, `${redactUrl(url)} answered HTTP ${res.status}; expected 200, or 400/401 with an OAuth error (RFC 6749 §5.2).`);
  }

  /** `<baseUrl>/<service>/<path>`; `baseUrl` defaults to the provider's `url` (WorkZone's main page). */
  updateServiceUrl(service: string, path: string, baseUrl?: string): string {
    return joinUrl(joinUrl(baseUrl ?? this.settings.url, service), path);
  }

  /**
   * What an update service's health endpoint answers (docs/workzone-api.md, "Update service health"): its
   * HTTP status and body. 503 is an answer here (ASP.NET Core's health checks report Unhealthy with it), not
   * a failure to retry. Sends no credentials: WorkZone's guide opens the endpoint in a browser.
   */
  async readHealth(url: string): Promise<{ readonly status: number; readonly text: string }> {
    try {
      const res = await this.http.request({ method: 'GET', url, headers: { Accept: 'application/json, text/plain' }, answers: [503] });
      return { status: res.status, text: res.text() };
    } catch (err) {
      if (!(err instanceof HttpRequestError)) throw err;
      throw new DiagnosticError(
        `The update service at ${redactUrl(url)} did not answer`,
        `${scrubSecrets(err.message, [this.settings.password, this.auth.slice(6)])}. Check base_url (or the provider's url) and service, and that the module's service is deployed and running.`,
        ['base_url'],
      );
    }
  }

  close(): void {
    this.http.close();
  }

  private entityUrl(set: string, key: string): string {
    // OData string key: double the quotes, then percent-encode the literal.
    return `${joinUrl(this.odataRoot, set)}(${encodeURIComponent(`'${key.replace(/'/g, "''")}'`)})`;
  }

  private send(what: string, method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResponse> {
    const h: Record<string, string> = { Authorization: this.auth, 'OData-Version': '4.0', ...headers };
    if (body !== undefined) h['Content-Type'] = 'application/json';
    return this.raw(what, { method, url, headers: h, body: body === undefined ? undefined : JSON.stringify(body) }, 'url');
  }

  private async raw(
    what: string,
    req: { method: string; url: string; headers: Record<string, string>; body?: string; retrySafe?: boolean },
    urlSetting: 'url' | 'token_url',
  ): Promise<HttpResponse> {
    let res: HttpResponse;
    try {
      res = await this.http.request(req);
    } catch (err) {
      if (!(err instanceof HttpRequestError)) throw err;
      throw this.transportError(what, err, urlSetting);
    }
    if (res.status === 401 && urlSetting === 'url') {
      throw new DiagnosticError(
        `WorkZone refused the credentials ${what} (HTTP 401)`,
        "Check the provider's username/password settings (or WORKZONE_USERNAME / WORKZONE_PASSWORD).",
        ['username'],
      );
    }
    if (res.status === 403 && urlSetting === 'url') {
      throw new DiagnosticError(
        `WorkZone user "${this.settings.username}" may not do this: ${what} (HTTP 403)`,
        'Use a WorkZone user with administrator rights for OAuth settings.',
        ['username'],
      );
    }
    return res;
  }

  private transportError(what: string, err: HttpRequestError, urlSetting: 'url' | 'token_url'): DiagnosticError {
    const detail = scrubSecrets(err.message, [this.settings.password, this.auth.slice(6)]);
    switch (err.kind) {
      case 'tls':
        if (/ALTNAME/.test(err.code ?? '')) {
          return new DiagnosticError(
            `WorkZone's TLS certificate does not match the host name, ${what}`,
            `${detail}. Check the provider setting "${urlSetting}": its host must be one the certificate lists.`,
            [urlSetting],
          );
        }
        return new DiagnosticError(
          `WorkZone's TLS certificate is not trusted, ${what}`,
          `${detail}. Set the provider setting "ca_file" (or WORKZONE_CA_FILE) to the PEM file of the CA that issued it (or, for tests only, insecure_skip_verify = true).`,
          ['ca_file'],
        );
      case 'unreachable':
        // The verdict on the server, the same for every request it ended: where to look depends on how it failed.
        return new DiagnosticError(
          `WorkZone is unreachable (${what})`,
          isNotReached(err.code ?? '')
            ? `${detail}. Check the provider setting "${urlSetting}" and that WorkZone is running.`
            : `${detail}. WorkZone is down or overloaded: try again later, or raise retry_max_seconds / request_timeout_seconds.`,
          isNotReached(err.code ?? '') ? [urlSetting] : undefined,
        );
      case 'gave-up':
        return new DiagnosticError(
          `WorkZone did not answer ${what}`,
          err.code === 'ECONNREFUSED' || err.code === 'EAI_AGAIN'
            ? `${detail}. Check the provider setting "${urlSetting}" and that WorkZone is running.`
            : `${detail}. WorkZone is down or overloaded: try again later, or raise retry_max_seconds / request_timeout_seconds.`,
        );
      case 'not-retryable':
        if (err.code === 'ENOTFOUND') {
          return new DiagnosticError(`WorkZone host not found, ${what}`, `${detail}. Check the provider setting "${urlSetting}".`, [urlSetting]);
        }
        return new DiagnosticError(`WorkZone request failed, ${what}`, detail);
      case 'outcome-unknown':
        return new OutcomeUnknownError(
          `The outcome is unknown: ${what}`,
          `${detail}. Look in WorkZone (Configurator > Global > OAuth settings) before applying again; a created client can be imported with terraform import.`,
        );
      default:
        return new DiagnosticError(`WorkZone request failed, ${what}`, detail);
    }
  }

  /** 404: the entity is missing when WorkZone says so in OData; anything else means a wrong path. */
  private notFound(what: string, res: HttpResponse): null {
    const body = res.json() as { error?: { code?: unknown } } | undefined;
    if (body && typeof body === 'object' && body.error && typeof body.error === 'object') return null;
    throw new DiagnosticError(
      `WorkZone has no such API path, ${what} (HTTP 404 without an OData error)`,
      'Check the provider settings "url", "odata_path", "oauth_clients_path" and "users_path".',
      ['odata_path'],
    );
  }

  private failure(what: string, res: HttpResponse, secrets: (string | undefined)[] = []): DiagnosticError {
    const body = res.json() as { error?: { code?: unknown; message?: unknown } } | undefined;
    const code = typeof body?.error?.code === 'string' ? body.error.code : undefined;
    const message = typeof body?.error?.message === 'string' ? scrubSecrets(body.error.message, [...secrets, this.settings.password, this.auth.slice(6)]) : undefined;
    if (res.status === 400) {
      return new DiagnosticError(`WorkZone rejected ${what}`, `${message ?? 'HTTP 400 Bad Request'}${code ? ` (${code})` : ''}.`, code === 'UserNotFound' ? ['user'] : undefined);
    }
    if (res.status === 413) {
      return new DiagnosticError(
        `WorkZone refused ${what}: the request is too large (HTTP 413)`,
        `${message ? `${message}. ` : ''}WorkZone, or a proxy in front of it, limits the size of a request body; check the values sent, such as client_secret.`,
      );
    }
    return new DiagnosticError(
      `Unexpected answer from WorkZone ${what}`,
      `HTTP ${res.status}${message ? `: ${message}` : ''}${code ? ` (${code})` : ''}. The WorkZone API may differ from ${CONTRACT}.`,
    );
  }

  private entityBody(what: string, res: HttpResponse): Record<string, unknown> {
    const body = res.json();
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw new DiagnosticError(`Unexpected answer from WorkZone ${what}`, `HTTP ${res.status} without a JSON object body; the WorkZone API may differ from ${CONTRACT}.`);
    }
    return body as Record<string, unknown>;
  }
}

function toClient(what: string, body: Record<string, unknown>): OAuthClient {
  return fromEntity(OAUTH_CLIENT_WIRE, body, (property, expected) => shapeError(what, property, expected));
}

function shapeError(what: string, property: string, expected: string): DiagnosticError {
  return new DiagnosticError(`Unexpected answer from WorkZone ${what}`, `Property ${property} is missing or not ${expected}; the WorkZone API may differ from ${CONTRACT}.`);
}

function etagOf(what: string, res: HttpResponse, body: Record<string, unknown>): string {
  const etag = typeof res.headers.etag === 'string' && res.headers.etag !== '' ? res.headers.etag : body['@odata.etag'];
  if (typeof etag !== 'string' || etag === '') {
    throw new DiagnosticError(`Unexpected answer from WorkZone ${what}`, `No ETag (header or @odata.etag); updates need one. The WorkZone API may differ from ${CONTRACT}.`);
  }
  return etag;
}

function trimSlashes(s: string): string {
  return s.replace(/^\/+|\/+$/g, '');
}

/** Joins a base URL (which may have a path, e.g. https://host/WorkZone) and a path. */
function joinUrl(base: string, path: string): string {
  const p = trimSlashes(path);
  return p ? `${base.replace(/\/+$/, '')}/${p}` : base.replace(/\/+$/, '');
}
