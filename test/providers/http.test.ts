import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HttpClient, HttpRequestError, parseRetryAfter, redactUrl, type HttpClientOptions } from '../../lib/providers/http';
import * as http from 'node:http';
import { startWorkZoneEmulator, type WorkZoneEmulator } from '../../lib/emulators/workzone';
import { silentServer } from '../../bench/support/unreachable';

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
const fast: HttpClientOptions = { timeoutMs: 2000, retryMaxMs: 3000, initialBackoffMs: 20, maxBackoffMs: 100 };

async function caught(p: Promise<unknown>): Promise<HttpRequestError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(HttpRequestError);
    return err as HttpRequestError;
  }
  throw new Error('expected the request to fail');
}

describe('HttpClient against the WorkZone emulator', () => {
  let wz: WorkZoneEmulator;
  let http: HttpClient;
  let logged: unknown[];
  let userUrl: string;
  let auth: Record<string, string>;

  beforeEach(async () => {
    wz = await startWorkZoneEmulator({ adminPassword: 'Very-Secret-Admin-Pw' });
    logged = [];
    http = new HttpClient({ ...fast, log: { debug: (m, f) => logged.push([m, f]) } });
    userUrl = `${wz.odataUrl}/Users('CPRBATCHUSER')`;
    auth = { Authorization: basic(wz.username, wz.password) };
  });
  afterEach(async () => {
    http.close();
    await wz.close();
  });

  test('plain GET: JSON, one attempt', async () => {
    const res = await http.request({ method: 'GET', url: userUrl, headers: auth });
    expect(res.status).toBe(200);
    expect(res.attempts).toBe(1);
    expect(res.json()).toMatchObject({ Initials: 'CPRBATCHUSER' });
  });

  test('retries 503 and succeeds', async () => {
    wz.faults.set({ errorRate: 1, errorStatus: 503, limit: 2 });
    const res = await http.request({ method: 'GET', url: userUrl, headers: auth });
    expect(res.status).toBe(200);
    expect(res.attempts).toBe(3);
    expect(wz.faults.counters).toMatchObject({ requests: 3, errors: 2 });
  });

  test('a status the request takes as its answer (a health endpoint\'s 503) is returned at once, not retried', async () => {
    wz.faults.set({ errorRate: 1, errorStatus: 503 });
    const res = await http.request({ method: 'GET', url: userUrl, headers: auth, answers: [503] });
    expect([res.status, res.attempts]).toEqual([503, 1]);
    // Other retryable statuses are still retried.
    wz.faults.set({ errorRate: 1, errorStatus: 502, limit: 1 });
    expect((await http.request({ method: 'GET', url: userUrl, headers: auth, answers: [503] })).attempts).toBe(2);
  });

  test('gives up after the retry budget, saying what was tried, without credentials or query', async () => {
    wz.faults.set({ errorRate: 1, errorStatus: 502 });
    const client = new HttpClient({ ...fast, retryMaxMs: 400 });
    const withCreds = userUrl.replace('http://', 'http://someone:Url-Password@') + '?token=Query-Secret';
    const t0 = Date.now();
    const err = await caught(client.request({ method: 'GET', url: withCreds, headers: auth }));
    const elapsed = Date.now() - t0;
    client.close();
    expect(elapsed).toBeLessThan(1500);
    expect(err.kind).toBe('gave-up');
    expect(err.lastStatus).toBe(502);
    expect(err.attempts).toBeGreaterThanOrEqual(3);
    expect(err.attempts).toBe(wz.faults.counters.requests);
    expect(err.message).toMatch(new RegExp(`^GET ${wz.url.replace(/[.]/g, '\\.')}/odata/Users\\('CPRBATCHUSER'\\)\\?… gave up after ${err.attempts} attempt\\(s\\) in [\\d.]+ s; last: HTTP 502 Bad Gateway$`));
    expect(err.message).not.toMatch(/Url-Password|someone|Query-Secret|Very-Secret/);
  });

  test('4xx other than 429 is returned, not retried', async () => {
    const res = await http.request({ method: 'GET', url: `${wz.odataUrl}/Users('NOBODY')`, headers: auth });
    expect(res.status).toBe(404);
    expect(res.attempts).toBe(1);
    const unauth = await http.request({ method: 'GET', url: userUrl });
    expect(unauth.status).toBe(401);
    expect(wz.faults.counters.requests).toBe(2);
  });

  test('honours Retry-After (seconds) on 429', async () => {
    wz.faults.set({ errorRate: 1, errorStatus: 429, retryAfterSeconds: 1, limit: 1 });
    const t0 = Date.now();
    const res = await http.request({ method: 'GET', url: userUrl, headers: auth });
    expect(res.status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950); // backoff alone would be ~20 ms
  });

  test('a Retry-After beyond the budget gives up at once and says so', async () => {
    wz.faults.set({ errorRate: 1, errorStatus: 503, retryAfterSeconds: 60 });
    const t0 = Date.now();
    const err = await caught(http.request({ method: 'GET', url: userUrl, headers: auth }));
    expect(Date.now() - t0).toBeLessThan(500);
    expect(err.attempts).toBe(1);
    expect(err.message).toMatch(/asked to retry after 60 s, beyond the retry budget/);
  });

  test('POST: not retried on 5xx or a dropped connection unless safe; retried on 429', async () => {
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'x', client_secret: 'Form-Secret-123' }).toString();
    const post = (retrySafe?: boolean) =>
      http.request({ method: 'POST', url: wz.tokenUrl, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body, retrySafe });

    wz.faults.set({ errorRate: 1, errorStatus: 503, limit: 1 });
    const err = await caught(post());
    expect(err.kind).toBe('outcome-unknown');
    expect(err.attempts).toBe(1);
    expect(err.message).toMatch(/^POST .*\/connect\/token got HTTP 503 Service Unavailable and was not retried: the request is not safe to repeat/);

    wz.faults.set({ dropRate: 1, limit: 1 });
    const dropped = await caught(post());
    expect(dropped.kind).toBe('outcome-unknown');
    expect(dropped.code).toBe('ECONNRESET');

    wz.faults.reset();
    wz.faults.set({ errorRate: 1, errorStatus: 503, limit: 1 });
    expect((await post(true)).status).toBe(401); // reached the endpoint on attempt 2

    wz.faults.set({ errorStatus: 429, limit: 1 });
    const after429 = await post();
    expect(after429.status).toBe(401);
    expect(after429.attempts).toBe(2);
    expect(JSON.stringify(logged)).not.toContain('Form-Secret-123');
  });

  test('dropped connections are retried for GET', async () => {
    wz.faults.set({ dropRate: 1, limit: 2 });
    const res = await http.request({ method: 'GET', url: userUrl, headers: auth });
    expect(res.status).toBe(200);
    expect(res.attempts).toBe(3);
    expect(wz.faults.counters.drops).toBe(2);
  });

  test('timeouts are retried, then the server is taken as down with the timeout and the budgets named', async () => {
    wz.faults.set({ latencyMs: 400 });
    const client = new HttpClient({ ...fast, timeoutMs: 100, retryMaxMs: 500, settingNames: { timeoutMs: 'request_timeout_seconds', retryMaxMs: 'retry_max_seconds' } });
    const err = await caught(client.request({ method: 'GET', url: userUrl, headers: auth }));
    client.close();
    expect(err.kind).toBe('unreachable');
    expect(err.code).toBe('ETIMEDOUT');
    expect(err.attempts).toBeGreaterThanOrEqual(2);
    expect(err.message).toContain(`failed: ${wz.url} did not answer for 0.5 s (`);
    expect(err.message).toContain('last: timeout after 100 ms); after retry_max_seconds (0.5 s) without an answer, each attempt waiting up to request_timeout_seconds (0.1 s), the server is taken as down');

    wz.faults.set({ latencyMs: 0 });
    expect((await http.request({ method: 'GET', url: userUrl, headers: auth })).status).toBe(200);
  });

  test('latency under the timeout is fine', async () => {
    wz.faults.set({ latencyMs: 100 });
    const res = await http.request({ method: 'GET', url: userUrl, headers: auth });
    expect(res.status).toBe(200);
    expect(res.attempts).toBe(1);
  });

  test('an abort stops the retries', async () => {
    wz.faults.set({ errorRate: 1 });
    const ctrl = new AbortController();
    const client = new HttpClient({ ...fast, initialBackoffMs: 1000, maxBackoffMs: 1000, retryMaxMs: 60_000 });
    setTimeout(() => ctrl.abort(), 150);
    const t0 = Date.now();
    const err = await caught(client.request({ method: 'GET', url: userUrl, headers: auth, signal: ctrl.signal }));
    client.close();
    expect(err.kind).toBe('aborted');
    expect(Date.now() - t0).toBeLessThan(800);
  });

  test('backoff doubles up to the cap, with "equal jitter" between half and all of it', async () => {
    wz.faults.set({ errorRate: 1, errorStatus: 503, limit: 5 });
    const waits = (random: () => number) => {
      const log: number[] = [];
      const client = new HttpClient({ ...fast, initialBackoffMs: 20, maxBackoffMs: 100, random, log: { debug: (m, f) => m === 'http retry' && log.push(f!.waitMs as number) } });
      return { client, log };
    };
    const low = waits(() => 0);
    expect((await low.client.request({ method: 'GET', url: userUrl, headers: auth })).attempts).toBe(6);
    expect(low.log).toEqual([10, 20, 40, 50, 50]);
    wz.faults.set({ limit: 5 });
    const high = waits(() => 0.999);
    await high.client.request({ method: 'GET', url: userUrl, headers: auth });
    expect(high.log).toEqual([20, 40, 80, 100, 100]);
    low.client.close();
    high.client.close();
  });

  test('a mix of injected statuses (503, 429, 500) and drops is ridden out; the emulator counts each', async () => {
    wz.faults.set({ errorRate: 0.5, errorStatuses: [503, 429, 500], dropRate: 0.2 });
    const client = new HttpClient({ ...fast, retryMaxMs: 20_000 });
    for (let i = 0; i < 30; i++) expect((await client.request({ method: 'GET', url: userUrl, headers: auth })).status).toBe(200);
    client.close();
    const { counters, errorsByStatus } = wz.faults.snapshot();
    expect(counters.requests).toBe(30 + counters.errors + counters.drops);
    expect(Object.values(errorsByStatus).reduce((a, b) => a + b, 0)).toBe(counters.errors);
    expect(Object.keys(errorsByStatus).every((s) => ['503', '429', '500'].includes(s))).toBe(true);
    expect(counters.errors).toBeGreaterThan(0);
  });

  test('a client error that is not retryable (404, 400) makes exactly one request', async () => {
    for (const [url, method, body] of [
      [`${wz.odataUrl}/Users('NOBODY')`, 'GET', undefined],
      [`${wz.odataUrl}/OAuthClients`, 'POST', '{"ClientId":'],
    ] as const) {
      wz.faults.resetCounters();
      const res = await http.request({ method, url, headers: { ...auth, 'Content-Type': 'application/json' }, body });
      expect([400, 404]).toContain(res.status);
      expect(res.attempts).toBe(1);
      expect(wz.faults.counters.requests).toBe(1);
    }
  });

  test('logs carry method, URL, status and attempt only', async () => {
    wz.faults.set({ errorRate: 1, limit: 1 });
    await http.request({ method: 'GET', url: userUrl, headers: auth });
    const text = JSON.stringify(logged);
    expect(text).toContain('"status":503');
    expect(text).toContain('http retry');
    expect(text).not.toContain(wz.password);
    expect(text).not.toContain(auth.Authorization.slice(6));
  });
});

describe('HttpClient without a server', () => {
  /** A URL of a port nobody listens on. */
  async function closedUrl(): Promise<string> {
    const wz = await startWorkZoneEmulator();
    await wz.close();
    return `${wz.url}/odata`;
  }

  test('connection refused gets a few quick retries, not the whole retry budget, then names the server', async () => {
    const url = await closedUrl();
    const client = new HttpClient({ ...fast, retryMaxMs: 60_000, refusedRetryMaxMs: 800 });
    const t0 = Date.now();
    const err = await caught(client.request({ method: 'POST', url, body: '{}' }));
    const elapsed = Date.now() - t0;
    client.close();
    expect(elapsed).toBeGreaterThanOrEqual(790);
    expect(elapsed).toBeLessThan(2000);
    expect(err.kind).toBe('unreachable');
    expect(err.code).toBe('ECONNREFUSED');
    expect(err.attempts).toBeGreaterThanOrEqual(3); // even a POST: it never reached the server
    expect(err.message).toMatch(new RegExp(`^POST ${url.replace(/[.]/g, '\\.')} failed: ${new URL(url).origin.replace(/[.]/g, '\\.')} refused every connection for 0\\.8 s \\(\\d+ attempt\\(s\\) by 1 request\\(s\\); last: connection refused \\(ECONNREFUSED\\)\\); a refused connection is retried for 0\\.8 s, then the server is taken as down for the rest of this run$`));
  });

  test('a server killed under load (connections in flight dropped, then refused) gets the refused budget, not the whole one', async () => {
    // What a kill looks like from the client: the connection in flight is reset, then nothing listens.
    const server = http.createServer((req) => {
      req.socket.destroy();
      server.close();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const client = new HttpClient({ ...fast, retryMaxMs: 60_000, refusedRetryMaxMs: 800 });
    const t0 = Date.now();
    const err = await caught(client.request({ method: 'GET', url: `${origin}/odata` }));
    const elapsed = Date.now() - t0;
    client.close();
    expect(elapsed).toBeLessThan(2000);
    expect(err.kind).toBe('unreachable');
    expect(err.code).toBe('ECONNREFUSED');
    expect(err.message).toMatch(new RegExp(`failed: ${origin.replace(/[.]/g, '\\.')} did not answer, then refused connections, for 0\\.\\d s \\(\\d+ attempt\\(s\\) by 1 request\\(s\\); last: connection refused \\(ECONNREFUSED\\)\\); a refused connection is retried for 0\\.8 s`));
  });

  test('a request whose own budget is the refused budget ends with the verdict, never a millisecond before it', async () => {
    // The request's budget and the streak it starts begin at the same instant: the server's verdict, not "gave up".
    for (let i = 0; i < 20; i++) {
      const client = new HttpClient({ ...fast, retryMaxMs: 120 });
      const err = await caught(client.request({ method: 'GET', url: await closedUrl() }));
      client.close();
      expect(err.kind).toBe('unreachable');
    }
  });

  test('ten requests at once share one verdict; a later request fails at once without being sent', async () => {
    const url = await closedUrl();
    const client = new HttpClient({ ...fast, retryMaxMs: 60_000, refusedRetryMaxMs: 600 });
    const t0 = Date.now();
    const errors = await Promise.all(Array.from({ length: 10 }, (_, i) => caught(client.request({ method: 'GET', url: `${url}/Users('U${i}')` }))));
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(new Set(errors.map((e) => e.kind))).toEqual(new Set(['unreachable']));
    // One verdict: the same words for every request.
    expect(new Set(errors.map((e) => e.message.slice(e.message.indexOf(' failed: '))))).toHaveProperty('size', 1);
    expect(errors[0].message).toMatch(/by 10 request\(s\)/);
    const t1 = Date.now();
    const later = await caught(client.request({ method: 'GET', url }));
    expect(Date.now() - t1).toBeLessThan(50);
    expect(later.kind).toBe('unreachable');
    expect(later.attempts).toBe(0);
    client.close();
  });

  test('a server that comes back within the budget is used: one refused connection is no verdict', async () => {
    const url = await closedUrl();
    const { port } = new URL(url);
    const client = new HttpClient({ ...fast, refusedRetryMaxMs: 5000 });
    let revived: http.Server | undefined;
    setTimeout(() => {
      revived = http.createServer((_req, res) => res.end('{"ok":true}')).listen(Number(port), '127.0.0.1');
    }, 300);
    const res = await client.request({ method: 'GET', url });
    expect(res.status).toBe(200);
    expect(res.attempts).toBeGreaterThanOrEqual(2);
    expect((await client.request({ method: 'GET', url })).attempts).toBe(1);
    client.close();
    await new Promise((r) => revived!.close(r));
  });

  test('one slow endpoint of a server that answers otherwise is no verdict: only that request gives up', async () => {
    const server = http.createServer((req, res) => {
      if (req.url !== '/slow') res.end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const client = new HttpClient({ ...fast, timeoutMs: 200, retryMaxMs: 1000 });
    let answered = 0;
    const others = setInterval(() => void client.request({ method: 'GET', url: `${base}/ok` }).then(() => answered++), 100);
    const err = await caught(client.request({ method: 'GET', url: `${base}/slow` }));
    clearInterval(others);
    expect(answered).toBeGreaterThan(3);
    expect(err.kind).toBe('gave-up');
    expect(err.code).toBe('ETIMEDOUT');
    expect((await client.request({ method: 'GET', url: `${base}/ok` })).status).toBe(200);
    client.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  describe('a server that accepts connections and never answers', () => {
    let silent: Awaited<ReturnType<typeof silentServer>>;
    beforeEach(async () => (silent = await silentServer()));
    afterEach(() => silent.close());

    test('requests in flight end when the budget does, not a request timeout later; later ones are not sent', async () => {
      const client = new HttpClient({ ...fast, timeoutMs: 1000, retryMaxMs: 1400 });
      const t0 = Date.now();
      const errors = await Promise.all(Array.from({ length: 5 }, () => caught(client.request({ method: 'GET', url: `${silent.url}/odata` }))));
      const elapsed = Date.now() - t0;
      // Attempts run 0-1 s and 1-2 s; the budget ends at 1.4 s, which ends the second attempts.
      expect(elapsed).toBeGreaterThanOrEqual(1350);
      expect(elapsed).toBeLessThan(1900);
      for (const e of errors) {
        expect(e.kind).toBe('unreachable');
        expect(e.message).toContain(`${silent.url} did not answer for 1.4 s`);
      }
      const connections = silent.connections();
      expect((await caught(client.request({ method: 'GET', url: `${silent.url}/odata` }))).attempts).toBe(0);
      expect(silent.connections()).toBe(connections);
      client.close();
    });

    test('a POST in flight when the server is taken as down may have taken effect: outcome unknown', async () => {
      const client = new HttpClient({ ...fast, timeoutMs: 600, retryMaxMs: 1000 });
      const get = caught(client.request({ method: 'GET', url: `${silent.url}/odata` }));
      await new Promise((r) => setTimeout(r, 700)); // the GET's first attempt has timed out: the streak runs
      const post = await caught(client.request({ method: 'POST', url: `${silent.url}/odata/OAuthClients`, body: '{}' }));
      expect(post.kind).toBe('outcome-unknown');
      expect(post.message).toMatch(/got no answer before the server was taken as down, so it may have taken effect/);
      expect((await get).kind).toBe('unreachable');
      client.close();
    });
  });

  test('bad options and URLs are refused clearly', async () => {
    expect(() => new HttpClient({ timeoutMs: -1 })).toThrow(/timeoutMs must be a positive number/);
    expect(() => new HttpClient({ caFile: '/nonexistent/ca.pem' })).toThrow(/^cannot read the CA file \/nonexistent\/ca\.pem \(ENOENT: no such file\); check caFile$/);
    // The error names the setting to fix, in the caller's words: no matching on message text.
    const named = { settingNames: { caFile: 'ca_file', timeoutMs: 'request_timeout_seconds' } };
    expect(() => new HttpClient({ ...named, caFile: '/nonexistent/ca.pem' })).toThrow(expect.objectContaining({ kind: 'config', setting: 'ca_file' }));
    expect(() => new HttpClient({ ...named, timeoutMs: 0 })).toThrow(expect.objectContaining({ kind: 'config', setting: 'request_timeout_seconds' }));
    const client = new HttpClient();
    await expect(client.request({ method: 'GET', url: 'ftp://x/y' })).rejects.toThrow(/not a valid http\(s\) URL/);
    client.close();
  });

  test('parseRetryAfter and redactUrl', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000 + 5_000).toUTCString(), 10_000)).toBe(5000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(redactUrl('https://u:p@h.example:8443/a/b?c=d')).toBe('https://h.example:8443/a/b?…');
  });
});

describe('HttpClient over TLS', () => {
  let dir: string;
  let wz: WorkZoneEmulator;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-'));
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    wz = await startWorkZoneEmulator({ tls: { key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) } });
  });
  afterAll(async () => {
    await wz.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('an untrusted certificate fails at once with a hint', async () => {
    expect(wz.url).toMatch(/^https:/);
    const client = new HttpClient(fast);
    const err = await caught(client.request({ method: 'GET', url: `${wz.odataUrl}` }));
    client.close();
    expect(err.kind).toBe('tls');
    expect(err.attempts).toBe(1);
    expect(err.message).toMatch(/TLS certificate not accepted \(DEPTH_ZERO_SELF_SIGNED_CERT\); trust the server's CA with a CA file/);
  });

  test('a CA file makes it trusted; so does insecureSkipVerify', async () => {
    for (const options of [{ caFile: path.join(dir, 'cert.pem') }, { insecureSkipVerify: true }]) {
      const client = new HttpClient({ ...fast, ...options });
      const res = await client.request({ method: 'GET', url: `${wz.odataUrl}`, headers: { Authorization: basic(wz.username, wz.password) } });
      client.close();
      expect(res.status).toBe(200);
    }
  });
});
