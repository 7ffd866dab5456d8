/**
 * A stack synthesized by the constructs (CprUpdateSetup), applied by real terraform against the WorkZone
 * and KMD Logic emulators (identifiers verified at plan time by the kmdlogic provider): the six outputs, secrets sensitive, the client's credentials get a token.
 * The random-secret path needs hashicorp/random from the public registry: where terraform cannot install it
 * (decided before the tests are declared), that test is declared skipped, with the reason in its name, and
 * the runner counts it as skipped; where it can, it runs end to end.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, TerraformStack } from 'cdktf';
import { WorkzoneProvider } from '../../lib/bindings/workzone';
import { ClientSecret, CprUpdateSetup } from '../../lib/constructs';
import { startKmdLogicEmulator, type KmdLogicEmulator } from '../../lib/emulators/kmdlogic';
import { startWorkZoneEmulator, type WorkZoneEmulator } from '../../lib/emulators/workzone';
import { WorkZoneClient } from '../../lib/providers/workzone/client';
import { keepStateInWorkdir, registryProviderMissing, terraformHarness, type Harness } from './harness';

jest.setTimeout(240_000);

let wz: WorkZoneEmulator;
let kmd: KmdLogicEmulator;
let harness: Harness;
let api: WorkZoneClient;

/** Synthesizes one stack with `app.synth()` into the harness and returns its cdk.tf.json text. */
function synth(name: string, build: (stack: TerraformStack) => void): string {
  const app = new App({ outdir: join(harness.root, `synth-${name}`) });
  const stack = new TerraformStack(app, name);
  build(stack);
  keepStateInWorkdir(stack);
  app.synth();
  return readFileSync(join(harness.root, `synth-${name}`, 'stacks', name, 'cdk.tf.json'), 'utf8');
}

// The KMD Logic identifiers are verified at plan time (kmdlogic_subscription): take the emulator's.
const logic = () => ({ client_id: kmd.clientId, client_secret: kmd.clientSecret, subscription_id: kmd.subscriptionId, product_id: kmd.productId });
const logicVars = (prefix: string) => Object.fromEntries(Object.entries(logic()).map(([k, v]) => [`TF_VAR_${prefix}_kmd_logic_${k}`, v]));
const providerEnv = () => ({
  WORKZONE_URL: wz.url,
  WORKZONE_USERNAME: wz.username,
  WORKZONE_PASSWORD: wz.password,
  KMDLOGIC_TOKEN_URL: kmd.tokenUrl,
  KMDLOGIC_API_URL: kmd.url,
});

beforeAll(async () => {
  wz = await startWorkZoneEmulator({ port: 0 });
  kmd = await startKmdLogicEmulator({ port: 0 });
  harness = await terraformHarness({ providers: ['workzone', 'kmdlogic'], prefix: 'workzone-constructs-' });
  api = new WorkZoneClient({ url: wz.url, username: wz.username, password: wz.password }, { httpOptions: { retryMaxMs: 2000 } });
});

afterAll(async () => {
  api?.close();
  harness?.cleanup();
  await wz?.close();
  await kmd?.close();
});

it('CprUpdateSetup with a secret from a variable: applies, six outputs, secrets sensitive, token works', async () => {
  const secret = `from-var-${randomBytes(12).toString('base64url')}`;
  const json = synth('supplied', (stack) => {
    new WorkzoneProvider(stack, 'workzone'); // configured from WORKZONE_* in the environment
    new CprUpdateSetup(stack, 'CprUpdate', { clientId: 'cpr-update-cdk', clientSecret: ClientSecret.fromVariable('cpr_client_secret') });
  });
  expect(json).not.toContain(secret);
  const w = harness.workdir({ 'cdk.tf.json': json }, { ...providerEnv(), ...logicVars('cpr_update'), TF_VAR_cpr_client_secret: secret });
  await w.init();
  await w.apply();

  const outputs = await w.outputs();
  expect(Object.fromEntries(Object.entries(outputs).map(([k, o]) => [k, [o.value, o.sensitive]]))).toEqual({
    cpr_update_kmd_logic_client_id: [kmd.clientId, false],
    cpr_update_kmd_logic_client_secret: [kmd.clientSecret, true],
    cpr_update_kmd_logic_subscription_id: [kmd.subscriptionId, false],
    cpr_update_kmd_logic_product_id: [kmd.productId, false],
    cpr_update_cpr_client_id: ['cpr-update-cdk', false],
    cpr_update_cpr_client_secret: [secret, true],
  });
  expect(wz.data.getClient('cpr-update-cdk')).toMatchObject({ ClientName: 'Contact update - CPR', Enabled: true, GrantType: 'CLNTCRED', User: 'CPRBATCHUSER' });
  expect((await api.requestToken(undefined, outputs.cpr_update_cpr_client_id.value, outputs.cpr_update_cpr_client_secret.value)).ok).toBe(true);
  expect((await w.plan()).code).toBe(0);

  await w.ok(['destroy', '-auto-approve', '-input=false', '-no-color']);
  expect(wz.data.getClient('cpr-update-cdk')).toBeUndefined();
});

const randomMissing = registryProviderMissing('hashicorp/random');

(randomMissing ? it.skip : it)(`CprUpdateSetup with ClientSecret.random(): end to end${randomMissing ? ` (cannot run here: ${randomMissing})` : ''}`, async () => {
  const json = synth('random', (stack) => {
    new WorkzoneProvider(stack, 'workzone');
    new CprUpdateSetup(stack, 'CprUpdate', { clientId: 'cpr-update-random', clientSecret: ClientSecret.random() });
  });
  expect(JSON.parse(json).resource.random_password).toBeDefined();
  const w = harness.workdir({ 'cdk.tf.json': json }, { ...providerEnv(), ...logicVars('cpr_update') });
  await w.init();
  await w.apply();
  const outputs = await w.outputs();
  expect(outputs.cpr_update_cpr_client_secret.sensitive).toBe(true);
  const secret: string = outputs.cpr_update_cpr_client_secret.value;
  expect(secret).toMatch(/^[A-Za-z0-9]{40}$/);
  expect((await api.requestToken(undefined, 'cpr-update-random', secret)).ok).toBe(true);
  await w.ok(['destroy', '-auto-approve', '-input=false', '-no-color']);
  expect(wz.data.getClient('cpr-update-random')).toBeUndefined();
});
