/**
 * The kmdlogic provider under real terraform against the KMD Logic emulator: data sources, wrong
 * identifiers, and the configuration resource's life (create → no-op → update → drift → gone → import →
 * destroy with a warning), then token caching and renewal. Assertions are on state, on the emulator's
 * data and on the diagnostics we own.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startKmdLogicEmulator, type KmdLogicEmulator } from '../../lib/emulators/kmdlogic';
import { KmdLogicClient } from '../../lib/providers/kmdlogic/client';
import { terraformHarness, Workdir, type Harness } from './harness';

jest.setTimeout(240_000);

const UNKNOWN = '3fa85f64-5717-4562-b3fc-2c963f66afa6';
const CERT = Buffer.from('3003020103a1b2c3d4e5f6', 'hex'); // DER prefix: all the emulator checks
const CERT_B64 = CERT.toString('base64');
const PASSWORD = 'pfx-password-8531';
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

let harness: Harness;
let tf: Workdir;
let e: KmdLogicEmulator;
let dataDir: string;
let port: number;

const start = async () => {
  e = await startKmdLogicEmulator({ dataDir, port });
  port = Number(new URL(e.rootUrl).port);
};
const logFile = () => join(harness.root, 'terraform.log');
const REQUIRED_PROVIDERS = `terraform {
  required_providers {
    kmdlogic = { source = "workzone-cpr.local/cpr/kmdlogic" }
  }
}
`;

/** Runs a command with -json; its exit code and the diagnostics it printed. */
async function diagnostics(args: string[], env: Record<string, string> = {}) {
  const run = await tf.tf([...args, '-json'], env);
  const diags: { severity: string; summary: string; detail: string }[] = Workdir.diagnostics(run.stdout).map((d) => ({ ...d, detail: d.detail ?? '' }));
  return { code: run.code, diags, run };
}
const stored = (id: string) => e.data().configurations.find((c) => c.id.toLowerCase() === id.toLowerCase());

/** A configuration resource, plus anything else. */
const resourceTf = (name: string, environment: string, extra = '') => `${REQUIRED_PROVIDERS}
variable "certificate" {
  type      = string
  sensitive = true
}
resource "kmdlogic_cpr_configuration" "c" {
  subscription_id      = "${e.subscriptionId}"
  name                 = "${name}"
  environment          = "${environment}"
  certificate          = var.certificate
  certificate_password = "${PASSWORD}"
}
${extra}`;

beforeAll(async () => {
  harness = await terraformHarness({ providers: ['kmdlogic'], prefix: 'kmdlogic-e2e-' });
  tf = harness.workdir({}, { TF_LOG_PROVIDER: 'DEBUG', TF_LOG_PATH: logFile() });
  dataDir = join(harness.root, 'emulator');
  port = 0;
  await start();
  Object.assign(tf.env, {
    KMDLOGIC_CLIENT_ID: e.clientId,
    KMDLOGIC_CLIENT_SECRET: e.clientSecret, // the data file keeps it across emulator restarts
    KMDLOGIC_TOKEN_URL: e.tokenUrl,
    KMDLOGIC_API_URL: e.url,
    TF_VAR_certificate: CERT_B64,
  });
});

afterAll(async () => {
  await e?.close();
  harness?.cleanup();
});

describe('data sources', () => {
  it('reads the subscription and one configuration; one token for the whole plan', async () => {
    tf.write({
      'main.tf': `${REQUIRED_PROVIDERS}
data "kmdlogic_subscription" "s" {
  subscription_id = "${e.subscriptionId}"
}
data "kmdlogic_cpr_configuration" "p" {
  subscription_id  = "${e.subscriptionId}"
  configuration_id = "${e.productId}"
}
`,
    });
    await tf.ok(['init', '-input=false']);
    const before = e.stats();
    await tf.ok(['apply', '-auto-approve', '-input=false']);
    const after = e.stats();
    const s = await tf.state();
    expect(s.get('data.kmdlogic_subscription.s')).toEqual({
      id: e.subscriptionId,
      subscription_id: e.subscriptionId,
      configurations: [{ id: e.productId, name: 'CPR update (seeded)', provider: 'DataDistributor', environment: 'Test' }],
    });
    expect(s.get('data.kmdlogic_cpr_configuration.p')).toEqual({
      id: e.productId,
      subscription_id: e.subscriptionId,
      configuration_id: e.productId,
      name: 'CPR update (seeded)',
      cpr_provider: 'DataDistributor',
      environment: 'Test',
    });
    // apply = one plan process that reads both data sources; the token is cached and shared.
    expect(after.tokenRequests - before.tokenRequests).toBe(1);
    expect(after.apiRequests - before.apiRequests).toBe(2);
  });

  it.each([
    ['a wrong client secret', { KMDLOGIC_CLIENT_SECRET: 'wrong-secret-0000' }, {}, 'KMD Logic rejected the client credentials: check client_id / client_secret'],
    ['an unknown client id', { KMDLOGIC_CLIENT_ID: UNKNOWN }, {}, 'KMD Logic rejected the client credentials: check client_id / client_secret'],
    ['an unknown subscription', {}, { sub: UNKNOWN }, `KMD Logic subscription ${UNKNOWN} was not found, or client_id`],
    ['an unknown configuration', {}, { cfg: UNKNOWN }, `CPR configuration ${UNKNOWN} was not found in KMD Logic subscription`],
  ])('fails the plan on %s, with its own message', async (_what, env, ids, summary) => {
    const sub = (ids as { sub?: string }).sub ?? e.subscriptionId;
    const cfg = (ids as { cfg?: string }).cfg ?? e.productId;
    tf.write({
      'main.tf': `${REQUIRED_PROVIDERS}
data "kmdlogic_cpr_configuration" "p" {
  subscription_id  = "${sub}"
  configuration_id = "${cfg}"
}
`,
    });
    const { code, diags, run } = await diagnostics(['plan', '-input=false'], env);
    expect(code).not.toBe(0);
    const errors = diags.filter((d) => d.severity === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0].summary).toContain(summary);
    expect(run.stdout + run.stderr).not.toContain(e.clientSecret);
  });
});

describe('resource kmdlogic_cpr_configuration', () => {
  let id: string;

  beforeAll(async () => {
    tf.write({ 'main.tf': `${REQUIRED_PROVIDERS}` });
    await tf.ok(['apply', '-auto-approve', '-input=false']); // forget the data sources
  });

  it('creates: state has the id and provider, Logic has what was sent', async () => {
    tf.write({ 'main.tf': resourceTf('Vejle CPR', 'Test') });
    expect((await tf.plan()).actions.get('kmdlogic_cpr_configuration.c')).toEqual(['create']);
    await tf.ok(['apply', '-input=false', 'tfplan']);
    const s = (await tf.state()).get('kmdlogic_cpr_configuration.c')!;
    id = s.id;
    expect(s).toMatchObject({ subscription_id: e.subscriptionId, name: 'Vejle CPR', environment: 'Test', cpr_provider: 'DataDistributor' });
    expect(stored(id)).toMatchObject({
      name: 'Vejle CPR',
      environment: 'Test',
      certificateSha256: sha256(CERT),
      certificatePasswordSha256: sha256(PASSWORD),
    });
  });

  it('plans no change when nothing changed', async () => {
    expect((await tf.tf(['plan', '-detailed-exitcode', '-input=false'])).code).toBe(0);
  });

  it('updates name and environment in place', async () => {
    tf.write({ 'main.tf': resourceTf('Vejle CPR prod', 'Production') });
    expect((await tf.plan()).actions.get('kmdlogic_cpr_configuration.c')).toEqual(['update']);
    await tf.ok(['apply', '-input=false', 'tfplan']);
    expect((await tf.state()).get('kmdlogic_cpr_configuration.c')).toMatchObject({ id, name: 'Vejle CPR prod', environment: 'Production' });
    expect(stored(id)).toMatchObject({ name: 'Vejle CPR prod', environment: 'Production', certificateSha256: sha256(CERT) });
  });

  it('shows a change made in the Logic console as drift, and puts it back', async () => {
    const console = new KmdLogicClient({ clientId: e.clientId, clientSecret: e.clientSecret, tokenUrl: e.tokenUrl, apiUrl: e.url, scope: e.scope });
    await console.updateDataDistributor(e.subscriptionId, id, { name: 'Renamed by hand', environment: 'Test', certificate: CERT });
    console.close();
    expect((await tf.plan()).actions.get('kmdlogic_cpr_configuration.c')).toEqual(['update']);
    await tf.ok(['apply', '-input=false', 'tfplan']);
    expect(stored(id)).toMatchObject({ name: 'Vejle CPR prod', environment: 'Production', certificatePasswordSha256: sha256(PASSWORD) });
  });

  it('re-creates a configuration that is gone from Logic (404)', async () => {
    // Logic has no delete API: remove it from the emulator's data file while it is down.
    await e.close();
    const file = join(dataDir, 'kmdlogic.json');
    const data = JSON.parse(readFileSync(file, 'utf8'));
    data.configurations = data.configurations.filter((c: { id: string }) => c.id !== id);
    writeFileSync(file, JSON.stringify(data));
    await start();
    expect((await tf.plan()).actions.get('kmdlogic_cpr_configuration.c')).toEqual(['create']);
    await tf.ok(['apply', '-input=false', 'tfplan']);
    const s = (await tf.state()).get('kmdlogic_cpr_configuration.c')!;
    expect(s.id).not.toBe(id);
    id = s.id;
    expect(stored(id)).toMatchObject({ name: 'Vejle CPR prod', environment: 'Production' });
  });

  it('imports by <subscription_id>/<configuration_id>, warning that the certificate cannot be read back', async () => {
    await tf.ok(['state', 'rm', 'kmdlogic_cpr_configuration.c']);
    const bad = await tf.tf(['import', '-input=false', 'kmdlogic_cpr_configuration.c', id]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('Invalid import id for kmdlogic_cpr_configuration');

    const imported = await tf.tf(['import', '-input=false', 'kmdlogic_cpr_configuration.c', `${e.subscriptionId}/${id}`]);
    expect(imported.code).toBe(0);
    expect(imported.stdout + imported.stderr).toContain('The certificate of an imported CPR configuration cannot be read back');
    expect((await tf.state()).get('kmdlogic_cpr_configuration.c')).toEqual({
      id,
      subscription_id: e.subscriptionId,
      name: 'Vejle CPR prod',
      environment: 'Production',
      cpr_provider: 'DataDistributor',
      certificate: null,
      certificate_password: null,
    });
    // The certificate is unknown to state: the next apply uploads it (in place, same id).
    const updatedAt = stored(id)!.updatedAt;
    expect((await tf.plan()).actions.get('kmdlogic_cpr_configuration.c')).toEqual(['update']);
    await tf.ok(['apply', '-input=false', 'tfplan']);
    expect(stored(id)!.updatedAt).not.toBe(updatedAt);
    expect((await tf.state()).get('kmdlogic_cpr_configuration.c')).toMatchObject({ id, certificate: CERT_B64, certificate_password: PASSWORD });
    expect((await tf.tf(['plan', '-detailed-exitcode', '-input=false'])).code).toBe(0);
  });

  it('destroy removes it from state with a warning; Logic keeps it', async () => {
    const { code, diags } = await diagnostics(['destroy', '-auto-approve', '-input=false']);
    expect(code).toBe(0);
    const warning = diags.find((d) => d.severity === 'warning' && d.summary.includes('KMD Logic has no delete'));
    expect(warning?.summary).toBe(`KMD Logic has no delete: CPR configuration ${id} still exists`);
    expect(warning?.detail).toContain('remove it in the KMD Logic console');
    expect((await tf.state()).size).toBe(0);
    expect(stored(id)).toBeDefined();
  });

  it('refuses a certificate that is not base64, without showing it', async () => {
    const { code, diags } = await diagnostics(['validate'], {});
    expect(code).toBe(0);
    expect(diags.filter((d) => d.severity === 'error')).toEqual([]);
    tf.write({ 'main.tf': resourceTf('x', 'Test').replace('var.certificate', '"not base64!%%"') });
    const bad = await diagnostics(['validate'], {});
    expect(bad.code).not.toBe(0);
    const err = bad.diags.find((d) => d.summary === 'Invalid certificate');
    expect(err?.detail).toContain('filebase64(');
    expect(err?.detail).not.toContain('not base64!');
  });

  it('kept every secret out of the provider log', () => {
    const log = readFileSync(logFile(), 'utf8');
    expect(log).toContain('ApplyResourceChange'); // the provider did log
    for (const secret of [e.clientSecret, PASSWORD, CERT_B64]) expect(log).not.toContain(secret);
  });
});

describe('tokens', () => {
  let short: KmdLogicEmulator;
  afterAll(async () => short?.close());

  /** Six data source reads, one after another (depends_on), so the plan lasts several token lifetimes. */
  const chain = (sub: string, cfg: string) =>
    REQUIRED_PROVIDERS +
    Array.from({ length: 6 }, (_, i) => `
data "kmdlogic_cpr_configuration" "r${i}" {
  subscription_id  = "${sub}"
  configuration_id = "${cfg}"
${i > 0 ? `  depends_on       = [data.kmdlogic_cpr_configuration.r${i - 1}]\n` : ''}}`).join('\n');

  it('renews a short-lived token before it expires: no call is ever refused', async () => {
    short = await startKmdLogicEmulator({ tokenLifetimeSeconds: 2, faults: { latencyMs: 400 } });
    tf.write({ 'main.tf': chain(short.subscriptionId, short.productId) });
    const env = { KMDLOGIC_CLIENT_ID: short.clientId, KMDLOGIC_CLIENT_SECRET: short.clientSecret, KMDLOGIC_TOKEN_URL: short.tokenUrl, KMDLOGIC_API_URL: short.url };
    await tf.ok(['plan', '-input=false'], env);
    const stats = short.stats();
    // Each request takes 0.4 s, a token lives 2 s and is renewed at half-life: several tokens for six reads…
    expect(stats.tokenRequests).toBeGreaterThanOrEqual(3);
    // …and never one too late: an expired token would have cost a 401 and a repeated call.
    expect(stats.apiRequests).toBe(6);
    expect(readFileSync(logFile(), 'utf8')).not.toContain('access token refused (401)');
    console.log(`token renewal: ${stats.tokenRequests} token requests for ${stats.apiRequests} API requests (2 s tokens, 0.4 s latency)`);
  });

  it('uses one token for the same six reads when tokens live long', async () => {
    tf.write({ 'main.tf': chain(e.subscriptionId, e.productId) });
    const before = e.stats();
    await tf.ok(['plan', '-input=false']);
    const after = e.stats();
    expect(after.tokenRequests - before.tokenRequests).toBe(1);
    expect(after.apiRequests - before.apiRequests).toBe(6);
  });
});

describe('HCL examples', () => {
  const examples = join(__dirname, '../../examples');

  it('the HCL examples apply against the emulator', async () => {
    const env = { KMDLOGIC_CLIENT_ID: e.clientId, KMDLOGIC_CLIENT_SECRET: e.clientSecret, KMDLOGIC_TOKEN_URL: e.tokenUrl, KMDLOGIC_API_URL: e.url };
    const ds = harness.workdir({ 'main.tf': readFileSync(join(examples, 'data-sources/kmdlogic_subscription/data-source.tf'), 'utf8') }, {
      ...env,
      TF_VAR_subscription_id: e.subscriptionId,
      TF_VAR_product_id: e.productId.toUpperCase(), // compared case-insensitively
    });
    await ds.init();
    await ds.apply();
    // The seeded product plus what earlier tests left behind (Logic has no delete).
    expect((await ds.outputs()).configurations.value.map((c: { id: string }) => c.id)).toEqual(e.data().configurations.map((c) => c.id));

    const res = harness.workdir(
      { 'main.tf': readFileSync(join(examples, 'resources/kmdlogic_cpr_configuration/resource.tf'), 'utf8') },
      { ...env, TF_VAR_subscription_id: e.subscriptionId, TF_VAR_certificate_password: PASSWORD },
    );
    writeFileSync(join(res.dir, 'distributor.pfx'), CERT);
    await res.init();
    await res.apply();
    const productId = (await res.outputs()).product_id.value;
    expect(stored(productId)).toMatchObject({ name: 'WorkZone CPR update', environment: 'Test', certificateSha256: sha256(CERT) });
    await res.ok(['destroy', '-auto-approve', '-input=false']);
    expect(stored(productId)).toBeDefined();
  });
});
