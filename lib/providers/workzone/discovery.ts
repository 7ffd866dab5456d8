/**
 * The token endpoint of WorkZone's OAuth server when `token_url` is not set. WorkZone's OAuth server
 * follows IdentityServer, which publishes its endpoints in a discovery document at
 * `<url>/.well-known/openid-configuration` (OpenID Connect Discovery 1.0): its `token_endpoint` is used.
 *
 * Looked up once per provider process and only when a token is first needed, over the provider's own HTTP
 * client, so that a server already taken as down costs nothing more (reachability.ts). A missing or
 * unusable document falls back to IdentityServer's default, `<url>/connect/token`, said at debug level.
 */
import { HttpRequestError, redactUrl, type HttpClient, type HttpLog } from '../http';

/** Where IdentityServer publishes its discovery document, relative to its base URL. */
export const DISCOVERY_PATH = '/.well-known/openid-configuration';
/** IdentityServer's token endpoint, relative to its base URL. */
export const DEFAULT_TOKEN_PATH = '/connect/token';

/** What the provider and `workzone-cpr doctor` read from a discovery document. */
export interface DiscoveryDocument {
  readonly issuer?: string;
  /** Absolute http(s) URL, never a downgrade from https to http. */
  readonly tokenEndpoint?: string;
  readonly grantTypesSupported?: readonly string[];
  readonly tokenEndpointAuthMethodsSupported?: readonly string[];
}

/** `<url>/<path>` for a WorkZone URL that may have a path of its own (https://host/WorkZone). */
export function underWorkZone(url: string, path: string): string {
  return `${url.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/**
 * The fields of a discovery document, and what is wrong with it (a token endpoint that is not an absolute
 * http(s) URL, or that would send client secrets over plain http when the document came over https).
 */
export function parseDiscoveryDocument(body: unknown, documentUrl: string): { readonly document: DiscoveryDocument; readonly problems: readonly string[] } {
  const problems: string[] = [];
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { document: {}, problems: ['it is not a JSON object'] };
  const b = body as Record<string, unknown>;
  const strings = (name: string): string[] | undefined => {
    const v = b[name];
    if (v === undefined) return undefined;
    if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v as string[];
    problems.push(`${name} is not a list of strings`);
    return undefined;
  };
  let tokenEndpoint: string | undefined;
  if (typeof b.token_endpoint !== 'string') {
    problems.push(b.token_endpoint === undefined ? 'it has no token_endpoint' : 'token_endpoint is not a string');
  } else {
    try {
      const url = new URL(b.token_endpoint);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') problems.push(`token_endpoint ${redactUrl(url)} is not an http(s) URL`);
      else if (url.protocol === 'http:' && new URL(documentUrl).protocol === 'https:') problems.push(`token_endpoint ${redactUrl(url)} is plain http, while the document came over https`);
      else tokenEndpoint = url.href;
    } catch {
      problems.push('token_endpoint is not an absolute URL');
    }
  }
  const grantTypesSupported = strings('grant_types_supported');
  const tokenEndpointAuthMethodsSupported = strings('token_endpoint_auth_methods_supported');
  const document: DiscoveryDocument = {
    ...(typeof b.issuer === 'string' && { issuer: b.issuer }),
    ...(tokenEndpoint && { tokenEndpoint }),
    ...(grantTypesSupported && { grantTypesSupported }),
    ...(tokenEndpointAuthMethodsSupported && { tokenEndpointAuthMethodsSupported }),
  };
  return { document, problems };
}

/** The token endpoint of one provider configuration: the setting, else discovered (once), else the default. */
export class TokenEndpoint {
  private discovered: Promise<string> | undefined;

  constructor(
    private readonly o: {
      readonly http: HttpClient;
      /** The provider setting `url`. */
      readonly url: string;
      /** The provider setting `token_url`, when set. */
      readonly tokenUrl?: string;
      readonly log?: HttpLog;
    },
  ) {}

  /** The URL token requests go to. */
  url(): Promise<string> {
    if (this.o.tokenUrl !== undefined) return Promise.resolve(this.o.tokenUrl);
    this.discovered ??= this.discover();
    return this.discovered;
  }

  private async discover(): Promise<string> {
    const fallback = underWorkZone(this.o.url, DEFAULT_TOKEN_PATH);
    const documentUrl = underWorkZone(this.o.url, DISCOVERY_PATH);
    const useDefault = (why: string) => {
      this.o.log?.debug(`workzone: token_url not set and ${why}; using the default token endpoint`, { discovery: redactUrl(documentUrl), token_url: redactUrl(fallback) });
      return fallback;
    };
    let body: unknown;
    try {
      const res = await this.o.http.request({ method: 'GET', url: documentUrl, headers: { Accept: 'application/json' } });
      if (res.status !== 200) return useDefault(`the discovery document answered HTTP ${res.status}`);
      body = res.json();
    } catch (err) {
      if (!(err instanceof HttpRequestError)) throw err;
      return useDefault(`the discovery document could not be read (${err.message})`);
    }
    const { document, problems } = parseDiscoveryDocument(body, documentUrl);
    if (!document.tokenEndpoint) return useDefault(`the discovery document is not usable: ${problems.join('; ')}`);
    this.o.log?.debug('workzone: token endpoint found by discovery', { discovery: redactUrl(documentUrl), token_url: redactUrl(document.tokenEndpoint) });
    return document.tokenEndpoint;
  }
}
