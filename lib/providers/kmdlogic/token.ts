/**
 * Access tokens for Logic APIs (client credentials grant, docs/kmdlogic-api.md §1): fetched on demand,
 * cached, renewed before expiry, and dropped when the API refuses one. Concurrent callers share one token
 * request, so a burst of terraform operations never stampedes the identity service.
 */
import { HttpRequestError, redactUrl, type HttpClient } from '../http';
import type { SettingSources } from '../plugin/types';
import { KmdLogicError, scrub, serverMessage, transportSummary, whereSet, withHint } from './errors';

export interface TokenSourceOptions {
  readonly http: HttpClient;
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scope: string;
  readonly signal?: AbortSignal;
  /** Settings read from the environment, so that a refusal names what the user set. */
  readonly fromEnv?: SettingSources;
  /** Clock, injectable for tests. */
  readonly now?: () => number;
}

interface Cached {
  readonly accessToken: string;
  readonly renewAt: number;
}

/** Lifetime assumed when the response has no usable expires_in. */
const FALLBACK_LIFETIME_S = 300;

export class TokenSource {
  private cached: Cached | undefined;
  private inflight: Promise<Cached> | undefined;
  /** Token requests sent (tests, logs). */
  requests = 0;

  constructor(private readonly o: TokenSourceOptions) {}

  /** A valid access token, from the cache or a new (shared) token request. */
  async get(): Promise<string> {
    const now = (this.o.now ?? Date.now)();
    if (this.cached && now < this.cached.renewAt) return this.cached.accessToken;
    this.inflight ??= this.fetch().finally(() => (this.inflight = undefined));
    this.cached = await this.inflight;
    return this.cached.accessToken;
  }

  /** The access token held now, if any: for scrubbing server messages that might echo it. */
  current(): string | undefined {
    return this.cached?.accessToken;
  }

  /** Forgets `accessToken` if it is still the cached one (the API refused it: revoked or rolled over). */
  invalidate(accessToken: string): void {
    if (this.cached?.accessToken === accessToken) this.cached = undefined;
  }

  private async fetch(): Promise<Cached> {
    const { tokenUrl, clientId, clientSecret, scope } = this.o;
    const started = (this.o.now ?? Date.now)();
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope });
    this.requests++;
    let res;
    try {
      res = await this.o.http.request({
        method: 'POST',
        url: tokenUrl,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        retrySafe: true, // a token request has no side effect worth protecting
        signal: this.o.signal,
      });
    } catch (err) {
      if (err instanceof HttpRequestError) {
        throw new KmdLogicError('unavailable', transportSummary(err, 'could not get a KMD Logic access token', 'could not get an access token'), withHint(err, 'token_url'), err.lastStatus);
      }
      throw err;
    }

    const body = res.json() as Record<string, unknown> | undefined;
    const where = `token_url ${redactUrl(tokenUrl)}`;
    const said = scrub(serverMessage(body, res.text()) ?? '', [clientSecret]);
    const error = typeof body?.error === 'string' ? body.error : undefined;
    if (res.status === 401 || ((res.status === 400 || res.status === 403) && (error === 'invalid_client' || error === 'unauthorized_client'))) {
      throw new KmdLogicError(
        'credentials',
        'KMD Logic rejected the client credentials: check client_id / client_secret',
        `${where} refused client_id ${clientId} with its secret (HTTP ${res.status}${error ? ` ${error}` : ''}). ` +
          `${whereSet(['client_id', 'client_secret'], this.o.fromEnv)}. ` +
          'Copy both from the client credential in the KMD Logic console.',
        res.status,
      );
    }
    if (error === 'invalid_scope') {
      throw new KmdLogicError('token', 'KMD Logic rejected the requested scope: check scope', `scope ${JSON.stringify(scope)} at ${where}: ${said}`, res.status);
    }
    if (res.status !== 200) {
      throw new KmdLogicError('token', 'Could not get a KMD Logic access token', `${where} answered HTTP ${res.status}${said ? `: ${said}` : ''}`, res.status);
    }
    const accessToken = body?.access_token;
    if (typeof accessToken !== 'string' || accessToken === '') {
      throw new KmdLogicError('token', 'Could not get a KMD Logic access token', `${where} answered 200 without an access_token; is token_url the Logic token endpoint?`);
    }
    const type = body?.token_type;
    if (type !== undefined && (typeof type !== 'string' || type.toLowerCase() !== 'bearer')) {
      throw new KmdLogicError('token', 'Could not get a KMD Logic access token', `${where} issued a ${JSON.stringify(type)} token; only Bearer tokens are supported`);
    }
    const expiresIn = Number(body?.expires_in);
    const lifetimeS = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : FALLBACK_LIFETIME_S;
    // Renew 30 s early (clock skew, request time), or at half-life for short-lived tokens.
    const marginS = Math.min(30, lifetimeS / 2);
    return { accessToken, renewAt: started + (lifetimeS - marginS) * 1000 };
  }
}
