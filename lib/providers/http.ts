/**
 * The one HTTP client our providers use: node:http/https only (cheap to load at provider start-up),
 * a timeout per attempt, retries with exponential backoff and jitter on 429, 5xx, timeouts and dropped
 * connections (honouring Retry-After), and a bounded retry budget ending in an error that says what was
 * tried. A server that does not answer at all is judged once for all requests (reachability.ts): then
 * every waiting and later request fails at once. It never logs headers or bodies, and URLs appear
 * without credentials or query.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { readFileSync } from 'node:fs';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import { extraCaCertificates } from './plugin/startup';
import { isNotReached, Reachability, type Verdict } from './reachability';

export interface HttpLog {
  debug(message: string, fields?: Record<string, unknown>): void;
  /** Server-level events (a server stops answering, is taken as down). @default - debug */
  warn?(message: string, fields?: Record<string, unknown>): void;
}

/** The options a user sets, named in messages when they are wrong or when their budget ran out. */
export type HttpSetting = 'timeoutMs' | 'retryMaxMs' | 'caFile';

export interface HttpClientOptions {
  /** Timeout of one attempt, from connecting to the end of the response body. @default 30000 */
  readonly timeoutMs?: number;
  /** How long to keep retrying before giving up; an attempt already started may add one `timeoutMs`. @default 120000 */
  readonly retryMaxMs?: number;
  /**
   * How long refused connections (nothing listens) are retried before the server is taken as down; at
   * most retryMaxMs. @default 10000
   */
  readonly refusedRetryMaxMs?: number;
  /**
   * The user's names for timeoutMs, retryMaxMs and caFile (a provider's settings, such as
   * `request_timeout_seconds`), used in messages and in HttpRequestError.setting. @default - the option names
   */
  readonly settingNames?: Readonly<Partial<Record<HttpSetting, string>>>;
  /** PEM file of CA certificates trusted in addition to the system ones. */
  readonly caFile?: string;
  /** Do not verify TLS certificates (tests only). @default false */
  readonly insecureSkipVerify?: boolean;
  /** First backoff delay. @default 500 */
  readonly initialBackoffMs?: number;
  /** Largest backoff delay (Retry-After may ask for more). @default 15000 */
  readonly maxBackoffMs?: number;
  /** Largest response body accepted. @default 10 MiB */
  readonly maxResponseBytes?: number;
  readonly userAgent?: string;
  readonly log?: HttpLog;
  /** Jitter source, injectable for tests. @default Math.random */
  readonly random?: () => number;
}

export interface HttpRequest {
  readonly method: string;
  readonly url: string | URL;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  /**
   * POST/PATCH only: the request may be repeated after an unknown outcome (timeout, dropped connection,
   * 5xx) because repeating has no further effect (e.g. a token request). Without it such requests are
   * retried only when the server cannot have processed them (429, connection refused).
   */
  readonly retrySafe?: boolean;
  /** Stops further attempts and backoff waits (an attempt in flight finishes). */
  readonly signal?: AbortSignal;
  /**
   * Statuses that are this request's answer, returned at once and never retried, such as the 503 of a
   * health endpoint that reports Unhealthy. @default - none: 429 and 5xx are retried as described above
   */
  readonly answers?: readonly number[];
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  /** Attempts it took. */
  readonly attempts: number;
  text(): string;
  /** Parsed JSON, or undefined when the body is empty or not JSON. */
  json(): unknown;
}

/**
 * `outcome-unknown`: a request that is not safe to repeat (POST/PATCH) failed after it was sent, so it may
 * have taken effect; the caller must look before trying again. `not-retryable`: it failed in a way that
 * retrying would not change, and did not take effect as far as we can tell. `unreachable`: the server was
 * taken as down (see reachability.ts); the message is the verdict, the same for every request it ended.
 * `config`: an option is wrong; `setting` names it.
 */
export type HttpErrorKind = 'gave-up' | 'not-retryable' | 'outcome-unknown' | 'tls' | 'aborted' | 'config' | 'unreachable';

/** A request that did not produce a response to hand back. Its message never contains secrets. */
export class HttpRequestError extends Error {
  constructor(
    message: string,
    readonly kind: HttpErrorKind,
    readonly method: string,
    /** Without credentials or query. */
    readonly url: string,
    readonly attempts: number,
    readonly lastStatus?: number,
    /** Node error code of the last failure, e.g. ECONNREFUSED, ETIMEDOUT, DEPTH_ZERO_SELF_SIGNED_CERT. */
    readonly code?: string,
    /** The last response, when the last attempt got one (a retryable status). */
    readonly lastResponse?: HttpResponse,
    /** `config`: the user's name of the setting at fault (HttpClientOptions.settingNames). */
    readonly setting?: string,
  ) {
    super(message);
    this.name = 'HttpRequestError';
  }
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
const RETRYABLE_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'UND_ERR_SOCKET']);
/** An attempt ended because the server was taken as down meanwhile. */
const DOWN_CODE = 'ESERVERDOWN';
const TLS_CODE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS|ERR_SSL|ALTNAME/;

/** The URL as safe to show: no user info, no query (either may carry secrets). */
export function redactUrl(url: string | URL): string {
  try {
    const u = typeof url === 'string' ? new URL(url) : url;
    return `${u.protocol}//${u.host}${u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return '<invalid URL>';
  }
}

/** Retry-After as milliseconds (delta-seconds or HTTP-date); undefined when absent or unparsable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(v)) return Number(v) * 1000;
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** `connected`: the request reached the server's socket, so a request not safe to repeat may have taken effect. */
type Outcome = { response: HttpResponse } | { error: NodeJS.ErrnoException; connected: boolean };

export class HttpClient {
  private readonly timeoutMs: number;
  private readonly retryMaxMs: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxResponseBytes: number;
  private readonly random: () => number;
  private readonly httpAgent: http.Agent;
  private readonly freshHttpAgent: http.Agent;
  /** The TLS agents, made on first use: most runs of a provider speak one scheme. */
  private tlsAgents?: { readonly pooled: https.Agent; readonly fresh: https.Agent };
  private readonly ca?: (string | Buffer)[];
  private readonly rejectUnauthorized: boolean;
  private readonly reachability: Reachability;

  constructor(private readonly options: HttpClientOptions = {}) {
    const name = (option: string) => options.settingNames?.[option as HttpSetting] ?? option;
    this.timeoutMs = positive(options.timeoutMs, 30_000, name('timeoutMs'));
    this.retryMaxMs = positive(options.retryMaxMs, 120_000, name('retryMaxMs'));
    const refusedMs = positive(options.refusedRetryMaxMs, 10_000, 'refusedRetryMaxMs');
    this.initialBackoffMs = positive(options.initialBackoffMs, 500, 'initialBackoffMs');
    this.maxBackoffMs = positive(options.maxBackoffMs, 15_000, 'maxBackoffMs');
    this.maxResponseBytes = positive(options.maxResponseBytes, 10 * 1024 * 1024, 'maxResponseBytes');
    this.random = options.random ?? Math.random;
    let ca: (string | Buffer)[] | undefined = extraCaCertificates(); // NODE_EXTRA_CA_CERTS, deferred (plugin/startup.ts)
    if (options.caFile) {
      try {
        // In addition to, not instead of, the system roots.
        ca = [...rootCertificates, readFileSync(options.caFile)];
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message;
        throw new HttpRequestError(
          `cannot read the CA file ${options.caFile} (${code ? `${code}: ` : ''}${why}); check ${name('caFile')}`,
          'config', '', '', 0, undefined, code, undefined, name('caFile'),
        );
      }
    }
    const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
    this.reachability = new Reachability({
      retryMaxMs: this.retryMaxMs,
      refusedMs,
      describeBudget: (refused) =>
        refused
          ? seconds(Math.min(refusedMs, this.retryMaxMs))
          : `${name('retryMaxMs')} (${seconds(this.retryMaxMs)}) without an answer, each attempt waiting up to ${name('timeoutMs')} (${seconds(this.timeoutMs)})`,
      log: { warn: (m, f) => (options.log?.warn ?? options.log?.debug)?.call(options.log, m, f) },
    });
    this.httpAgent = new http.Agent({ keepAlive: true });
    this.freshHttpAgent = new http.Agent({ keepAlive: false });
    this.ca = ca;
    this.rejectUnauthorized = !options.insecureSkipVerify;
  }

  /**
   * Both TLS agents share one secure context: given `ca`, an agent would build a context (parsing every root
   * certificate) for each new connection, ~30 ms each; with one it is ~2 ms (bench/sections/tls-context).
   */
  private tls(): { readonly pooled: https.Agent; readonly fresh: https.Agent } {
    if (!this.tlsAgents) {
      const secureContext: SecureContext | undefined = this.ca ? createSecureContext({ ca: this.ca }) : undefined;
      const common = { rejectUnauthorized: this.rejectUnauthorized, ...(secureContext && { secureContext }) };
      this.tlsAgents = { pooled: new https.Agent({ keepAlive: true, ...common }), fresh: new https.Agent({ keepAlive: false, ...common }) };
    }
    return this.tlsAgents;
  }

  /**
   * Sends a request, retrying as described above. Returns every response that is not retried (including
   * 4xx); throws HttpRequestError when retries are exhausted or the failure is not retryable.
   */
  async request(req: HttpRequest): Promise<HttpResponse> {
    const method = req.method.toUpperCase();
    let url: URL;
    try {
      url = new URL(req.url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
    } catch {
      throw new HttpRequestError(`${method} ${redactUrl(req.url)}: not a valid http(s) URL`, 'config', method, redactUrl(req.url), 0);
    }
    const shown = redactUrl(url);
    const repeatable = IDEMPOTENT.has(method) || req.retrySafe === true;
    const started = Date.now();
    const fail = (message: string, kind: HttpErrorKind, attempts: number, status?: number, code?: string, response?: HttpResponse) =>
      new HttpRequestError(`${method} ${shown} ${message}`, kind, method, shown, attempts, status, code, response);
    const unreachable = (verdict: Verdict, attempts: number) => fail(`failed: ${verdict.message}`, 'unreachable', attempts, undefined, verdict.code);

    const server = this.reachability.begin(url.origin);
    try {
      for (let attempt = 1; ; attempt++) {
        if (req.signal?.aborted) throw fail(`aborted after ${attempt - 1} attempt(s)`, 'aborted', attempt - 1);
        // Judged down (before this request, or while it waited): not sent.
        const verdict = this.reachability.verdict(url.origin);
        if (verdict) throw unreachable(verdict, attempt - 1);
        // The first attempt starts the request's budget: a streak this attempt starts ends with it, not a millisecond later.
        const attemptStarted = attempt === 1 ? started : Date.now();
        const attempted = server.attempt();
        const outcome = await this.attempt(method, url, req, repeatable, server.down).finally(attempted);
        const elapsed = Date.now() - started;
        let what: string;
        let status: number | undefined;
        let code: string | undefined;
        let wait: number | undefined;

        if ('response' in outcome) {
          const { response } = outcome;
          this.reachability.answered(url.origin);
          status = response.status;
          this.options.log?.debug('http response', { method, url: shown, status, attempt, elapsedMs: elapsed });
          const retryable = (status === 429 || (status >= 500 && status !== 501)) && !req.answers?.includes(status);
          // 429: the server refused before processing, so even a POST may be repeated.
          if (!retryable || (!repeatable && status !== 429)) {
            if (retryable) throw fail(`got HTTP ${status} ${statusText(status)} and was not retried: the request is not safe to repeat; check whether it took effect`, 'outcome-unknown', attempt, status, undefined, response);
            return Object.assign(response, { attempts: attempt });
          }
          const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
          what = `HTTP ${status} ${statusText(status)}`;
          wait = this.nextWait(started, attempt, retryAfterMs);
          if (wait === undefined) throw fail(giveUpMessage(attempt, elapsed, what, retryAfterMs), 'gave-up', attempt, status, undefined, response);
        } else {
          const { error, connected } = outcome;
          code = error.code ?? 'UNKNOWN';
          if (code === DOWN_CODE) {
            // Taken as down while this attempt was in flight: a request not safe to repeat may have arrived.
            const down = this.reachability.verdict(url.origin)!;
            if (!repeatable && connected) {
              throw fail(`got no answer before the server was taken as down, so it may have taken effect; check whether it did (${down.message})`, 'outcome-unknown', attempt, undefined, down.code);
            }
            throw unreachable(down, attempt);
          }
          this.options.log?.debug('http failure', { method, url: shown, code, attempt, elapsedMs: elapsed });
          if (TLS_CODE.test(code)) {
            throw fail(`failed: ${tlsReason(error, url.host)}: TLS certificate not accepted (${code}); ${tlsHint(code)}`, 'tls', attempt, undefined, code);
          }
          what = code === 'ETIMEDOUT' ? `timeout after ${this.timeoutMs} ms` : `${describeCode(code)} (${code})`;
          // An unfamiliar failure of a POST may have come after the server got it; a failed name lookup cannot.
          if (!RETRYABLE_CODES.has(code)) throw fail(`failed: ${what}`, repeatable || code === 'ENOTFOUND' ? 'not-retryable' : 'outcome-unknown', attempt, undefined, code);
          const judged = this.reachability.failed(url.origin, server.id, attemptStarted, code, what);
          if (!repeatable && !isNotReached(code)) {
            throw fail(`failed: ${what}, and was not retried: the request is not safe to repeat; check whether it took effect`, 'outcome-unknown', attempt, undefined, code);
          }
          if ('verdict' in judged) throw unreachable(judged.verdict, attempt);
          // Not beyond the end of the server's budget: the last attempt falls on it, then the verdict.
          wait = this.nextWait(started, attempt, undefined, judged.until);
          if (wait === undefined) throw fail(giveUpMessage(attempt, elapsed, what), 'gave-up', attempt, undefined, code);
        }

        this.options.log?.debug('http retry', { method, url: shown, attempt, waitMs: wait, last: what });
        if (!(await sleep(wait, req.signal, server.down))) {
          const down = this.reachability.verdict(url.origin);
          if (down && !req.signal?.aborted) throw unreachable(down, attempt);
          throw fail(`aborted after ${attempt} attempt(s); last: ${what}`, 'aborted', attempt, status, code);
        }
      }
    } finally {
      server.end();
    }
  }

  /** Frees pooled keep-alive sockets. */
  close(): void {
    this.httpAgent.destroy();
    this.freshHttpAgent.destroy();
    this.tlsAgents?.pooled.destroy();
    this.tlsAgents?.fresh.destroy();
  }

  /**
   * The wait before the next attempt, which starts no later than `latest` (the end of the server's budget),
   * or undefined when it would start past this request's own budget. One clock reading for both: the server's
   * budget never ends after the request's own (the streak counts from the earliest failed attempt), so a
   * wait capped by it never gives up by a millisecond of difference between readings.
   */
  private nextWait(started: number, attempt: number, retryAfterMs?: number, latest = Infinity): number | undefined {
    const now = Date.now();
    const exp = Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** (attempt - 1));
    // "Equal jitter": never below half the backoff, so retries do not bunch up near zero.
    const backoff = exp / 2 + this.random() * (exp / 2);
    const next = Math.min(now + (retryAfterMs !== undefined ? Math.max(retryAfterMs, 0) : backoff), latest);
    return next > started + this.retryMaxMs ? undefined : Math.max(0, Math.round(next - now));
  }

  private attempt(method: string, url: URL, req: HttpRequest, repeatable: boolean, down: AbortSignal): Promise<Outcome> {
    return new Promise((resolve) => {
      const isHttps = url.protocol === 'https:';
      const headers: Record<string, string | number> = { Accept: 'application/json', ...req.headers };
      if (this.options.userAgent) headers['User-Agent'] = this.options.userAgent;
      if (req.body !== undefined) headers['Content-Length'] = Buffer.byteLength(req.body);
      let settled = false;
      let ended: string | undefined;
      let connected = false;
      const settle = (o: { response: HttpResponse } | { error: NodeJS.ErrnoException }) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        down.removeEventListener('abort', onDown);
        // Destroying on timeout (or verdict) may surface as a reset: report what really happened.
        if ('response' in o) resolve(o);
        else resolve({ error: ended ? Object.assign(new Error(ended), { code: ended }) : o.error, connected });
      };
      const end = (code: string) => {
        ended = code;
        request.destroy(Object.assign(new Error(code), { code }));
      };
      const onDown = () => end(DOWN_CODE);
      // A request that must not be repeated gets a fresh connection: a reset then cannot be a stale
      // keep-alive socket, so it really means "outcome unknown".
      const agent = isHttps ? (repeatable ? this.tls().pooled : this.tls().fresh) : repeatable ? this.httpAgent : this.freshHttpAgent;
      const request = (isHttps ? https : http).request(url, { method, headers, agent }, (res) => {
        connected = true;
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > this.maxResponseBytes) {
            request.destroy(Object.assign(new Error('response too large'), { code: 'ERESPONSETOOLARGE' }));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          settle({ response: makeResponse(res.statusCode ?? 0, res.headers, body) });
        });
        res.on('error', (error) => settle({ error }));
        res.on('aborted', () => settle({ error: Object.assign(new Error('connection dropped mid-response'), { code: 'ECONNRESET' }) }));
      });
      // The timer spans the whole attempt (connect, send, wait, read): socket idle timeouts miss slow drips.
      const timer = setTimeout(() => end('ETIMEDOUT'), this.timeoutMs);
      request.on('socket', (socket) => {
        if (!socket.connecting) connected = true;
        else socket.once('connect', () => (connected = true));
      });
      request.on('error', (error: NodeJS.ErrnoException) => settle({ error }));
      if (down.aborted) onDown();
      else down.addEventListener('abort', onDown, { once: true });
      // Safety net: a close with neither response end nor error still ends the attempt.
      request.on('close', () => setImmediate(() => settle({ error: Object.assign(new Error('connection closed'), { code: 'ECONNRESET' }) })));
      request.end(req.body);
    });
  }
}

function makeResponse(status: number, headers: http.IncomingHttpHeaders, body: Buffer): HttpResponse {
  return {
    status,
    headers,
    body,
    attempts: 1,
    text: () => body.toString('utf8'),
    json: () => {
      if (body.length === 0) return undefined;
      try {
        return JSON.parse(body.toString('utf8'));
      } catch {
        return undefined;
      }
    },
  };
}

/** "Equal jitter" backoff before attempt `attempt + 1` of something the caller repeats itself (a create). */
export function backoffMs(attempt: number, initialMs = 250, maxMs = 5000): number {
  const exp = Math.min(maxMs, initialMs * 2 ** (attempt - 1));
  return Math.round(exp / 2 + Math.random() * (exp / 2));
}

/** Waits `ms`; false when one of `signals` aborted the wait. */
export function sleep(ms: number, ...signals: (AbortSignal | undefined)[]): Promise<boolean> {
  const given = signals.filter((s): s is AbortSignal => s !== undefined);
  if (given.some((s) => s.aborted)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (result: boolean) => {
      clearTimeout(timer);
      for (const s of given) s.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    for (const s of given) s.addEventListener('abort', onAbort, { once: true });
  });
}

function giveUpMessage(attempts: number, elapsedMs: number, last: string, retryAfterMs?: number): string {
  const after = retryAfterMs !== undefined ? `; the server asked to retry after ${Math.round(retryAfterMs / 1000)} s, beyond the retry budget` : '';
  return `gave up after ${attempts} attempt(s) in ${(elapsedMs / 1000).toFixed(1)} s; last: ${last}${after}`;
}

/** OpenSSL's reason ("self-signed certificate in certificate chain") and the host that sent the certificate. */
function tlsReason(error: Error, host: string): string {
  const reason = error.message.replace(/\s*:\s*$/, '').replace(/\s+/g, ' ').slice(0, 200);
  return `${reason} (server ${host})`;
}

function tlsHint(code: string): string {
  return /ALTNAME/.test(code)
    ? 'the certificate is not issued for this host name: use a URL with a host name the certificate lists'
    : "trust the server's CA with a CA file, or (tests only) skip verification";
}

function statusText(status: number): string {
  return http.STATUS_CODES[status] ?? '';
}

function describeCode(code: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return 'connection dropped';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found';
    case 'ERESPONSETOOLARGE':
      return 'response too large';
    default:
      return 'network error';
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!(typeof value === 'number' && value > 0 && Number.isFinite(value))) {
    throw new HttpRequestError(`${name} must be a positive number (got ${String(value)})`, 'config', '', '', 0, undefined, undefined, undefined, name);
  }
  return value;
}
