/**
 * The kmdlogic provider's configure: when the configuration sets the credentials, one token request proves
 * them, so that wrong ones fail the provider configuration (where terraform shows the line that sets
 * client_secret) and say where the user set them; the token is reused by the calls that follow; an
 * unreachable KMD Logic fails here, once.
 */
import { startKmdLogicEmulator, type KmdLogicEmulator } from '../../../lib/emulators/kmdlogic';
import { KmdLogicError } from '../../../lib/providers/kmdlogic/client';
import { kmdlogicProvider } from '../../../lib/providers/kmdlogic/provider';
import type { kmdlogicSchema } from '../../../lib/schemas/kmdlogic';
import type { ProviderConfigOf } from '../../../lib/schemas/types';
import { context } from '../provider-context';

let e: KmdLogicEmulator;
beforeAll(async () => {
  e = await startKmdLogicEmulator({});
});
afterAll(() => e.close());

type Config = ProviderConfigOf<typeof kmdlogicSchema.provider>;
const config = (extra: Partial<Config> = {}): Config => ({
  client_id: e.clientId,
  client_secret: e.clientSecret,
  token_url: e.tokenUrl,
  api_url: e.url,
  scope: e.scope,
  ca_file: null,
  insecure_skip_verify: false,
  request_timeout_seconds: 5,
  retry_max_seconds: 5,
  ...extra,
});

async function configureError(extra: Partial<Config>, fromEnv?: Record<string, string>): Promise<KmdLogicError> {
  const error = await kmdlogicProvider.configure(config(extra), context().ctx, fromEnv).catch((x: unknown) => x);
  expect(error).toBeInstanceOf(KmdLogicError);
  expect(JSON.stringify(error) + String(error)).not.toContain('Wrong-Secret-123');
  return error as KmdLogicError;
}

test('good credentials: one token request, reused by the first call', async () => {
  const before = e.stats();
  const client = await kmdlogicProvider.configure(config(), context().ctx, {});
  expect(e.stats().tokenRequests - before.tokenRequests).toBe(1);
  await client.listConfigurations(e.subscriptionId);
  expect(e.stats().tokenRequests - before.tokenRequests).toBe(1);
  client.close();
});

test('a wrong secret set in the configuration: the error sits on client_secret and says to correct it there', async () => {
  const error = await configureError({ client_secret: 'Wrong-Secret-123' }, {});
  expect(error.kind).toBe('credentials');
  expect(error.attribute).toEqual(['client_secret']);
  expect(error.detail).toContain('client_id and client_secret are set in the provider configuration: correct them there (for `client_secret = var.NAME`, the value of variable NAME, such as TF_VAR_NAME in a pipeline)');
});

test('a wrong secret from KMDLOGIC_CLIENT_SECRET: the error names the variable, not the configuration', async () => {
  const error = await configureError({ client_secret: 'Wrong-Secret-123' }, { client_secret: 'KMDLOGIC_CLIENT_SECRET' });
  expect(error.attribute).toBeUndefined();
  expect(error.detail).toContain('client_id is set in the provider configuration');
  expect(error.detail).toContain('client_secret comes from the environment: correct KMDLOGIC_CLIENT_SECRET');
});

test('both from the environment (maybe no provider block): checked by the first call, which names both variables', async () => {
  const fromEnv = { client_id: 'KMDLOGIC_CLIENT_ID', client_secret: 'KMDLOGIC_CLIENT_SECRET' };
  const before = e.stats();
  const client = await kmdlogicProvider.configure(config({ client_secret: 'Wrong-Secret-123' }), context().ctx, fromEnv);
  expect(e.stats().tokenRequests).toBe(before.tokenRequests);
  const error = await client.listConfigurations(e.subscriptionId).catch((x: unknown) => x);
  client.close();
  expect(error).toMatchObject({ kind: 'credentials', attribute: undefined });
  expect((error as KmdLogicError).detail).toContain('client_id and client_secret come from the environment: correct KMDLOGIC_CLIENT_ID and KMDLOGIC_CLIENT_SECRET');
  expect((error as KmdLogicError).detail).not.toContain('provider configuration');
});

test('an unreachable token endpoint fails the configuration, naming token_url', async () => {
  const closed = await startKmdLogicEmulator({});
  await closed.close();
  const t0 = Date.now();
  const error = await configureError({ token_url: closed.tokenUrl, retry_max_seconds: 1 });
  expect(Date.now() - t0).toBeLessThan(3000);
  expect(error.summary).toBe('KMD Logic is unreachable (could not get an access token)');
  expect(error.detail).toContain('Check the provider setting token_url');
});

describe('data source kmdlogic_client_credential', () => {
  const read = async (extra: Partial<Config>, fromEnv: Record<string, string>) => {
    // With the credentials from the environment, configure does not ask for a token: the data source does.
    const client = await kmdlogicProvider.configure(config(extra), context().ctx, fromEnv);
    try {
      return await kmdlogicProvider.dataSources.kmdlogic_client_credential.read({ config: {} as never, client }, context().ctx);
    } finally {
      client.close();
    }
  };
  const env = { client_id: 'KMDLOGIC_CLIENT_ID', client_secret: 'KMDLOGIC_CLIENT_SECRET' };

  test('a token for the credential and scope: the client id and the scope, never the token', async () => {
    const before = e.stats().tokensIssued;
    expect(await read({}, env)).toEqual({ id: e.clientId, scope: e.scope });
    expect(e.stats().tokensIssued - before).toBe(1);
  });

  test('a scope the token server does not grant, or a wrong secret, fails the read', async () => {
    const scope = await read({ scope: 'https://example.invalid/other/.default' }, env).catch((x: unknown) => x);
    expect(scope).toBeInstanceOf(KmdLogicError);
    expect(String((scope as KmdLogicError).summary)).toMatch(/scope|token/i);
    const secret = await read({ client_secret: 'Wrong-Secret-123' }, env).catch((x: unknown) => x);
    expect((secret as KmdLogicError).kind).toBe('credentials');
  });
});
