/**
 * CprUpdateSetup synthesized and run by real terraform against both emulators, with KMD Logic
 * verification on: good identifiers plan and apply; a wrong client secret, an unknown subscription or an
 * unknown product id each fail the plan with their own message and leave WorkZone untouched; the product
 * check relaxed to a warning lets the apply through.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, TerraformStack } from 'cdktf';
import { WorkzoneProvider } from '../../lib/bindings/workzone';
import { ClientSecret, CprUpdateSetup, KmdLogicSubscription, type ProductIdCheck } from '../../lib/constructs';
import { startKmdLogicEmulator, type KmdLogicEmulator } from '../../lib/emulators/kmdlogic';
import { startWorkZoneEmulator, type WorkZoneEmulator } from '../../lib/emulators/workzone';
import { keepStateInWorkdir, terraformHarness, Workdir, type Harness } from './harness';

jest.setTimeout(240_000);

let wz: WorkZoneEmulator;
let logic: KmdLogicEmulator;
let harness: Harness;
let n = 0;
const cprSecret = `cpr-${randomBytes(12).toString('base64url')}`;

/** One stack: a CprUpdateSetup whose KMD Logic identifiers come from variables (known at plan time). */
function synth(clientId: string, productIdCheck?: ProductIdCheck): string {
  const name = `s${++n}`;
  const app = new App({ outdir: join(harness.root, `synth-${name}`) });
  const stack = new TerraformStack(app, name);
  new WorkzoneProvider(stack, 'workzone'); // configured from WORKZONE_* in the environment
  const kmdLogic = new KmdLogicSubscription(stack, 'KmdLogic', { variablePrefix: 'logic', productIdCheck });
  new CprUpdateSetup(stack, 'CprUpdate', { clientId, clientSecret: ClientSecret.fromVariable('cpr_client_secret'), kmdLogic });
  keepStateInWorkdir(stack);
  app.synth();
  return readFileSync(join(harness.root, `synth-${name}`, 'stacks', name, 'cdk.tf.json'), 'utf8');
}

function workdir(clientId: string, ids: Partial<Record<'client_id' | 'client_secret' | 'subscription_id' | 'product_id', string>>, check?: ProductIdCheck): Workdir {
  const vars = { client_id: logic.clientId, client_secret: logic.clientSecret, subscription_id: logic.subscriptionId, product_id: logic.productId, ...ids };
  return harness.workdir(
    { 'cdk.tf.json': synth(clientId, check) },
    {
      WORKZONE_URL: wz.url,
      WORKZONE_USERNAME: wz.username,
      WORKZONE_PASSWORD: wz.password,
      KMDLOGIC_TOKEN_URL: logic.tokenUrl,
      KMDLOGIC_API_URL: logic.url,
      TF_VAR_cpr_client_secret: cprSecret,
      ...Object.fromEntries(Object.entries(vars).map(([k, v]) => [`TF_VAR_logic_${k}`, v])),
    },
  );
}

/** `apply -json`: exit code and diagnostics. */
async function apply(w: Workdir) {
  const run = await w.tf(['apply', '-auto-approve', '-input=false', '-json']);
  return { code: run.code, diags: Workdir.diagnostics(run.stdout) as { severity: string; summary: string; detail?: string }[], run };
}

beforeAll(async () => {
  wz = await startWorkZoneEmulator({ port: 0 });
  logic = await startKmdLogicEmulator({});
  harness = await terraformHarness({ providers: ['workzone', 'kmdlogic'], prefix: 'kmdlogic-constructs-' });
});

afterAll(async () => {
  harness?.cleanup();
  await wz?.close();
  await logic?.close();
});

it('good identifiers: plans, applies, the verification is in state and WorkZone has the client', async () => {
  const w = workdir('cpr-good', {});
  await w.init();
  const before = logic.stats();
  await w.apply();
  const state = await w.state();
  const lookup = [...state.entries()].find(([address]) => address.startsWith('data.kmdlogic_subscription.'))?.[1];
  expect(lookup?.configurations.map((c: { id: string }) => c.id)).toEqual([logic.productId]);
  expect(wz.data.getClient('cpr-good')).toMatchObject({ GrantType: 'CLNTCRED', User: 'CPRBATCHUSER' });
  // One token per provider process: terraform configures the provider in the apply's plan and apply steps,
  // and each checks the credentials then (the plan's lookup reuses its token).
  expect(logic.stats().tokenRequests - before.tokenRequests).toBe(2);
  const again = await w.plan();
  if (again.code !== 0) console.log('PLAN CHANGES', JSON.stringify(again.json.resource_changes.filter((c: any) => c.change.actions[0] !== 'no-op').map((c: any) => [c.address, c.change])), JSON.stringify(again.json.checks ?? null));
  expect(again.code).toBe(0);
  await w.ok(['destroy', '-auto-approve', '-input=false', '-no-color']);
  expect(wz.data.getClient('cpr-good')).toBeUndefined();
});

it.each([
  ['a wrong client secret', { client_secret: 'not-the-secret-1234' }, 'KMD Logic rejected the client credentials: check client_id / client_secret'],
  ['an unknown client id', { client_id: randomUUID() }, 'KMD Logic rejected the client credentials: check client_id / client_secret'],
  ['an unknown subscription', { subscription_id: '3fa85f64-5717-4562-b3fc-2c963f66afa6' }, 'KMD Logic subscription 3fa85f64-5717-4562-b3fc-2c963f66afa6 was not found'],
])('%s fails the plan with its own message; WorkZone untouched', async (what, ids, message) => {
  const clientId = `cpr-bad-${n + 1}`;
  const w = workdir(clientId, ids);
  await w.init();
  const { code, diags, run } = await apply(w);
  expect(code).not.toBe(0);
  const errors = diags.filter((d) => d.severity === 'error');
  expect(errors).toHaveLength(1);
  expect(errors[0].summary).toContain(message);
  expect(run.stdout + run.stderr).not.toContain(logic.clientSecret);
  expect(wz.data.getClient(clientId)).toBeUndefined();
  expect((await w.state()).size).toBe(0);
  void what;
});

it('an unknown product id fails the plan naming the product id; WorkZone untouched', async () => {
  const product = randomUUID();
  const w = workdir('cpr-bad-product', { product_id: product });
  await w.init();
  const { code, diags } = await apply(w);
  expect(code).not.toBe(0);
  const errors = diags.filter((d) => d.severity === 'error');
  expect(errors).toHaveLength(1);
  // terraform's summary for a failed postcondition is its own; the detail is our message.
  expect(errors[0].detail).toContain(`KMD Logic Product ID ${product} matches no CPR configuration of subscription ${logic.subscriptionId}`);
  expect(errors[0].detail).toContain(`its configurations: ${logic.productId}`);
  expect(wz.data.getClient('cpr-bad-product')).toBeUndefined();
});

it('productIdCheck "warning": an unknown product id warns and the apply goes on', async () => {
  const product = randomUUID();
  const w = workdir('cpr-warned', { product_id: product }, 'warning');
  await w.init();
  const { code, diags } = await apply(w);
  expect(code).toBe(0);
  const warning = diags.find((d) => d.severity === 'warning' && (d.detail ?? '').includes('matches no CPR configuration'));
  expect(warning?.detail).toContain(`KMD Logic Product ID ${product}`);
  expect(wz.data.getClient('cpr-warned')).toBeDefined();
  await w.ok(['destroy', '-auto-approve', '-input=false', '-no-color']);
});
