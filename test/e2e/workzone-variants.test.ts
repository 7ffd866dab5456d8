/**
 * The workzone provider under real terraform against a WorkZone that differs from the assumed contract in
 * the ways it supports by configuration (lib/emulators/workzone/model.ts): OData at another root
 * (`odata_path`), a token endpoint named only by the discovery document (`token_url` unset), and no
 * ClientSecretHash (a secret changed in WorkZone is found at the token endpoint instead). And the doctor,
 * as users run it, names the setting the provider needs there.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { startWorkZoneEmulator, type WorkZoneEmulator } from '../../lib/emulators/workzone';
import { WorkZoneClient } from '../../lib/providers/workzone/client';
import { repoRoot, terraformHarness, Workdir, type Harness } from './harness';

jest.setTimeout(240_000);

const SECRET = `variants-${randomBytes(12).toString('base64url')}`;
const HCL = `terraform {
  required_providers {
    workzone = { source = "workzone-cpr.local/cpr/workzone", version = "0.1.0" }
  }
}

provider "workzone" {}

variable "secret" {
  type      = string
  sensitive = true
}

data "workzone_user" "cpr_batch" {
  initials = "CPRBATCHUSER"
}

resource "workzone_oauth_client" "cpr_update" {
  client_id     = "cpr-update"
  user          = data.workzone_user.cpr_batch.initials
  client_secret = var.secret
}
`;

let wz: WorkZoneEmulator;
let harness: Harness;
let w: Workdir;
const requests: string[] = [];
let cli: string;

const asked = (method: string, path: string) => requests.filter((l) => l.includes(`${method} ${path} `)).length;

beforeAll(async () => {
  wz = await startWorkZoneEmulator({ variant: 'odata-root,token-discovery-only,no-secret-hash', log: (line) => requests.push(line) });
  harness = await terraformHarness({ providers: ['workzone'], prefix: 'workzone-variants-' });
  cli = join(harness.root, 'workzone-cpr.js');
  buildSync({ entryPoints: [join(repoRoot, 'lib/cli/main.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: cli, logLevel: 'warning' });
  w = harness.workdir({ 'main.tf': HCL }, { WORKZONE_URL: wz.url, WORKZONE_USERNAME: wz.username, WORKZONE_PASSWORD: wz.password, TF_VAR_secret: SECRET });
  await w.init();
});

afterAll(async () => {
  harness?.cleanup();
  await wz?.close();
});

function doctor(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, 'doctor', '--json', ...args], { env: { PATH: process.env.PATH, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('a WorkZone with another OData root, a token endpoint found by discovery, no secret hash', () => {
  it('the provider, as configured for the contract, stops at configure naming odata_path; the doctor names the value', async () => {
    const plan = await w.tf(['plan', '-input=false', '-no-color', '-json']);
    expect(plan.code).not.toBe(0);
    const errors = Workdir.diagnostics(plan.stdout).filter((d) => d.severity === 'error');
    expect(errors.map((d) => d.summary)).toEqual([`WorkZone has no OData service at ${wz.url}/odata`]);
    expect(errors[0].detail).toBe('Check the provider settings "url" and "odata_path".');

    const env = { WORKZONE_URL: wz.url, WORKZONE_USERNAME: wz.username, WORKZONE_PASSWORD: wz.password };
    const report = await doctor([], env);
    expect(report.code).toBe(1);
    const json = JSON.parse(report.stdout);
    expect(json.settings).toEqual([
      { provider: 'workzone', name: 'odata_path', value: '/api/odata', required: true },
      { provider: 'workzone', name: 'token_url', value: `${wz.url}/oauth/connect/token`, required: false },
    ]);
    expect(json.results.filter((r: { outcome: string }) => r.outcome !== 'holds' && r.outcome !== 'skipped').map((r: { id: string; outcome: string }) => `${r.id}: ${r.outcome}`)).toEqual([
      'odata-root: differs',
      'secret-hash: adapts',
      'token-endpoint: adapts',
    ]);
    expect(report.stdout).not.toContain(wz.password);

    // With the setting it named, the doctor finds everything fits, the round trip included.
    const fixed = await doctor(['--write'], { ...env, WORKZONE_ODATA_PATH: '/api/odata' });
    expect(fixed.code).toBe(0);
    w.env = { ...w.env, WORKZONE_ODATA_PATH: '/api/odata' };
  });

  it('with odata_path set, applies and plans no change; every refresh checks the secret at the discovered token endpoint', async () => {
    requests.length = 0;
    await w.apply();
    expect(wz.data.getClient('cpr-update')).toMatchObject({ User: 'CPRBATCHUSER', GrantType: 'CLNTCRED' });
    const { code } = await w.plan();
    expect(code).toBe(0);
    expect(asked('GET', '/.well-known/openid-configuration')).toBeGreaterThanOrEqual(1);
    expect(asked('POST', '/oauth/connect/token')).toBeGreaterThanOrEqual(1);
    expect(asked('POST', '/connect/token')).toBe(0);
  });

  it('a secret changed in WorkZone (no hash to see it by) is found at the token endpoint, and set again', async () => {
    wz.data.updateClient('cpr-update', { ClientSecret: `changed-in-workzone-${randomBytes(8).toString('hex')}` });
    const { code, actions } = await w.plan();
    expect(code).toBe(2);
    expect(actions.get('workzone_oauth_client.cpr_update')).toEqual(['update']);
    await w.apply(['tfplan']);
    const api = new WorkZoneClient({ url: wz.url, username: wz.username, password: wz.password, odataPath: '/api/odata' });
    try {
      expect((await api.requestToken(undefined, 'cpr-update', SECRET)).ok).toBe(true);
    } finally {
      api.close();
    }
    expect((await w.plan()).code).toBe(0);
  });

  it('destroys', async () => {
    await w.ok(['destroy', '-auto-approve', '-input=false', '-no-color']);
    expect(wz.data.listClients()).toEqual([]);
  });
});
