/**
 * The workzone provider under real terraform, from the plain HCL example users read
 * (examples/resources/workzone_oauth_client/resource.tf), against the WorkZone emulator over real HTTP:
 * create, token checks, update, replace, drift (properties, secrets, deletion), import, write-only
 * rotation, destroy; and bad input (validate diagnostics, missing user, wrong admin password).
 * Assertions are on state/plan JSON, diagnostics JSON and the emulator's data.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startWorkZoneEmulator, type WorkZoneEmulator } from '../../lib/emulators/workzone';
import { WorkZoneClient } from '../../lib/providers/workzone/client';
import { repoRoot, terraformHarness, Workdir, type Harness } from './harness';

jest.setTimeout(240_000);

const EXAMPLE = readFileSync(join(repoRoot, 'examples/resources/workzone_oauth_client/resource.tf'), 'utf8');
const SUPPLIED = `supplied-${randomBytes(12).toString('base64url')}`;
const WO_1 = `wo-one-${randomBytes(12).toString('base64url')}`;
const WO_2 = `wo-two-${randomBytes(12).toString('base64url')}`;

let wz: WorkZoneEmulator;
let harness: Harness;
let w: Workdir;
let api: WorkZoneClient;
let config = EXAMPLE;
/** Every secret seen in the run (generated ones from state): none may appear in the provider's log. */
const secrets = [SUPPLIED, WO_1, WO_2];

/** Edits the example copy; fails when the text to replace is not there (the example changed). */
function edit(from: string | RegExp, to: string): void {
  const next = config.replace(from, to);
  if (next === config) throw new Error(`example edit found nothing to replace: ${String(from)}`);
  config = next;
  w.write({ 'main.tf': config });
}

const tokenWorks = async (clientId: string, secret: string) => {
  if (!secrets.includes(secret)) secrets.push(secret);
  return (await api.requestToken(undefined, clientId, secret)).ok;
};

const providerEnv = () => ({ WORKZONE_URL: wz.url, WORKZONE_USERNAME: wz.username, WORKZONE_PASSWORD: wz.password });

beforeAll(async () => {
  wz = await startWorkZoneEmulator({ port: 0 });
  harness = await terraformHarness({ providers: ['workzone'], prefix: 'workzone-hcl-' });
  w = harness.workdir(
    { 'main.tf': config },
    { ...providerEnv(), TF_VAR_cpr_client_secret: SUPPLIED, TF_VAR_cpr_client_secret_wo: WO_1, TF_LOG_PROVIDER: 'TRACE', TF_LOG_PATH: join(harness.root, 'provider.log') },
  );
  secrets.push(wz.password);
  api = new WorkZoneClient({ url: wz.url, username: wz.username, password: wz.password }, { httpOptions: { retryMaxMs: 2000 } });
  await w.init();
});

afterAll(async () => {
  api?.close();
  harness?.cleanup();
  await wz?.close();
});

describe('workzone_oauth_client from the HCL example', () => {
  it('plans three creates and applies them: state and WorkZone agree, every secret gets a token', async () => {
    const { code, actions, json } = await w.plan();
    expect(code).toBe(2);
    expect(Object.fromEntries(actions)).toEqual({
      'workzone_oauth_client.cpr_update': ['create'],
      'workzone_oauth_client.generated': ['create'],
      'workzone_oauth_client.write_only': ['create'],
    });
    const planText = JSON.stringify(json);
    expect(planText).not.toContain(WO_1); // write-only: never in the plan
    await w.apply(['tfplan']);

    const s = await w.state();
    expect(s.get('data.workzone_user.cpr_batch')).toMatchObject({ initials: 'CPRBATCHUSER', name: 'Captia CPR batch afvikler', active: true });
    expect(s.get('workzone_oauth_client.cpr_update')).toEqual({
      id: 'cpr-update',
      client_id: 'cpr-update',
      client_name: 'Contact update - CPR',
      enabled: true,
      allow_access_token_via_browser: false,
      allow_offline_access: false,
      require_pkce: false,
      grant_type: 'CLNTCRED',
      user: 'CPRBATCHUSER',
      client_secret: SUPPLIED,
      client_secret_wo: null,
      client_secret_wo_version: null,
    });
    const generated = s.get('workzone_oauth_client.generated')!;
    expect(generated.client_secret).toEqual(expect.any(String));
    expect(generated.client_secret.length).toBeGreaterThanOrEqual(16);
    expect(s.get('workzone_oauth_client.write_only')).toMatchObject({ client_secret: null, client_secret_wo: null, client_secret_wo_version: 1 });

    expect(wz.data.listClients().map((c) => c.ClientId)).toEqual(['cpr-update', 'cpr-update-generated', 'cpr-update-wo']);
    expect(wz.data.getClient('cpr-update')).toMatchObject({ ClientName: 'Contact update - CPR', Enabled: true, GrantType: 'CLNTCRED', User: 'CPRBATCHUSER' });

    expect(await tokenWorks('cpr-update', SUPPLIED)).toBe(true);
    expect(await tokenWorks('cpr-update-generated', generated.client_secret)).toBe(true);
    expect(await tokenWorks('cpr-update-wo', WO_1)).toBe(true);
    expect(await tokenWorks('cpr-update', `${SUPPLIED}x`)).toBe(false); // the check can fail

    expect(readFileSync(join(w.dir, 'terraform.tfstate'), 'utf8')).not.toContain(WO_1);
    const outputs = await w.outputs();
    expect(outputs.cpr_client_id).toMatchObject({ value: 'cpr-update', sensitive: false });
    expect(outputs.generated_secret).toMatchObject({ value: generated.client_secret, sensitive: true });
  });

  it('plans no change right after apply', async () => {
    expect((await w.plan()).code).toBe(0);
  });

  it('updates in place: new name, disabled (then the token is refused)', async () => {
    edit('client_name   = "Contact update - CPR"', 'client_name   = "CPR, disabled"\n  enabled       = false');
    const { actions } = await w.plan();
    expect(actions.get('workzone_oauth_client.cpr_update')).toEqual(['update']);
    await w.apply(['tfplan']);
    expect(wz.data.getClient('cpr-update')).toMatchObject({ ClientName: 'CPR, disabled', Enabled: false });
    expect((await w.state()).get('workzone_oauth_client.cpr_update')).toMatchObject({ client_name: 'CPR, disabled', enabled: false, client_secret: SUPPLIED });
    expect(await tokenWorks('cpr-update', SUPPLIED)).toBe(false);

    edit(/\n {2}enabled {7}= false/, '');
    await w.apply();
    expect(wz.data.getClient('cpr-update')).toMatchObject({ Enabled: true });
    expect(await tokenWorks('cpr-update', SUPPLIED)).toBe(true);
  });

  it('replaces the client when client_id changes', async () => {
    edit('client_id = "cpr-update-generated"', 'client_id = "cpr-update-generated-2"');
    const { actions } = await w.plan();
    expect(actions.get('workzone_oauth_client.generated')).toEqual(['delete', 'create']);
    await w.apply(['tfplan']);
    expect(wz.data.getClient('cpr-update-generated')).toBeUndefined();
    const s = (await w.state()).get('workzone_oauth_client.generated')!;
    expect(s).toMatchObject({ id: 'cpr-update-generated-2', client_id: 'cpr-update-generated-2' });
    expect(await tokenWorks('cpr-update-generated-2', s.client_secret)).toBe(true);
  });

  it('shows a property changed in WorkZone in the next plan and converges after apply', async () => {
    wz.data.updateClient('cpr-update', { ClientName: 'Renamed by hand', AllowOfflineAccess: true });
    const { code, json } = await w.plan();
    expect(code).toBe(2);
    const change = json.resource_changes.find((c: any) => c.address === 'workzone_oauth_client.cpr_update').change;
    expect(change.actions).toEqual(['update']);
    expect(change.before).toMatchObject({ client_name: 'Renamed by hand', allow_offline_access: true });
    expect(change.after).toMatchObject({ client_name: 'CPR, disabled', allow_offline_access: false });
    await w.apply(['tfplan']);
    expect(wz.data.getClient('cpr-update')).toMatchObject({ ClientName: 'CPR, disabled', AllowOfflineAccess: false });
    expect((await w.plan()).code).toBe(0);
  });

  it('detects secrets changed in WorkZone and sets them again', async () => {
    const hand = `by-hand-${randomBytes(12).toString('base64url')}`;
    for (const id of ['cpr-update', 'cpr-update-generated-2', 'cpr-update-wo']) wz.data.updateClient(id, { ClientSecret: hand });
    const oldGenerated = (await w.state()).get('workzone_oauth_client.generated')!.client_secret;
    const { code, actions } = await w.plan();
    expect(code).toBe(2);
    expect(actions.get('workzone_oauth_client.cpr_update')).toEqual(['update']);
    expect(actions.get('workzone_oauth_client.generated')).toEqual(['update']);
    expect(actions.get('workzone_oauth_client.write_only')).toEqual(['update']);
    await w.apply(['tfplan']);

    expect(await tokenWorks('cpr-update', SUPPLIED)).toBe(true);
    expect(await tokenWorks('cpr-update-wo', WO_1)).toBe(true);
    const s = await w.state();
    const newGenerated = s.get('workzone_oauth_client.generated')!.client_secret;
    expect(newGenerated).toEqual(expect.any(String));
    expect(newGenerated).not.toBe(oldGenerated);
    expect(await tokenWorks('cpr-update-generated-2', newGenerated)).toBe(true);
    for (const id of ['cpr-update', 'cpr-update-generated-2', 'cpr-update-wo']) expect(await tokenWorks(id, hand)).toBe(false);
    expect(s.get('workzone_oauth_client.write_only')).toMatchObject({ client_secret: null, client_secret_wo_version: 1 });
    expect((await w.plan()).code).toBe(0);
  });

  it('re-creates a client deleted outside terraform', async () => {
    expect(wz.data.deleteClient('cpr-update')).toBe(true);
    const { actions } = await w.plan();
    expect(actions.get('workzone_oauth_client.cpr_update')).toEqual(['create']);
    await w.apply(['tfplan']);
    expect(wz.data.getClient('cpr-update')).toMatchObject({ ClientName: 'CPR, disabled' });
    expect(await tokenWorks('cpr-update', SUPPLIED)).toBe(true);
  });

  it('imports a client by its id: secret null in state, with a warning that it cannot be read back', async () => {
    const existing = `existing-${randomBytes(12).toString('base64url')}`;
    wz.data.createClient({
      ClientId: 'made-by-hand',
      ClientName: 'Made by hand',
      Enabled: true,
      AllowAccessTokensViaBrowser: false,
      AllowOfflineAccess: false,
      RequirePkce: false,
      GrantType: 'CLNTCRED',
      User: 'CPRBATCHUSER',
      ClientSecret: existing,
    });
    config += '\nresource "workzone_oauth_client" "imported" {\n  client_id   = "made-by-hand"\n  client_name = "Made by hand"\n}\n';
    w.write({ 'main.tf': config });
    const r = await w.tf(['import', '-input=false', '-no-color', 'workzone_oauth_client.imported', 'made-by-hand']);
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).toContain('The secret of OAuth client "made-by-hand" cannot be read back from WorkZone');
    expect((await w.state()).get('workzone_oauth_client.imported')).toMatchObject({
      id: 'made-by-hand',
      client_id: 'made-by-hand',
      client_name: 'Made by hand',
      client_secret: null,
    });
    expect(await tokenWorks('made-by-hand', existing)).toBe(true);

    // Without a secret in the configuration, the next apply sets a new generated one (as the warning says).
    const { actions, json } = await w.plan();
    expect(actions.get('workzone_oauth_client.imported')).toEqual(['update']);
    expect(json.resource_changes.find((c: any) => c.address === 'workzone_oauth_client.imported').change.after_unknown.client_secret).toBe(true);
    await w.apply(['tfplan']);
    const secret = (await w.state()).get('workzone_oauth_client.imported')!.client_secret;
    expect(await tokenWorks('made-by-hand', secret)).toBe(true);
    expect(await tokenWorks('made-by-hand', existing)).toBe(false);
  });

  it('rotates a write-only secret with a version bump, never storing it', async () => {
    edit('client_secret_wo_version = 1', 'client_secret_wo_version = 2');
    w.env = { ...w.env, TF_VAR_cpr_client_secret_wo: WO_2 };
    const { actions, json } = await w.plan();
    expect(actions.get('workzone_oauth_client.write_only')).toEqual(['update']);
    await w.apply(['tfplan']);
    expect(await tokenWorks('cpr-update-wo', WO_2)).toBe(true);
    expect(await tokenWorks('cpr-update-wo', WO_1)).toBe(false);
    expect((await w.state()).get('workzone_oauth_client.write_only')).toMatchObject({ client_secret: null, client_secret_wo: null, client_secret_wo_version: 2 });
    const stateFile = readFileSync(join(w.dir, 'terraform.tfstate'), 'utf8');
    for (const secret of [WO_1, WO_2]) {
      expect(stateFile).not.toContain(secret);
      expect(JSON.stringify(json)).not.toContain(secret);
    }
    // A new value without a bump is not sent (that is what the version is for)...
    w.env = { ...w.env, TF_VAR_cpr_client_secret_wo: `${WO_2}-unsent` };
    expect((await w.plan()).code).toBe(0);
    // ...not even with another change to the client, and it is not taken for drift afterwards.
    edit('client_id                = "cpr-update-wo"', 'client_id                = "cpr-update-wo"\n  client_name              = "CPR, write-only"');
    await w.apply();
    expect(wz.data.getClient('cpr-update-wo')).toMatchObject({ ClientName: 'CPR, write-only' });
    expect(await tokenWorks('cpr-update-wo', WO_2)).toBe(true);
    expect((await w.plan()).code).toBe(0);
  });

  it('destroys everything: WorkZone is empty', async () => {
    await w.ok(['destroy', '-auto-approve', '-input=false', '-no-color']);
    expect((await w.state()).size).toBe(0);
    expect(wz.data.listClients()).toEqual([]);
  });

  it('kept every secret (supplied, generated, write-only, admin password) out of the provider log', () => {
    const log = readFileSync(join(harness.root, 'provider.log'), 'utf8');
    expect(log).toContain('tf_rpc=ApplyResourceChange'); // the provider did log, at trace
    expect(secrets.length).toBeGreaterThanOrEqual(7);
    const leaked = secrets.filter((s) => log.includes(s)).length;
    expect(leaked).toBe(0); // a count, so that a failure does not print the secret
  });
});

describe('bad input through terraform', () => {
  let bad: Workdir;
  const clientBlock = (body: string) => `terraform {
  required_providers {
    workzone = { source = "workzone-cpr.local/cpr/workzone" }
  }
}
provider "workzone" {}
variable "secret" {
  type      = string
  sensitive = true
  default   = "${'s'.repeat(20)}"
}
${body}
`;

  beforeAll(async () => {
    bad = harness.workdir({ 'main.tf': clientBlock('') }, providerEnv());
    await bad.init();
  });

  it('validate reports the same field errors as the constructs, at the attribute', async () => {
    bad.write({
      'main.tf': clientBlock(`resource "workzone_oauth_client" "bad" {
  client_id        = "cpr update"
  grant_type       = "AUTHCODE"
  client_secret    = var.secret
  client_secret_wo = var.secret
  client_secret_wo_version = 1
}`),
    });
    const r = await bad.tf(['validate', '-json', '-no-color']);
    expect(r.code).toBe(1);
    const diags = Workdir.diagnostics(r.stdout);
    const bySummary = (re: RegExp) => diags.find((d) => re.test(d.summary));
    expect(diags.every((d) => d.severity === 'error')).toBe(true);

    const id = bySummary(/^client_id /);
    expect(id.summary).toBe('client_id must not contain spaces or other whitespace; remove them');
    expect(id.detail).toBe('Got "cpr update".');
    expect(id.range.start.line).toBe(13); // the client_id line of the user's file
    expect(id.snippet.code).toContain('client_id');

    const grant = bySummary(/^grant_type /);
    expect(grant.summary).toMatch(/grant_type must be "CLNTCRED" \(client credentials\)/);
    expect(grant.summary + grant.detail).toMatch(/client credentials/);
    expect(grant.range.start.line).toBe(14);

    const both = bySummary(/Conflicting client secrets/);
    expect(both.detail).toBe('Set either client_secret or client_secret_wo, not both.');
    expect(both.range.start.line).toBe(16);
    expect(diags).toHaveLength(3);
  });

  it('the same messages as the constructs give for the same props', async () => {
    // The constructs validate with the schema's rules: the provider's summaries must carry the same text.
    const { Testing, TerraformStack } = await import('cdktf');
    const { WorkZoneOAuthClient } = await import('../../lib/constructs');
    const stack = new TerraformStack(Testing.app(), 'x');
    let message = '';
    try {
      new WorkZoneOAuthClient(stack, 'c', { clientId: 'cpr update', grantType: 'AUTHCODE' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('must not contain spaces or other whitespace; remove them');
    expect(message).toContain('"CLNTCRED"');
  });

  it('a missing CPRBATCHUSER fails the plan with the data source message', async () => {
    bad.write({
      'main.tf': clientBlock(`data "workzone_user" "cpr_batch" {
  initials = "CPRBATCHUSER"
}
resource "workzone_oauth_client" "c" {
  client_id     = "needs-user"
  user          = data.workzone_user.cpr_batch.initials
  client_secret = var.secret
}`),
    });
    const saved = wz.data.getUser('CPRBATCHUSER')!;
    expect(wz.data.deleteUser('CPRBATCHUSER')).toBe(true);
    try {
      const r = await bad.tf(['plan', '-json', '-input=false']);
      expect(r.code).toBe(1);
      const errors = Workdir.diagnostics(r.stdout).filter((d) => d.severity === 'error');
      expect(errors).toHaveLength(1);
      expect(errors[0].summary).toBe('WorkZone has no user "CPRBATCHUSER"');
      expect(errors[0].detail).toMatch(/Create the user in WorkZone/);
      expect(errors[0].address).toBe('data.workzone_user.cpr_batch');
    } finally {
      wz.data.putUser(saved);
    }
    expect((await bad.tf(['plan', '-input=false', '-no-color'])).code).toBe(0);
    expect(wz.data.getClient('needs-user')).toBeUndefined();
  });

  it('a wrong admin password fails with a message naming the username/password settings', async () => {
    const r = await bad.tf(['plan', '-json', '-input=false'], { WORKZONE_PASSWORD: `${wz.password}-wrong` });
    expect(r.code).toBe(1);
    const errors = Workdir.diagnostics(r.stdout).filter((d) => d.severity === 'error');
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors[0].summary).toMatch(/WorkZone refused the credentials .*\(HTTP 401\)/);
    expect(errors[0].detail).toMatch(/username\/password settings.*WORKZONE_USERNAME \/ WORKZONE_PASSWORD/);
    expect(r.stdout + r.stderr).not.toContain(wz.password);
  });
});
