/** The workzone provider's configure: settings checked, TLS warning, one request that proves the settings. */
import { startWorkZoneEmulator, type WorkZoneEmulator } from '../../../lib/emulators/workzone';
import { DiagnosticError, Unknown } from '../../../lib/providers/plugin/types';
import type { ProviderConfigOf } from '../../../lib/schemas/types';
import type { workzoneSchema } from '../../../lib/schemas/workzone';
import { workzoneProvider } from '../../../lib/providers/workzone/provider';
import { context } from '../provider-context';

let wz: WorkZoneEmulator;
beforeAll(async () => {
  wz = await startWorkZoneEmulator({ port: 0 });
});
afterAll(() => wz.close());

type Config = ProviderConfigOf<typeof workzoneSchema.provider>;
const config = (extra: Partial<Config> = {}): Config => ({
  url: wz.url,
  username: wz.username,
  password: wz.password,
  odata_path: '/odata',
  oauth_clients_path: 'OAuthClients',
  users_path: 'Users',
  token_url: null,
  ca_file: null,
  insecure_skip_verify: false,
  request_timeout_seconds: 5,
  retry_max_seconds: 2,
  ...extra,
});

test('good settings: a client, no warnings', async () => {
  const { ctx, diagnostics } = context();
  const client = await workzoneProvider.configure(config(), ctx);
  expect(await client.getUser('CPRBATCHUSER')).toMatchObject({ initials: 'CPRBATCHUSER' });
  expect(diagnostics).toEqual([]);
  client.close();
});

test('insecure_skip_verify warns loudly, on the attribute', async () => {
  const { ctx, diagnostics } = context();
  (await workzoneProvider.configure(config({ insecure_skip_verify: true }), ctx)).close();
  expect(diagnostics).toEqual([expect.objectContaining({ severity: 'warning', summary: 'TLS certificate checks are off for WorkZone', attribute: ['insecure_skip_verify'] })]);
});

test('a url not known until apply is an error naming it', async () => {
  await expect(workzoneProvider.configure(config({ url: Unknown }), context().ctx)).rejects.toMatchObject({ attribute: ['url'] });
});

test('a missing password names the setting and its environment variable', async () => {
  const error = await workzoneProvider.configure(config({ password: null }), context().ctx).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DiagnosticError);
  expect((error as DiagnosticError).detail).toContain('WORKZONE_PASSWORD');
});

test('a wrong password fails at configure, naming the settings, never the password', async () => {
  const error = (await workzoneProvider.configure(config({ password: 'wrong-password-123' }), context().ctx).catch((e: unknown) => e)) as Error;
  expect(error).toBeInstanceOf(DiagnosticError);
  expect(error.message).toMatch(/username|password/);
  expect(error.message).not.toContain('wrong-password-123');
});
