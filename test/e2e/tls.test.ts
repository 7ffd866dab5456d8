/**
 * Both providers over HTTPS under real terraform, against `workzone-cpr emulators --tls` (a separate
 * process from an esbuild bundle of the CLI): certificates are verified by default, so without ca_file, or
 * with another CA's file, the plan fails naming ca_file, the host and OpenSSL's reason; the CA file the CLI
 * prints makes apply work; insecure_skip_verify (off by default) connects but warns; a certificate for
 * another host name fails naming url.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { createCertificateAuthority } from '../../lib/emulators/common/tls';
import { startWorkZoneEmulator, type WorkZoneEmulator } from '../../lib/emulators/workzone';
import { repoRoot, terraformHarness, Workdir, type Harness } from './harness';

jest.setTimeout(180_000);

const SECRET = `tls-secret-${Date.now().toString(36)}-0123456789`;
const CONFIG = `terraform {
  required_providers {
    workzone = { source = "workzone-cpr.local/cpr/workzone" }
    kmdlogic = { source = "workzone-cpr.local/cpr/kmdlogic" }
  }
}
variable "insecure" {
  type    = bool
  default = null
}
variable "secret" {
  type      = string
  sensitive = true
}
variable "subscription_id" {
  type = string
}
provider "workzone" {
  insecure_skip_verify = var.insecure
}
provider "kmdlogic" {
  insecure_skip_verify = var.insecure
}
data "kmdlogic_subscription" "s" {
  subscription_id = var.subscription_id
}
resource "workzone_oauth_client" "c" {
  client_id     = "cpr-update-tls"
  client_secret = var.secret
}
`;

let tmp: string;
let harness: Harness;
let w: Workdir;
let child: ChildProcess;
let info: any;
let emulatorLog = '';
let otherCaFile: string;

/** `workzone-cpr emulators --tls --json --log`: resolves with the JSON line. */
function startEmulators(cli: string, dataDir: string): Promise<any> {
  child = spawn(process.execPath, [cli, 'emulators', '--tls', '--json', '--log', '--data', dataDir], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH } });
  child.stderr!.on('data', (d) => (emulatorLog += d));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)));
    });
    child.on('exit', (code) => reject(new Error(`emulators exited (${code}): ${emulatorLog}`)));
  });
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'tls-e2e-'));
  const cli = join(tmp, 'workzone-cpr.js');
  buildSync({ entryPoints: [join(repoRoot, 'lib/cli/main.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: cli, logLevel: 'warning' });
  const [emulators, h] = await Promise.all([startEmulators(cli, join(tmp, 'data')), terraformHarness({ providers: ['workzone', 'kmdlogic'], prefix: 'tls-e2e-' })]);
  info = emulators;
  harness = h;
  otherCaFile = join(tmp, 'other-ca.pem');
  writeFileSync(otherCaFile, createCertificateAuthority().certPem);
  w = harness.workdir(
    { 'main.tf': CONFIG },
    {
      WORKZONE_URL: info.workzone.url,
      WORKZONE_USERNAME: info.workzone.username,
      WORKZONE_PASSWORD: info.workzone.password,
      KMDLOGIC_CLIENT_ID: info.kmdLogic.clientId,
      KMDLOGIC_CLIENT_SECRET: info.kmdLogic.clientSecret,
      KMDLOGIC_TOKEN_URL: info.kmdLogic.tokenUrl,
      KMDLOGIC_API_URL: info.kmdLogic.url,
      TF_VAR_secret: SECRET,
      TF_VAR_subscription_id: info.kmdLogic.subscriptionId,
    },
  );
  await w.init();
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  harness?.cleanup();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** `plan -json`: exit code and diagnostics. */
async function plan(env: Record<string, string> = {}, args: string[] = []) {
  const r = await w.tf(['plan', '-json', '-input=false', ...args], env);
  return { code: r.code, diags: Workdir.diagnostics(r.stdout) as { severity: string; summary: string; detail: string }[], all: r.stdout + r.stderr };
}

const caEnv = (file: string) => ({ WORKZONE_CA_FILE: file, KMDLOGIC_CA_FILE: file });

describe('providers over HTTPS with a private CA', () => {
  it('the CLI serves HTTPS and prints the CA file it keeps in the data dir', () => {
    expect(info.workzone.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(info.kmdLogic.tokenUrl).toMatch(/^https:/);
    expect(info.caFile).toBe(join(tmp, 'data', 'tls', 'ca.pem'));
    expect(readFileSync(info.caFile, 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });

  it.each([
    ['without ca_file (verification is on by default)', {}],
    ['with another CA in ca_file', { other: true }],
  ])('%s: the plan fails naming ca_file, the host and the TLS reason, for both providers', async (_label, c) => {
    const r = await plan('other' in c ? caEnv(otherCaFile) : {});
    expect(r.code).toBe(1);
    const errors = r.diags.filter((d) => d.severity === 'error');
    const wz = errors.find((d) => /^WorkZone's TLS certificate is not trusted/.test(d.summary));
    const logic = errors.find((d) => /KMD Logic/.test(d.summary));
    expect(wz).toBeDefined();
    expect(logic).toBeDefined();
    for (const [d, url] of [
      [wz!, info.workzone.url],
      [logic!, info.kmdLogic.tokenUrl],
    ] as const) {
      expect(d.detail).toContain('self-signed certificate in certificate chain');
      expect(d.detail).toContain(`(server ${new URL(url).host})`);
      expect(d.detail).toMatch(/"?ca_file"? \(or (WORKZONE|KMDLOGIC)_CA_FILE\)/);
      expect(d.detail).toContain('(SELF_SIGNED_CERT_IN_CHAIN)');
    }
    expect(r.all).not.toContain(SECRET);
    expect(r.all).not.toContain(info.workzone.password);
  });

  it('with the CA file the CLI printed, apply works for both providers; no TLS warning', async () => {
    w.env = { ...w.env, ...caEnv(info.caFile) };
    const r = await w.tf(['apply', '-auto-approve', '-input=false', '-json']);
    expect(r.code).toBe(0);
    expect(Workdir.diagnostics(r.stdout)).toEqual([]);
    const s = await w.state();
    expect(s.get('workzone_oauth_client.c')).toMatchObject({ client_id: 'cpr-update-tls', client_secret: SECRET });
    expect(s.get('data.kmdlogic_subscription.s')!.configurations.map((x: { id: string }) => x.id.toLowerCase())).toContain(info.kmdLogic.productId.toLowerCase());
    expect(emulatorLog).toMatch(/\[workzone\] POST \/odata\/OAuthClients 201/);
    expect((await w.plan()).code).toBe(0);
  });

  it('insecure_skip_verify = true connects without a CA, with a loud warning per provider', async () => {
    const { WORKZONE_CA_FILE, KMDLOGIC_CA_FILE, ...withoutCa } = w.env;
    const r = await new Workdir(w.dir, withoutCa).tf(['plan', '-json', '-input=false', '-var', 'insecure=true']).then((x) => ({
      code: x.code,
      diags: Workdir.diagnostics(x.stdout) as { severity: string; summary: string; detail: string }[],
    }));
    expect(r.code).toBe(0);
    const warnings = r.diags.filter((d) => d.severity === 'warning').map((d) => d.summary);
    expect(warnings).toEqual(expect.arrayContaining(['TLS certificate checks are off for WorkZone', 'TLS certificate checks are off for KMD Logic']));
    expect(r.diags.find((d) => d.summary === 'TLS certificate checks are off for WorkZone')!.detail).toMatch(/anyone on the network path can read the credentials/);
  });

  it('destroys over HTTPS; the CLI request log (--log) holds no secret', async () => {
    await w.ok(['destroy', '-auto-approve', '-input=false', '-no-color']);
    expect((await w.state()).size).toBe(0);
    expect(emulatorLog).toMatch(/\[kmdlogic\] POST \/clientcredentials\/token 200/);
    const basic = Buffer.from(`${info.workzone.username}:${info.workzone.password}`).toString('base64');
    const leaked = [SECRET, info.workzone.password, info.kmdLogic.clientSecret, basic].filter((s) => emulatorLog.includes(s));
    expect(leaked.length).toBe(0);
  });
});

describe('a certificate for another host name', () => {
  let wz: WorkZoneEmulator;
  afterAll(async () => wz?.close());

  it('fails even with the right CA, naming the url setting', async () => {
    const ca = createCertificateAuthority();
    const caFile = join(tmp, 'host-ca.pem');
    writeFileSync(caFile, ca.certPem);
    wz = await startWorkZoneEmulator({ tls: ca.issueServerCertificate(['workzone.example.dk']) });
    const other = harness.workdir({ 'main.tf': CONFIG.replace(/data "kmdlogic_subscription"[\s\S]*?\n}\n/, '') }, { ...w.env, WORKZONE_URL: wz.url, WORKZONE_PASSWORD: wz.password, WORKZONE_CA_FILE: caFile });
    await other.init();
    const r = await other.tf(['plan', '-json', '-input=false']);
    expect(r.code).toBe(1);
    const error = Workdir.diagnostics(r.stdout).find((d) => d.severity === 'error');
    expect(error.summary).toMatch(/^WorkZone's TLS certificate does not match the host name/);
    expect(error.detail).toMatch(/IP: 127\.0\.0\.1 is not in the cert's list/);
    expect(error.detail).toMatch(/Check the provider setting "url"/);
  });
});
