import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startKmdLogicEmulator, type KmdLogicEmulator } from '../../../lib/emulators/kmdlogic';
import { KmdLogicClient, KmdLogicError, type KmdLogicClientOptions } from '../../../lib/providers/kmdlogic/client';

const DER = Buffer.from('3003020103', 'hex');
const UNKNOWN = '3fa85f64-5717-4562-b3fc-2c963f66afa6';
const input = { name: 'Vejle CPR', environment: 'Production' as const, certificate: DER, certificatePassword: 'pfx-pass' };

describe('KmdLogicClient against the emulator', () => {
  let e: KmdLogicEmulator;
  const logs: string[] = [];
  const clients: KmdLogicClient[] = [];
  const client = (over: Partial<KmdLogicClientOptions> = {}, emulator = e) => {
    const c = new KmdLogicClient({
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
      tokenUrl: emulator.tokenUrl,
      apiUrl: emulator.url,
      scope: emulator.scope,
      requestTimeoutSeconds: 5,
      retryMaxSeconds: 10,
      log: { debug: (m, f) => logs.push(`${m} ${JSON.stringify(f ?? {})}`) },
      http: { initialBackoffMs: 20, maxBackoffMs: 100 },
      ...over,
    });
    clients.push(c);
    return c;
  };
  /** Runs `fn`, expects a KmdLogicError, checks that no secret leaked into it, returns it. */
  const failure = async (fn: () => Promise<unknown>): Promise<KmdLogicError> => {
    const err = await fn().then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(err).toBeInstanceOf(KmdLogicError);
    const text = `${(err as Error).message} ${JSON.stringify(err)}`;
    expect(text).not.toContain(e.clientSecret);
    expect(text).not.toContain('pfx-pass');
    return err as KmdLogicError;
  };

  beforeEach(async () => {
    logs.length = 0;
    e = await startKmdLogicEmulator({});
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await e.close();
    // Logs carry methods, URLs and statuses only.
    for (const line of logs) expect(line).not.toContain(e.clientSecret);
  });

  describe('configurations', () => {
    it('lists and gets the seeded configuration; null for an unknown id', async () => {
      const c = client();
      const seeded = { id: e.productId, subscription_id: e.subscriptionId, name: 'CPR update (seeded)', environment: 'Test', cpr_provider: 'DataDistributor' };
      expect(await c.listConfigurations(e.subscriptionId)).toEqual([seeded]);
      expect(await c.getConfiguration(e.subscriptionId, e.productId)).toEqual(seeded);
      expect(await c.getConfiguration(e.subscriptionId, UNKNOWN)).toBeNull();
    });

    it('creates and updates data-distributor configurations, read back with provider', async () => {
      const c = client();
      const created = await c.createDataDistributor(e.subscriptionId, input);
      expect(created).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        subscription_id: e.subscriptionId,
        name: 'Vejle CPR',
        environment: 'Production',
        cpr_provider: 'DataDistributor',
      });
      const cert2 = Buffer.from('300403020105', 'hex');
      const updated = await c.updateDataDistributor(e.subscriptionId, created.id, { ...input, name: 'Renamed', environment: 'Test', certificate: cert2, certificateFileName: 'new.pfx' });
      expect(updated).toEqual({ id: created.id, subscription_id: e.subscriptionId, name: 'Renamed', environment: 'Test', cpr_provider: 'DataDistributor' });
      const stored = e.data().configurations.find((x) => x.id === created.id);
      expect(stored?.certificate).toBe(cert2.toString('base64'));
      expect((await c.listConfigurations(e.subscriptionId)).map((x) => x.name).sort()).toEqual(['CPR update (seeded)', 'Renamed']);
    });

    it('says which configuration is missing on update', async () => {
      const err = await failure(() => client().updateDataDistributor(e.subscriptionId, UNKNOWN, input));
      expect(err.kind).toBe('not-found');
      expect(err.message).toContain(`CPR configuration ${UNKNOWN} was not found in subscription ${e.subscriptionId}`);
    });

    it('names the fields the API refused', async () => {
      const err = await failure(() => client().createDataDistributor(e.subscriptionId, { ...input, certificate: Buffer.from('PEM, not DER') }));
      expect(err.kind).toBe('invalid');
      expect(err.message).toMatch(/check certificate/);
      expect(err.message).toMatch(/not a PKCS#12/);
      expect(err.attribute).toEqual(['certificate']);
    });

    it('checks arguments before sending anything', async () => {
      const c = client();
      expect((await failure(() => c.listConfigurations('nope'))).message).toMatch(/subscription_id must be a GUID.*"nope"/);
      expect((await failure(() => c.getConfiguration(e.subscriptionId, '42'))).attribute).toEqual(['configuration_id']);
      expect((await failure(() => c.createDataDistributor(e.subscriptionId, { ...input, environment: 'Prod' as 'Test' }))).message).toMatch(/environment must be "Production" or "Test"/);
      expect((await failure(() => c.createDataDistributor(e.subscriptionId, { ...input, name: ' ' }))).attribute).toEqual(['name']);
      expect(e.stats()).toEqual({ tokenRequests: 0, tokensIssued: 0, apiRequests: 0 });
    });
  });

  describe('errors name the wrong identifier', () => {
    it('bad client secret or unknown client id', async () => {
      for (const over of [{ clientSecret: 'wrong-secret' }, { clientId: UNKNOWN }]) {
        const err = await failure(() => client(over).listConfigurations(e.subscriptionId));
        expect(err.kind).toBe('credentials');
        expect(err.message).toMatch(/^KMD Logic rejected the client credentials: check client_id \/ client_secret/);
        expect(err.message).toContain(over.clientId ?? e.clientId);
        expect(err.message).not.toContain('wrong-secret');
      }
      expect(e.stats().tokensIssued).toBe(0);
    });

    it('wrong scope', async () => {
      const err = await failure(() => client({ scope: 'api://other/.default' }).listConfigurations(e.subscriptionId));
      expect(err.kind).toBe('token');
      expect(err.message).toMatch(/rejected the requested scope: check scope.*api:\/\/other/);
    });

    it('unknown subscription, and one the credential may not use', async () => {
      const c = client();
      const unknown = await failure(() => c.listConfigurations(UNKNOWN));
      expect(unknown.kind).toBe('subscription');
      expect(unknown.message).toContain(`KMD Logic subscription ${UNKNOWN} was not found, or client_id ${e.clientId} may not use it`);
      expect(unknown.attribute).toEqual(['subscription_id']);
      // A 404 on get is checked against the subscription, so it does not read as "configuration gone".
      expect((await failure(() => c.getConfiguration(UNKNOWN, e.productId))).kind).toBe('subscription');
      const forbidden = e.addSubscription({ granted: false });
      const err = await failure(() => c.createDataDistributor(forbidden, input));
      expect(err.kind).toBe('subscription');
      expect(err.message).toContain(forbidden);
      expect(err.status).toBe(403);
    });

    it('token and API from different Logic environments: one renewal, then a clear 401', async () => {
      const other = await startKmdLogicEmulator({});
      try {
        const c = client({ apiUrl: other.url });
        const err = await failure(() => c.listConfigurations(other.subscriptionId));
        expect(err.kind).toBe('credentials');
        expect(err.message).toMatch(/refused a fresh access token \(HTTP 401\).*token_url .* and api_url .* belong to the same Logic environment/);
        expect(e.stats().tokenRequests).toBe(2);
        expect(other.stats().apiRequests).toBe(2);
      } finally {
        await other.close();
      }
    });

    it('unreachable endpoints and bad settings', async () => {
      const closed = await startKmdLogicEmulator({});
      await closed.close();
      const err = await failure(() => client({ tokenUrl: closed.tokenUrl, retryMaxSeconds: 0.2 }).listConfigurations(e.subscriptionId));
      expect(err.kind).toBe('unavailable');
      expect(err.summary).toBe('KMD Logic is unreachable (could not get an access token)');
      expect(err.detail).toMatch(/refused every connection .*connection refused \(ECONNREFUSED\).*Check the provider setting token_url/);
      expect(() => client({ clientId: 'abc' })).toThrow(/client_id must be a GUID/);
      expect(() => client({ clientSecret: '' })).toThrow(/client_secret is required/);
      expect(() => client({ apiUrl: 'ftp://x' })).toThrow(/api_url must be an http\(s\) URL/);
      expect(() => client({ caFile: '/nonexistent/ca.pem' })).toThrow(
        expect.objectContaining({ summary: 'Invalid KMD Logic provider setting ca_file', attribute: ['ca_file'], detail: expect.stringContaining('cannot read the CA file /nonexistent/ca.pem (ENOENT: no such file)') }),
      );
    });
  });

  describe('tokens', () => {
    it('fetches one token for concurrent calls and reuses it', async () => {
      const c = client();
      await Promise.all(Array.from({ length: 8 }, () => c.listConfigurations(e.subscriptionId)));
      await c.getConfiguration(e.subscriptionId, e.productId);
      expect(e.stats().tokenRequests).toBe(1);
      expect(c.tokens.requests).toBe(1);
    });

    it('renews before expiry, so no call meets a 401', async () => {
      await e.close();
      e = await startKmdLogicEmulator({ tokenLifetimeSeconds: 2 });
      const c = client();
      await c.listConfigurations(e.subscriptionId);
      await c.listConfigurations(e.subscriptionId);
      expect(e.stats().tokenRequests).toBe(1);
      await new Promise((r) => setTimeout(r, 1100)); // past half-life: the client renews early
      await c.listConfigurations(e.subscriptionId);
      expect(e.stats()).toEqual({ tokenRequests: 2, tokensIssued: 2, apiRequests: 3 });
    });

    it('renews once when the API refuses a cached token (revoked before expiry)', async () => {
      const c = client();
      await c.listConfigurations(e.subscriptionId);
      e.revokeTokens();
      await Promise.all([c.listConfigurations(e.subscriptionId), c.getConfiguration(e.subscriptionId, e.productId)]);
      expect(e.stats().tokenRequests).toBe(2);
      expect(e.stats().apiRequests).toBe(5); // 1 + 2 refused + 2 repeated
    });
  });

  describe('faults', () => {
    it('retries GETs through 503s and the token request through a dropped connection', async () => {
      const c = client();
      e.faults.set({ dropRate: 1, limit: 1 });
      await c.listConfigurations(e.subscriptionId); // the token request is dropped once
      e.faults.set({ dropRate: 0, errorRate: 1, errorStatus: 503, limit: 2 });
      expect(await c.getConfiguration(e.subscriptionId, e.productId)).not.toBeNull();
      expect(e.faults.counters).toMatchObject({ drops: 1, errors: 2 });
      expect(e.stats().tokensIssued).toBe(1);
    });

    it('retries a POST on 429 honouring Retry-After, and creates exactly one configuration', async () => {
      const c = client();
      await c.listConfigurations(e.subscriptionId); // token in hand: the 429 below hits the POST itself
      e.faults.set({ errorRate: 1, errorStatus: 429, retryAfterSeconds: 1, limit: 1 });
      const started = Date.now();
      const created = await c.createDataDistributor(e.subscriptionId, input);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(e.faults.counters.errors).toBe(1);
      expect(e.data().configurations.filter((x) => x.name === 'Vejle CPR').map((x) => x.id)).toEqual([created.id]);
    });

    it('does not repeat a POST after a 503 (it may have taken effect) and says so', async () => {
      const c = client();
      await c.listConfigurations(e.subscriptionId);
      e.faults.set({ errorRate: 1, errorStatus: 503, limit: 1 });
      const err = await failure(() => c.createDataDistributor(e.subscriptionId, input));
      expect(err.kind).toBe('outcome-unknown');
      expect(err.message).toMatch(/not safe to repeat; check whether it took effect/);
      expect(err.message).not.toMatch(/check api_url/);
      expect(e.faults.counters.errors).toBe(1);
    });

    it('gives up within retry_max_seconds, and times out slow answers', async () => {
      e.faults.set({ errorRate: 1, errorStatus: 503 });
      const gaveUp = await failure(() => client({ retryMaxSeconds: 0.5 }).listConfigurations(e.subscriptionId));
      expect(gaveUp.message).toMatch(/gave up after \d+ attempt\(s\).*HTTP 503/);
      e.faults.set({ errorRate: 0, latencyMs: 800 });
      const slow = await failure(() => client({ requestTimeoutSeconds: 0.2, retryMaxSeconds: 0.5 }).listConfigurations(e.subscriptionId));
      expect(slow.message).toMatch(/timeout after 200 ms/);
    });
  });
});

describe('KmdLogicClient over TLS', () => {
  let dir: string;
  let e: KmdLogicEmulator;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmdlogic-tls-'));
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    e = await startKmdLogicEmulator({ tls: { key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) } });
  });
  afterAll(async () => {
    await e.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const client = (over: Partial<KmdLogicClientOptions>) =>
    new KmdLogicClient({ clientId: e.clientId, clientSecret: e.clientSecret, tokenUrl: e.tokenUrl, apiUrl: e.url, scope: e.scope, retryMaxSeconds: 2, ...over });

  it('trusts the emulator through ca_file, refuses it without', async () => {
    expect(e.url).toMatch(/^https:/);
    const trusted = client({ caFile: path.join(dir, 'cert.pem') });
    expect(await trusted.listConfigurations(e.subscriptionId)).toHaveLength(1);
    trusted.close();
    const untrusted = client({});
    const err = await untrusted.listConfigurations(e.subscriptionId).catch((x: unknown) => x);
    untrusted.close();
    expect(err).toBeInstanceOf(KmdLogicError);
    expect((err as KmdLogicError).message).toMatch(/Could not get a KMD Logic access token.*TLS certificate not accepted/);
    const insecure = client({ insecureSkipVerify: true });
    expect(await insecure.getConfiguration(e.subscriptionId, e.productId)).not.toBeNull();
    insecure.close();
  });
});
