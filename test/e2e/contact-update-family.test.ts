/**
 * The contact update family, synthesized by the constructs and applied by real terraform against the
 * WorkZone and KMD Logic emulators: CVR with KMD Logic (WorkZone up to 2024.2); CPR and CVR without it
 * (2024.3 and later), both in one stack on one WorkZone; and the set-ups' readiness check, healthy and failing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, TerraformStack } from 'cdktf';
import { WorkzoneProvider } from '../../lib/bindings/workzone';
import { ClientSecret, CprUpdateSetup, CvrUpdateSetup } from '../../lib/constructs';
import { startKmdLogicEmulator, type KmdLogicEmulator } from '../../lib/emulators/kmdlogic';
import { startWorkZoneEmulator, type WorkZoneEmulator } from '../../lib/emulators/workzone';
import { WorkZoneClient } from '../../lib/providers/workzone/client';
import { keepStateInWorkdir, terraformHarness, Workdir, type Harness } from './harness';

jest.setTimeout(240_000);

const CVR_CONFIGURATION_ID = '5d0b3c1e-7f2a-4c9b-8e61-2a4f0c9d7b13';

let wz: WorkZoneEmulator;
let kmd: KmdLogicEmulator;
let harness: Harness;
let api: WorkZoneClient;

beforeAll(async () => {
  [wz, kmd, harness] = await Promise.all([
    startWorkZoneEmulator({ port: 0 }),
    startKmdLogicEmulator({ port: 0 }),
    terraformHarness({ providers: ['workzone', 'kmdlogic'], prefix: 'contact-update-family-' }),
  ]);
  api = new WorkZoneClient({ url: wz.url, username: wz.username, password: wz.password }, { httpOptions: { retryMaxMs: 2000 } });
});

afterAll(async () => {
  api?.close();
  harness?.cleanup();
  await Promise.all([wz?.close(), kmd?.close()]);
});

afterEach(() => wz.health.reset());

/** One stack, synthesized with `app.synth()` into the harness, in a terraform working directory with `env`. */
function stackWorkdir(name: string, build: (stack: TerraformStack) => void, env: Record<string, string>): Workdir {
  const app = new App({ outdir: join(harness.root, `synth-${name}`) });
  const stack = new TerraformStack(app, name);
  new WorkzoneProvider(stack, 'workzone'); // configured from WORKZONE_* in the environment
  build(stack);
  keepStateInWorkdir(stack);
  app.synth();
  const json = readFileSync(join(harness.root, `synth-${name}`, 'stacks', name, 'cdk.tf.json'), 'utf8');
  return harness.workdir({ 'cdk.tf.json': json }, { WORKZONE_URL: wz.url, WORKZONE_USERNAME: wz.username, WORKZONE_PASSWORD: wz.password, ...env });
}

const values = async (w: Workdir) => Object.fromEntries(Object.entries(await w.outputs()).map(([k, o]) => [k, [o.value, o.sensitive]]));
const token = async (id: string, secret: string) => (await api.requestToken(undefined, id, secret)).ok;

it('CVR with KMD Logic: its client acts as CVRBATCHUSER, seven outputs, the credential and scope checked at plan time', async () => {
  const logicVars = {
    TF_VAR_cvr_update_kmd_logic_client_id: kmd.clientId,
    TF_VAR_cvr_update_kmd_logic_client_secret: kmd.clientSecret,
    TF_VAR_cvr_update_kmd_logic_subscription_id: kmd.subscriptionId,
    TF_VAR_cvr_update_kmd_logic_scope: kmd.scope,
    TF_VAR_cvr_update_kmd_logic_cvr_configuration_id: CVR_CONFIGURATION_ID,
  };
  const w = stackWorkdir('cvr-logic', (stack) => new CvrUpdateSetup(stack, 'CvrUpdate', { clientId: 'cvr-update', clientSecret: ClientSecret.generatedByWorkZone() }), {
    KMDLOGIC_TOKEN_URL: kmd.tokenUrl,
    KMDLOGIC_API_URL: kmd.url,
    ...logicVars,
  });
  await w.init();

  // A scope KMD Logic does not grant fails the plan before WorkZone is touched.
  const wrong = await w.tf(['plan', '-input=false', '-no-color'], { TF_VAR_cvr_update_kmd_logic_scope: 'https://example.invalid/other/.default' });
  expect(wrong.code).not.toBe(0);
  expect(wrong.stderr).toMatch(/scope/i);
  expect(wz.data.getClient('cvr-update')).toBeUndefined();

  await w.apply();
  const out = await values(w);
  const secret = out.cvr_update_cvr_client_secret[0];
  expect(out).toEqual({
    cvr_update_kmd_logic_client_id: [kmd.clientId, false],
    cvr_update_kmd_logic_client_secret: [kmd.clientSecret, true],
    cvr_update_kmd_logic_subscription_id: [kmd.subscriptionId, false],
    cvr_update_kmd_logic_scope: [kmd.scope, false],
    cvr_update_kmd_logic_cvr_configuration_id: [CVR_CONFIGURATION_ID, false],
    cvr_update_cvr_client_id: ['cvr-update', false],
    cvr_update_cvr_client_secret: [secret, true],
  });
  expect(wz.data.getClient('cvr-update')).toMatchObject({ ClientName: 'Contact update - CVR', Enabled: true, GrantType: 'CLNTCRED', User: 'CVRBATCHUSER', RequirePkce: false });
  expect(await token('cvr-update', secret)).toBe(true);
  expect((await w.plan()).code).toBe(0);
  await w.ok(['destroy', '-auto-approve', '-input=false', '-no-color']);
  expect(wz.data.getClient('cvr-update')).toBeUndefined();
});

it('CPR and CVR without KMD Logic, in one stack on one WorkZone: two clients, two users, two outputs each, no KMD Logic at all', async () => {
  // No KMDLOGIC_* and no TF_VAR_*: nothing of KMD Logic is asked for.
  const w = stackWorkdir(
    'both-oauth-only',
    (stack) => {
      new CprUpdateSetup(stack, 'CprUpdate', { clientId: 'cpr-2024-3', kmdLogic: false, clientSecret: ClientSecret.generatedByWorkZone() });
      new CvrUpdateSetup(stack, 'CvrUpdate', { clientId: 'cvr-2024-3', kmdLogic: false, clientSecret: ClientSecret.generatedByWorkZone() });
    },
    {},
  );
  await w.init();
  await w.apply();
  const out = await values(w);
  expect(Object.keys(out).sort()).toEqual(['cpr_update_cpr_client_id', 'cpr_update_cpr_client_secret', 'cvr_update_cvr_client_id', 'cvr_update_cvr_client_secret']);
  expect(wz.data.getClient('cpr-2024-3')).toMatchObject({ ClientName: 'Contact update - CPR', User: 'CPRBATCHUSER' });
  expect(wz.data.getClient('cvr-2024-3')).toMatchObject({ ClientName: 'Contact update - CVR', User: 'CVRBATCHUSER' });
  expect(await token('cpr-2024-3', out.cpr_update_cpr_client_secret[0])).toBe(true);
  expect(await token('cvr-2024-3', out.cvr_update_cvr_client_secret[0])).toBe(true);
  expect([...(await w.state()).keys()].filter((a) => a.includes('kmdlogic'))).toEqual([]);
  expect((await w.plan()).code).toBe(0);
  await w.ok(['destroy', '-auto-approve', '-input=false', '-no-color']);
  expect([wz.data.getClient('cpr-2024-3'), wz.data.getClient('cvr-2024-3')]).toEqual([undefined, undefined]);
});

it("the readiness check: applies while Healthy; a part not Healthy fails the plan naming it, or warns (onUnhealthy: 'warning')", async () => {
  const w = stackWorkdir(
    'health',
    (stack) => {
      new CvrUpdateSetup(stack, 'CvrUpdate', { clientId: 'cvr-health', kmdLogic: false, clientSecret: ClientSecret.generatedByWorkZone(), healthCheck: true });
      new CprUpdateSetup(stack, 'CprUpdate', { clientId: 'cpr-health', kmdLogic: false, clientSecret: ClientSecret.generatedByWorkZone(), healthCheck: { onUnhealthy: 'warning' } });
    },
    {},
  );
  await w.init();
  await w.apply();
  const state = await w.state();
  const read = [...state.entries()].filter(([address]) => address.startsWith('data.workzone_update_service_health.')).map(([, a]) => [a.service, a.status]);
  expect(read.sort()).toEqual([
    ['CprSubscriptionService', 'Healthy'],
    ['CvrSubscriptionService', 'Healthy'],
  ]);

  // The CVR module loses KMD Logic: the next plan fails, naming the service and the part.
  wz.health.set('cvr', 'Logic', 'Unhealthy');
  const failing = await w.tf(['plan', '-input=false', '-no-color']);
  expect(failing.code).toBe(1);
  expect(failing.stderr).toContain('CvrSubscriptionService is Unhealthy: Logic (Unhealthy');

  // The CPR one is only warned about.
  wz.health.reset();
  wz.health.set('cpr', 'OData', 'Unhealthy');
  const warned = await w.tf(['plan', '-input=false', '-no-color', '-detailed-exitcode']);
  expect(warned.code).toBe(0);
  expect(warned.stdout).toMatch(/The CPR update module's service \(health\/CprUpdate\) is Unhealthy: OData\./);

  wz.health.reset();
  await w.ok(['destroy', '-auto-approve', '-input=false', '-no-color']);
});
