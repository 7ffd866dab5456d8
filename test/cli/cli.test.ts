/**
 * The `workzone-cpr` CLI as users run it: a separate node process from an esbuild bundle of
 * lib/cli/main.ts (no prior `npm run build` needed), with the provider bundles beside it as in the package.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { startWorkZoneEmulator } from '../../lib/emulators/workzone';
import { KMDLOGIC_SCOPE } from '../../lib/schemas/kmdlogic';
import { terraformEnv } from '../../lib/providers/terraform-env';
import { WorkZoneClient } from '../../lib/providers/workzone/client';
import { buildProviders, Workdir } from '../e2e/harness';
import { firstStdoutLine } from '../first-line';

jest.setTimeout(120_000);

const repo = join(__dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'workzone-cpr-cli-'));
// The package layout the CLI expects when compiled: dist/lib/providers/* finds dist/providers.
const pkg = join(tmp, 'pkg');
const cli = join(pkg, 'dist/lib/providers/workzone-cpr.js');
const children: ChildProcess[] = [];

beforeAll(() => {
  buildSync({ entryPoints: [join(repo, 'lib/cli/main.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: cli, logLevel: 'warning' });
  buildProviders(join(pkg, 'dist/providers'), ['workzone', 'kmdlogic']);
});

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH, HOME: tmp } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** Starts `emulators --json`, resolves with the process and the parsed first line of stdout. */
function startEmulators(args: string[]): Promise<{ child: ChildProcess; info: any; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [cli, 'emulators', '--json', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH, HOME: tmp } });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return firstStdoutLine(child, 'emulators').then((line) => ({ child, info: JSON.parse(line), exited }));
}

const settled = (p: Promise<unknown>, ms: number) => Promise.race([p.then(() => true), new Promise((r) => setTimeout(() => r(false), ms))]);

describe('workzone-cpr emulators --json', () => {
  it('prints one JSON line of URLs and credentials, serves until SIGTERM, and keeps data across restarts with --data', async () => {
    const data = join(tmp, 'data');
    const first = await startEmulators(['--data', data]);
    const info = first.info;
    expect(Object.keys(info).sort()).toEqual(['kmdLogic', 'workzone']);
    expect(Object.keys(info.workzone).sort()).toEqual(['password', 'tokenUrl', 'url', 'username']);
    expect(Object.keys(info.kmdLogic).sort()).toEqual(['clientId', 'clientSecret', 'productId', 'subscriptionId', 'tokenUrl', 'url']);
    for (const v of [...Object.values(info.workzone), ...Object.values(info.kmdLogic)]) expect(v).toEqual(expect.any(String));
    expect(info.workzone.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.workzone.tokenUrl).toBe(`${info.workzone.url}/connect/token`);
    expect(info.kmdLogic.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);

    // It serves (the printed credentials work) and keeps running.
    const api = new WorkZoneClient({ url: info.workzone.url, username: info.workzone.username, password: info.workzone.password }, { httpOptions: { retryMaxMs: 2000 } });
    await api.checkConnection();
    const { generatedSecret } = await api.createClient({
      clientId: 'kept',
      clientName: 'Kept across restarts',
      enabled: true,
      allowAccessTokensViaBrowser: false,
      allowOfflineAccess: false,
      requirePkce: false,
      grantType: 'CLNTCRED',
      user: 'CPRBATCHUSER',
    });
    api.close();
    const logicToken = await fetch(info.kmdLogic.tokenUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: info.kmdLogic.clientId, client_secret: info.kmdLogic.clientSecret, scope: KMDLOGIC_SCOPE }),
    });
    expect(logicToken.status).toBe(200);
    expect(await settled(first.exited, 300)).toBe(false);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = await startEmulators(['--data', data]);
    try {
      expect(second.info.workzone.username).toBe(info.workzone.username);
      expect(second.info.workzone.password === info.workzone.password).toBe(true); // (no secret in a failure message)
      const { url: _u, tokenUrl: _t, ...logicIds } = info.kmdLogic;
      const { url: _u2, tokenUrl: _t2, ...logicIds2 } = second.info.kmdLogic;
      expect(JSON.stringify(logicIds2) === JSON.stringify(logicIds)).toBe(true); // the KMD Logic credentials are kept too
      const again = new WorkZoneClient(
        { url: second.info.workzone.url, username: second.info.workzone.username, password: second.info.workzone.password },
        { httpOptions: { retryMaxMs: 2000 } },
      );
      expect((await again.getClient('kept'))?.client).toMatchObject({ clientName: 'Kept across restarts' });
      expect((await again.requestToken(undefined, 'kept', generatedSecret!)).ok).toBe(true);
      again.close();
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  });

  it('without --data, a new password each start', async () => {
    const a = await startEmulators([]);
    a.child.kill('SIGTERM');
    await a.exited;
    const b = await startEmulators([]);
    b.child.kill('SIGTERM');
    await b.exited;
    expect(a.info.workzone.password === b.info.workzone.password).toBe(false);
  });

  it('refuses a bad option with exit code 2', async () => {
    const r = await run(['emulators', '--workzone-port', 'eighty']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--workzone-port must be a port number');
  });
});

describe('workzone-cpr providers install', () => {
  it('lays out the mirror, writes the CLI config it prints, and terraform init works with it', async () => {
    const dir = join(tmp, 'mirror');
    const configFile = join(tmp, 'printed.tfrc');
    const r = await run(['providers', 'install', '--dir', dir, '--cli-config', configFile]);
    expect(r.code).toBe(0);
    expect(readFileSync(configFile, 'utf8').trim()).toBe(r.stdout.trim());
    const workzone = join(dir, 'workzone-cpr.local/cpr/workzone/0.1.0/linux_amd64/terraform-provider-workzone_v0.1.0');
    expect(statSync(workzone).mode & 0o111).toBeTruthy();
    expect(readFileSync(workzone)).toEqual(readFileSync(join(pkg, 'dist/providers/terraform-provider-workzone.js')));
    expect(existsSync(join(dir, 'workzone-cpr.local/cpr/kmdlogic'))).toBe(true);

    // terraform with exactly the printed config (TF_CLI_CONFIG_FILE → the file the CLI wrote).
    const wz = await startWorkZoneEmulator({ port: 0 });
    try {
      const env = await terraformEnv({ cliConfig: '', dir: join(tmp, 'unused'), extra: { TF_CLI_CONFIG_FILE: configFile } });
      const w = new Workdir(join(tmp, 'work'), { ...env, WORKZONE_URL: wz.url, WORKZONE_USERNAME: wz.username, WORKZONE_PASSWORD: wz.password });
      w.write({
        'main.tf': `terraform {
  required_providers {
    workzone = { source = "workzone-cpr.local/cpr/workzone", version = "0.1.0" }
  }
}
data "workzone_user" "cpr_batch" {
  initials = "CPRBATCHUSER"
}
output "name" { value = data.workzone_user.cpr_batch.name }
`,
      });
      await w.init();
      expect(readFileSync(join(w.dir, '.terraform.lock.hcl'), 'utf8')).toMatch(/provider "workzone-cpr.local\/cpr\/workzone"[\s\S]*version\s+= "0.1.0"/);
      await w.apply();
      expect((await w.outputs()).name.value).toBe('Captia CPR batch afvikler');
    } finally {
      await wz.close();
    }
  });

  it("without --dir installs into terraform's implied local mirror under HOME; again, the same bytes and nothing else", async () => {
    const platformDir = join(tmp, '.terraform.d/plugins/workzone-cpr.local/cpr/workzone/0.1.0/darwin_arm64');
    const first = await run(['providers', 'install']);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain("terraform's implied local mirror");
    expect(readdirSync(platformDir)).toEqual(['terraform-provider-workzone_v0.1.0']);
    // A stray file in a platform directory would change terraform's h1 hash of it: a new install clears it.
    writeFileSync(join(platformDir, '.DS_Store'), 'x');
    const second = await run(['providers', 'install']);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(readdirSync(platformDir)).toEqual(['terraform-provider-workzone_v0.1.0']);
    expect(readFileSync(join(platformDir, 'terraform-provider-workzone_v0.1.0'))).toEqual(readFileSync(join(pkg, 'dist/providers/terraform-provider-workzone.js')));
  });

  it('refuses an unknown subcommand with exit code 2 and the usage', async () => {
    const r = await run(['providers', 'uninstall']);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('Usage: workzone-cpr providers install');
  });
});
