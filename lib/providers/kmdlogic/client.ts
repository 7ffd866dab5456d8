/**
 * The KMD Logic API client of the `kmdlogic` provider: all Logic HTTP lives here (docs/kmdlogic-api.md).
 * Errors are KmdLogicError diagnostics that name the identifier or setting to fix; secrets (client secret,
 * certificate, its password, tokens) never appear in messages or logs.
 */
import { guid as guidRule, isGuid } from '../../schemas/rules';
import { HttpRequestError, redactUrl, type HttpClient, type HttpClientOptions, type HttpLog, type HttpResponse } from '../http';
import { providerHttpClient } from '../http-settings';
import type { SettingSources } from '../plugin/types';
import { KmdLogicError, scrub, serverMessage, transportSummary, withHint } from './errors';
import { buildMultipart } from './multipart';
import { TokenSource } from './token';
import { ATTRIBUTE_OF_PART, partOf, REPORTED_FIELDS, type ReportedAttribute } from './wire';

export { KmdLogicError } from './errors';
export type { KmdLogicErrorKind } from './errors';

export type CprEnvironment = 'Production' | 'Test';

/**
 * A CPR configuration as the API shows it (CprProviderConfigurationModel, swagger v1.2.1 as of
 * Kmd.Logic.Cpr.Client 1.4.7: no certificateFileName; docs/kmdlogic-api.md), by attribute name (wire.ts).
 */
export type CprConfiguration = { readonly [K in ReportedAttribute]: string };

export interface DataDistributorInput {
  readonly name: string;
  readonly environment: CprEnvironment;
  /** The PKCS#12 (.pfx) file. */
  readonly certificate: Buffer;
  readonly certificatePassword?: string;
  /** @default "certificate.pfx" */
  readonly certificateFileName?: string;
}

export interface KmdLogicClientOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly tokenUrl: string;
  readonly apiUrl: string;
  readonly scope: string;
  readonly caFile?: string;
  readonly insecureSkipVerify?: boolean;
  /** Left out: the provider setting's default (lib/schemas/http.ts). */
  readonly requestTimeoutSeconds?: number;
  /** Left out: the provider setting's default (lib/schemas/http.ts). */
  readonly retryMaxSeconds?: number;
  readonly log?: HttpLog;
  /** Stops retries and new requests (terraform's StopProvider). */
  readonly signal?: AbortSignal;
  /** Settings read from the environment (the rest came from the configuration), for errors that name what the user set. */
  readonly fromEnv?: SettingSources;
  /** Overrides of the HTTP client's tuning (tests: short backoff). */
  readonly http?: Omit<HttpClientOptions, 'timeoutMs' | 'retryMaxMs' | 'caFile' | 'insecureSkipVerify' | 'log'>;
}

/** The provider value assumed for data-distributor configurations when a response lacks it (contract §2). */
export const DATA_DISTRIBUTOR_PROVIDER = 'DataDistributor';

export class KmdLogicClient {
  readonly tokens: TokenSource;
  private readonly http: HttpClient;
  private readonly apiUrl: string;
  private readonly o: KmdLogicClientOptions;

  constructor(options: KmdLogicClientOptions) {
    checkOptions(options);
    this.o = options;
    this.apiUrl = options.apiUrl.replace(/\/+$/, '');
    this.http = providerHttpClient('KMD Logic', options, { log: options.log, tuning: options.http });
    this.tokens = new TokenSource({
      http: this.http,
      tokenUrl: options.tokenUrl,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      scope: options.scope,
      signal: options.signal,
      fromEnv: options.fromEnv,
    });
  }

  /**
   * Gets a token now, so that wrong credentials or an unreachable KMD Logic fail the provider configuration
   * itself: terraform then shows the configuration line of the setting to fix (for a CDKTF stack, the
   * `${var.…}` it comes from). The token is cached for the calls that follow.
   */
  async verifyCredentials(): Promise<void> {
    try {
      await this.tokens.get();
    } catch (err) {
      if (!(err instanceof KmdLogicError) || err.kind !== 'credentials') throw err;
      // A secret set in the configuration: terraform shows its line. From the environment: the message says which.
      throw new KmdLogicError(err.kind, err.summary, err.detail, err.status, this.o.fromEnv?.client_secret ? undefined : ['client_secret']);
    }
  }

  /** The client credential and scope a token was just issued for (the token itself stays in the cache). */
  async checkCredential(): Promise<{ readonly clientId: string; readonly scope: string }> {
    await this.verifyCredentials();
    return { clientId: this.o.clientId, scope: this.o.scope };
  }

  /** All CPR configurations of a subscription. */
  async listConfigurations(subscriptionId: string): Promise<CprConfiguration[]> {
    guid('subscription_id', subscriptionId);
    const op = `list the CPR configurations of subscription ${subscriptionId}`;
    const res = await this.call('GET', `/subscriptions/${subscriptionId}/cpr/configurations`, op);
    if (res.status === 403 || res.status === 404) throw this.subscriptionError(subscriptionId, res);
    if (res.status !== 200) throw this.unexpected(op, res);
    const body = res.json();
    if (!Array.isArray(body)) throw new KmdLogicError('unexpected', `Could not ${op}`, 'the response is not a JSON array');
    return body.map((item) => toConfiguration(item, subscriptionId, op));
  }

  /** One configuration, or null when the subscription has no configuration with that id. */
  async getConfiguration(subscriptionId: string, configurationId: string): Promise<CprConfiguration | null> {
    guid('subscription_id', subscriptionId);
    guid('configuration_id', configurationId);
    const op = `read CPR configuration ${configurationId} of subscription ${subscriptionId}`;
    const res = await this.call('GET', `/subscriptions/${subscriptionId}/cpr/configurations/${configurationId}`, op);
    if (res.status === 404) {
      // A 404 may mean the subscription is wrong, not the configuration: say so rather than plan a re-create.
      await this.listConfigurations(subscriptionId);
      return null;
    }
    if (res.status === 403) throw this.subscriptionError(subscriptionId, res);
    if (res.status !== 200) throw this.unexpected(op, res);
    return toConfiguration(res.json(), subscriptionId, op);
  }

  /** Creates a data-distributor configuration; returns it as read back from the API. */
  async createDataDistributor(subscriptionId: string, input: DataDistributorInput): Promise<CprConfiguration> {
    guid('subscription_id', subscriptionId);
    const op = `create a CPR configuration in subscription ${subscriptionId}`;
    const res = await this.send('POST', `/subscriptions/${subscriptionId}/cpr/configurations/data-distributor`, input, op);
    return this.afterWrite(subscriptionId, res, op, input);
  }

  /** Replaces name, environment and certificate of a data-distributor configuration. */
  async updateDataDistributor(subscriptionId: string, configurationId: string, input: DataDistributorInput): Promise<CprConfiguration> {
    guid('subscription_id', subscriptionId);
    guid('configuration_id', configurationId);
    const op = `update CPR configuration ${configurationId} of subscription ${subscriptionId}`;
    const res = await this.send('PUT', `/subscriptions/${subscriptionId}/cpr/configurations/data-distributor/${configurationId}`, input, op);
    if (res.status === 404) {
      await this.listConfigurations(subscriptionId); // throws when the subscription is the problem
      throw new KmdLogicError(
        'not-found',
        `CPR configuration ${configurationId} was not found in subscription ${subscriptionId}`,
        'It may have been removed in the KMD Logic console; refresh to plan a new one.',
        404,
      );
    }
    return this.afterWrite(subscriptionId, res, op, input);
  }

  /** Frees pooled connections. */
  close(): void {
    this.http.close();
  }

  private async afterWrite(subscriptionId: string, res: HttpResponse, op: string, input: DataDistributorInput): Promise<CprConfiguration> {
    if (res.status === 400) throw this.invalid(op, res);
    if (res.status === 403 || res.status === 404) throw this.subscriptionError(subscriptionId, res);
    if (res.status !== 200 && res.status !== 201) throw this.unexpected(op, res);
    const written = toConfiguration(res.json(), subscriptionId, op, true);
    // The write response lacks the provider (contract §2): read the full model back.
    const read = await this.getConfiguration(subscriptionId, written.id);
    if (read) return read;
    this.o.log?.debug('kmdlogic: configuration not readable right after write; using the write response', { id: written.id });
    return { ...written, name: written.name || input.name, environment: written.environment || input.environment };
  }

  private async send(method: 'POST' | 'PUT', path: string, input: DataDistributorInput, op: string): Promise<HttpResponse> {
    checkInput(input);
    const form = await buildMultipart([
      { name: partOf('name'), value: input.name },
      { name: partOf('environment'), value: input.environment },
      { name: partOf('certificate'), value: input.certificate, filename: input.certificateFileName ?? 'certificate.pfx', contentType: 'application/x-pkcs12' },
      { name: partOf('certificate_password'), value: input.certificatePassword ?? '' },
    ]);
    return this.call(method, path, op, form);
  }

  /** One API call with a Bearer token; a 401 renews the token once and repeats the call once. */
  private async call(method: string, path: string, op: string, form?: { body: Buffer; contentType: string }): Promise<HttpResponse> {
    for (let attempt = 1; ; attempt++) {
      const token = await this.tokens.get();
      let res: HttpResponse;
      try {
        res = await this.http.request({
          method,
          url: `${this.apiUrl}${path}`,
          headers: { Authorization: `Bearer ${token}`, ...(form && { 'Content-Type': form.contentType }) },
          body: form?.body,
          signal: this.o.signal,
        });
      } catch (err) {
        if (err instanceof HttpRequestError) {
          // A POST that failed after it was sent is not repeated blindly (see cpr-configuration-resource create).
          if (err.kind === 'outcome-unknown') {
            throw new KmdLogicError('outcome-unknown', `The outcome is unknown: could not ${op}`, withHint(err, 'api_url'), err.lastStatus);
          }
          throw new KmdLogicError('unavailable', transportSummary(err, `could not ${op}`), withHint(err, 'api_url'), err.lastStatus);
        }
        throw err;
      }
      if (res.status !== 401) return res;
      this.tokens.invalidate(token);
      if (attempt === 2) {
        throw new KmdLogicError(
          'credentials',
          `KMD Logic refused a fresh access token (HTTP 401) when trying to ${op}`,
          `Check that token_url ${redactUrl(this.o.tokenUrl)} and api_url ${redactUrl(this.apiUrl)} belong to the same Logic environment, and the scope.${this.said(res, ' Server: ')}`,
          401,
        );
      }
      this.o.log?.debug('kmdlogic: access token refused (401); renewing once', { op });
    }
  }

  private subscriptionError(subscriptionId: string, res: HttpResponse): KmdLogicError {
    return new KmdLogicError(
      'subscription',
      `KMD Logic subscription ${subscriptionId} was not found, or client_id ${this.o.clientId} may not use it`,
      `HTTP ${res.status}.${this.said(res, ' Server: ')} Check subscription_id, and that the client credential belongs to that subscription in the KMD Logic console.`,
      res.status,
      ['subscription_id'],
    );
  }

  private invalid(op: string, res: HttpResponse): KmdLogicError {
    const body = res.json() as { errors?: unknown } | undefined;
    const fields = body?.errors && typeof body.errors === 'object' ? Object.keys(body.errors as object) : [];
    const attrs = fields.map((f) => ATTRIBUTE_OF_PART[f] ?? f);
    return new KmdLogicError(
      'invalid',
      `KMD Logic refused to ${op}${attrs.length ? `: check ${attrs.join(', ')}` : ''}`,
      `HTTP 400.${this.said(res, ' Server: ')}`,
      400,
      attrs.length === 1 ? [attrs[0]] : undefined,
    );
  }

  private unexpected(op: string, res: HttpResponse): KmdLogicError {
    return new KmdLogicError('unexpected', `Could not ${op}`, `KMD Logic answered HTTP ${res.status}.${this.said(res, ' Server: ')}`, res.status);
  }

  /** The server's message, scrubbed of anything secret we sent (a server may echo the request). */
  private said(res: HttpResponse, prefix: string): string {
    const message = serverMessage(res.json(), res.text());
    return message ? `${prefix}${scrub(message, [this.o.clientSecret, this.tokens.current()])}` : '';
  }
}

function guid(setting: string, value: string): void {
  const problem = guidRule(value);
  if (problem !== undefined) throw new KmdLogicError('config', `${setting} ${problem}`, `got ${JSON.stringify(value)}`, undefined, [setting]);
}

function checkOptions(o: KmdLogicClientOptions): void {
  const bad = (setting: string, what: string) => new KmdLogicError('config', `Invalid KMD Logic provider setting ${setting}`, what, undefined, [setting]);
  if (!o.clientId) throw bad('client_id', 'client_id is required: set it or KMDLOGIC_CLIENT_ID (the client credential id from the KMD Logic console)');
  const notGuid = guidRule(o.clientId);
  if (notGuid !== undefined) throw bad('client_id', `client_id ${notGuid} (got ${JSON.stringify(o.clientId)})`);
  if (!o.clientSecret) throw bad('client_secret', 'client_secret is required: set it or KMDLOGIC_CLIENT_SECRET');
  for (const [setting, url] of [['token_url', o.tokenUrl], ['api_url', o.apiUrl]] as const) {
    let ok = false;
    try {
      ok = ['http:', 'https:'].includes(new URL(url).protocol);
    } catch {
      ok = false;
    }
    if (!ok) throw bad(setting, `${setting} must be an http(s) URL (got ${JSON.stringify(redactUrl(url))})`);
  }
  if (!o.scope || !o.scope.trim()) throw bad('scope', 'scope must not be empty');
  for (const [setting, v] of [['request_timeout_seconds', o.requestTimeoutSeconds], ['retry_max_seconds', o.retryMaxSeconds]] as const) {
    if (v !== undefined && !(typeof v === 'number' && v > 0 && Number.isFinite(v))) throw bad(setting, `${setting} must be a positive number (got ${v})`);
  }
}

function checkInput(input: DataDistributorInput): void {
  const bad = (attr: string, what: string) => new KmdLogicError('config', `Invalid ${attr}`, what, undefined, [attr]);
  if (typeof input.name !== 'string' || !input.name.trim()) throw bad('name', 'name must not be empty');
  if (input.environment !== 'Production' && input.environment !== 'Test') {
    throw bad('environment', `environment must be "Production" or "Test" (got ${JSON.stringify(input.environment)})`);
  }
  if (!Buffer.isBuffer(input.certificate) || input.certificate.length === 0) {
    throw bad('certificate', 'certificate must be the non-empty content of the PKCS#12 (.pfx) file (base64 in the configuration)');
  }
}

/** Checks a configuration from a response; `write` responses may lack the provider (contract §2). */
function toConfiguration(value: unknown, subscriptionId: string, op: string, write = false): CprConfiguration {
  const fail = (what: string) => new KmdLogicError('unexpected', `Could not ${op}`, `KMD Logic returned a configuration ${what}`);
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw fail('that is not a JSON object');
  const v = value as Record<string, unknown>;
  const got: Partial<Record<ReportedAttribute, string>> = {};
  for (const [attribute, field] of REPORTED_FIELDS) if (typeof v[field] === 'string') got[attribute] = v[field] as string;
  if (got.id === undefined || !isGuid(got.id)) throw fail('without a GUID id');
  if (!write && got.name === undefined) throw fail(`${got.id} without a name`);
  return {
    id: got.id,
    subscription_id: got.subscription_id ?? subscriptionId,
    name: got.name ?? '',
    environment: got.environment ?? '',
    cpr_provider: got.cpr_provider ?? (write ? DATA_DISTRIBUTOR_PROVIDER : ''),
  };
}
