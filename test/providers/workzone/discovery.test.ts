/**
 * The token endpoint when token_url is not set (lib/providers/workzone/discovery.ts): found through the
 * discovery document, once per client, falling back to <url>/connect/token; and the secret check on a
 * WorkZone without ClientSecretHash (secret-check.ts), which uses it.
 */
import { createServer } from 'node:net';
import { startWorkZoneEmulator, type WorkZoneEmulator } from '../../../lib/emulators/workzone';
import { WorkZoneClient } from '../../../lib/providers/workzone/client';
import { parseDiscoveryDocument } from '../../../lib/providers/workzone/discovery';
import { secretRefusedWithoutHash } from '../../../lib/providers/workzone/secret-check';
import { CPR, fastHttp } from './fixtures';

const SECRET = 'discovery-test-secret-0123456789';

/** An emulator of `variant`, a client for it, and the paths it was asked for (from its request log). */
async function setUp(variant: string, tokenUrl?: string) {
  const requests: string[] = [];
  const wz = await startWorkZoneEmulator({ variant, log: (line) => requests.push(line) });
  const debug: { message: string; fields?: Record<string, unknown> }[] = [];
  const client = new WorkZoneClient(
    { url: wz.url, username: wz.username, password: wz.password, retryMaxSeconds: 2, ...(tokenUrl && { tokenUrl }) },
    { httpOptions: fastHttp, log: { debug: (message, fields) => debug.push({ message, fields }) } },
  );
  await client.createClient({ client_id: 'cpr', ...CPR, client_secret: SECRET });
  requests.length = 0;
  const asked = (path: string) => requests.filter((l) => l.includes(` ${path} `)).length;
  return { wz, client, debug, asked, close: async () => (client.close(), await wz.close()) };
}

describe('token endpoint discovery', () => {
  test('token_url not set: the discovery document names the endpoint, asked once per client', async () => {
    const t = await setUp('token-discovery-only');
    try {
      expect(t.wz.tokenUrl).toBe(`${t.wz.url}/oauth/connect/token`);
      expect((await t.client.requestToken(undefined, 'cpr', SECRET)).ok).toBe(true);
      expect((await t.client.requestToken(undefined, 'cpr', 'wrong-secret-0123456789')).ok).toBe(false);
      expect(t.asked('/.well-known/openid-configuration')).toBe(1);
      expect(t.asked('/oauth/connect/token')).toBe(2);
      expect(t.asked('/connect/token')).toBe(0);
      expect(t.debug.map((d) => d.message)).toContain('workzone: token endpoint found by discovery');
    } finally {
      await t.close();
    }
  });

  test('no discovery document: the default <url>/connect/token, said at debug level', async () => {
    const t = await setUp('no-discovery');
    try {
      expect((await t.client.requestToken(undefined, 'cpr', SECRET)).ok).toBe(true);
      expect(t.asked('/connect/token')).toBe(1);
      const said = t.debug.find((d) => d.message.includes('using the default token endpoint'));
      expect(said?.message).toBe('workzone: token_url not set and the discovery document answered HTTP 404; using the default token endpoint');
      expect(said?.fields).toEqual({ discovery: `${t.wz.url}/.well-known/openid-configuration`, token_url: `${t.wz.url}/connect/token` });
    } finally {
      await t.close();
    }
  });

  test('token_url set: no discovery request at all', async () => {
    const t = await setUp('default', undefined);
    const pinned = new WorkZoneClient({ url: t.wz.url, username: t.wz.username, password: t.wz.password, tokenUrl: t.wz.tokenUrl }, { httpOptions: fastHttp });
    try {
      expect((await pinned.requestToken(undefined, 'cpr', SECRET)).ok).toBe(true);
      expect(t.asked('/.well-known/openid-configuration')).toBe(0);
    } finally {
      pinned.close();
      await t.close();
    }
  });

  test('a server that is down: discovery and the token request share one verdict, the token request is never sent', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
    const failures: string[] = [];
    const client = new WorkZoneClient(
      { url: `http://127.0.0.1:${port}`, username: 'u', password: 'p' },
      { httpOptions: { ...fastHttp, retryMaxMs: 5000, refusedRetryMaxMs: 300 }, log: { debug: (m, f) => m === 'http failure' && failures.push(String(f?.url)) } },
    );
    try {
      await expect(client.requestToken(undefined, 'cpr', SECRET)).rejects.toThrow(/WorkZone is unreachable \(requesting a token for OAuth client "cpr"\).*refused every connection/);
      expect(failures.length).toBeGreaterThan(0);
      expect(failures.every((url) => url.endsWith('/.well-known/openid-configuration'))).toBe(true);
    } finally {
      client.close();
    }
  });

  test('parseDiscoveryDocument: what is unusable is named', () => {
    const https = 'https://wz.example.dk/.well-known/openid-configuration';
    expect(parseDiscoveryDocument([], https)).toEqual({ document: {}, problems: ['it is not a JSON object'] });
    expect(parseDiscoveryDocument({ issuer: 'x' }, https).problems).toEqual(['it has no token_endpoint']);
    expect(parseDiscoveryDocument({ token_endpoint: '/connect/token' }, https).problems).toEqual(['token_endpoint is not an absolute URL']);
    expect(parseDiscoveryDocument({ token_endpoint: 'ftp://wz.example.dk/t' }, https).problems).toEqual(['token_endpoint ftp://wz.example.dk/t is not an http(s) URL']);
    expect(parseDiscoveryDocument({ token_endpoint: 'http://wz.example.dk/connect/token?x=1' }, https).problems).toEqual([
      'token_endpoint http://wz.example.dk/connect/token?… is plain http, while the document came over https',
    ]);
    expect(parseDiscoveryDocument({ token_endpoint: 'https://id.example.dk/connect/token', grant_types_supported: 'client_credentials' }, https)).toEqual({
      document: { tokenEndpoint: 'https://id.example.dk/connect/token' },
      problems: ['grant_types_supported is not a list of strings'],
    });
    expect(
      parseDiscoveryDocument(
        { issuer: 'https://wz.example.dk', token_endpoint: 'https://wz.example.dk/connect/token', grant_types_supported: ['client_credentials'], token_endpoint_auth_methods_supported: ['client_secret_basic'] },
        https,
      ),
    ).toEqual({
      document: {
        issuer: 'https://wz.example.dk',
        tokenEndpoint: 'https://wz.example.dk/connect/token',
        grantTypesSupported: ['client_credentials'],
        tokenEndpointAuthMethodsSupported: ['client_secret_basic'],
      },
      problems: [],
    });
  });
});

describe('secret check without ClientSecretHash', () => {
  test('asks the token endpoint: refused after a change in WorkZone, never for a disabled client or where the hash is reported', async () => {
    const t = await setUp('no-secret-hash,token-discovery-only');
    try {
      const read = async () => (await t.client.getClient('cpr'))!.client;
      expect((await read()).client_secret_hash).toBeUndefined();
      expect(await secretRefusedWithoutHash(t.client, await read(), SECRET)).toBe(false);
      t.wz.data.updateClient('cpr', { ClientSecret: 'changed-in-workzone-0123456789' });
      expect(await secretRefusedWithoutHash(t.client, await read(), SECRET)).toBe(true);
      t.wz.data.updateClient('cpr', { Enabled: false });
      const before = t.asked('/oauth/connect/token');
      expect(await secretRefusedWithoutHash(t.client, await read(), SECRET)).toBe(false);
      expect(t.asked('/oauth/connect/token')).toBe(before);
    } finally {
      await t.close();
    }
    const withHash = await setUp('default');
    try {
      const client = (await withHash.client.getClient('cpr'))!.client;
      expect(await secretRefusedWithoutHash(withHash.client, client, 'whatever-0123456789')).toBe(false);
      expect(withHash.asked('/connect/token')).toBe(0);
    } finally {
      await withHash.close();
    }
  });
});
