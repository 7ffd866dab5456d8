/**
 * The `workzone-cpr` CLI as users run it: a separate node process from an esbuild bundle of
 * lib/cli/main.ts (no prior `npm run build` needed), with the provider bundles beside it as in the package.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
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

function run(args: string[], options: { uid?: number; gid?: number } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH, HOME: tmp }, ...options }, (error, stdout, stderr) => {
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
    expect(Object.keys(info.workzone).sort()).toEqual(['password', 'tokenUrl', 'url', 'username', 'variant']);
    expect(info.workzone.variant).toEqual({ name: 'default', description: 'the contract of docs/workzone-api.md' });
    expect(Object.keys(info.kmdLogic).sort()).toEqual(['clientId', 'clientSecret', 'productId', 'subscriptionId', 'tokenUrl', 'url']);
    const { variant: _variant, ...workzoneStrings } = info.workzone;
    for (const v of [...Object.values(workzoneStrings), ...Object.values(info.kmdLogic)]) expect(v).toEqual(expect.any(String));
    expect(info.workzone.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.workzone.tokenUrl).toBe(`${info.workzone.url}/connect/token`);
    expect(info.kmdLogic.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);

    // It serves (the printed credentials work) and keeps running.
    const api = new WorkZoneClient({ url: info.workzone.url, username: info.workzone.username, password: info.workzone.password }, { httpOptions: { retryMaxMs: 2000 } });
    await api.checkConnection();
    const { generatedSecret } = await api.createClient({
      client_id: 'kept',
      client_name: 'Kept across restarts',
      enabled: true,
      allow_access_token_via_browser: false,
      allow_offline_access: false,
      require_pkce: false,
      grant_type: 'CLNTCRED',
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
      expect((await again.getClient('kept'))?.client).toMatchObject({ client_name: 'Kept across restarts' });
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

describe('workzone-cpr emulators --workzone-variant', () => {
  const wzAuth = (info: any) => ({ Authorization: `Basic ${Buffer.from(`${info.workzone.username}:${info.workzone.password}`).toString('base64')}` });

  it('runs a preset (or several) and says which in --json; the server behaves as the variant says', async () => {
    const { child, info, exited } = await startEmulators(['--workzone-variant', 'odata-root,renamed-property']);
    try {
      expect(info.workzone.variant).toMatchObject({ name: 'odata-root,renamed-property', paths: { odata: '/api/odata' }, rename: { AllowAccessTokensViaBrowser: 'AllowAccessTokenViaBrowser' } });
      const metadata = await fetch(`${info.workzone.url}/api/odata/$metadata`, { headers: wzAuth(info) });
      expect(metadata.status).toBe(200);
      expect(await metadata.text()).toContain('<Property Name="AllowAccessTokenViaBrowser" Type="Edm.Boolean" Nullable="false"/>');
      expect((await fetch(`${info.workzone.url}/odata`, { headers: wzAuth(info) })).status).toBe(404);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('reads a variant from a JSON file', async () => {
    const file = join(tmp, 'variant.json');
    writeFileSync(file, JSON.stringify({ name: 'site', paths: { odata: '/wz/odata' }, omit: ['ClientSecretHash'], discovery: false }));
    const { child, info, exited } = await startEmulators(['--workzone-variant', file]);
    try {
      expect(info.workzone.variant).toMatchObject({ name: 'site', omit: ['ClientSecretHash'], discovery: false });
      expect((await fetch(`${info.workzone.url}/wz/odata`, { headers: wzAuth(info) })).status).toBe(200);
      expect((await fetch(`${info.workzone.url}/.well-known/openid-configuration`)).status).toBe(404);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('refuses an unknown variant or a bad file with exit code 2, naming the flag and what is known', async () => {
    const unknown = await run(['emulators', '--workzone-variant', 'odata-rot']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('workzone-cpr: --workzone-variant: unknown variant "odata-rot"; known: default, odata-root, renamed-property');
    const file = join(tmp, 'bad-variant.json');
    writeFileSync(file, JSON.stringify({ rename: { ClientSecretHas: 'X' }, omit: ['ClientId'] }));
    const bad = await run(['emulators', '--workzone-variant', file]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`--workzone-variant: ${file} is not a WorkZone emulator variant: rename: unknown "ClientSecretHas"; known: ClientId, ClientName,`);
    writeFileSync(file, JSON.stringify({ omit: ['ClientId'] }));
    expect((await run(['emulators', '--workzone-variant', file])).stderr).toContain('ClientId is the key and cannot be omitted');
    const missing = await run(['emulators', '--workzone-variant', join(tmp, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`cannot read ${join(tmp, 'nope.json')} (ENOENT)`);
  });
});

describe('workzone-cpr emulators: the data directory and the ports', () => {
  const wzAuth = (info: any) => ({ Authorization: `Basic ${Buffer.from(`${info.workzone.username}:${info.workzone.password}`).toString('base64')}` });
  const createClient = (info: any, id: string) =>
    fetch(`${info.workzone.url}/odata/OAuthClients`, {
      method: 'POST',
      headers: { ...wzAuth(info), 'Content-Type': 'application/json' },
      body: JSON.stringify({ ClientId: id, ClientName: id, GrantType: 'CLNTCRED', User: 'CPRBATCHUSER', ClientSecret: 'secret-0123456789' }),
    });

  it('refuses a second process on the same --data, naming the directory and the holder; a SIGKILLed holder loses it, and every acknowledged write survives', async () => {
    const data = join(tmp, 'shared-data');
    const first = await startEmulators(['--data', data]);
    const second = await run(['emulators', '--data', data]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`workzone-cpr: --data ${data}: data directory ${data} is in use by another emulator (process ${first.child.pid}`);
    expect(second.stderr).toContain(`kill ${first.child.pid}`);
    expect(second.stderr).not.toMatch(/\n\s+at /); // no stack trace

    // Writes in flight when the process is killed: the ones answered 201 must all be there after the restart.
    const acknowledged: string[] = [];
    let stop = false;
    const writers = Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        const id = `w${w}-${i}`;
        const res = await createClient(first.info, id).catch(() => undefined);
        if (res?.status === 201) acknowledged.push(id);
      }
    });
    while (acknowledged.length < 150) await new Promise((r) => setTimeout(r, 10));
    first.child.kill('SIGKILL');
    stop = true;
    await Promise.all(writers);
    await first.exited;

    const again = await startEmulators(['--data', data]);
    try {
      const res = await fetch(`${again.info.workzone.url}/odata/OAuthClients`, { headers: wzAuth(again.info) });
      const ids = new Set(((await res.json()) as { value: { ClientId: string }[] }).value.map((c) => c.ClientId));
      expect(acknowledged.filter((id) => !ids.has(id))).toEqual([]);
      expect((await createClient(again.info, 'after-restart')).status).toBe(201);
    } finally {
      again.child.kill('SIGTERM');
      expect(await again.exited).toBe(0);
    }
    expect(existsSync(join(data, 'emulator.lock'))).toBe(false);
  });

  it('a port in use names the flag and the fix, not EADDRINUSE; the data directory is released', async () => {
    const data = join(tmp, 'port-data');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as AddressInfo).port;
    try {
      for (const flag of ['--workzone-port', '--logic-port']) {
        const r = await run(['emulators', '--data', data, flag, String(taken)]);
        expect(r.code).toBe(1);
        expect(r.stderr.trim()).toBe(`workzone-cpr: ${flag} ${taken}: port ${taken} on 127.0.0.1 is already in use by another program; give a free port, or 0 for any free port`);
        expect(existsSync(join(data, 'emulator.lock'))).toBe(false);
      }
    } finally {
      blocker.close();
    }
    const same = await run(['emulators', '--workzone-port', '40001', '--logic-port', '40001']);
    expect(same.code).toBe(2);
    expect(same.stderr).toContain('--workzone-port and --logic-port are both 40001');
  });

  it('--data naming a file, or a path through a file, says so instead of EEXIST / ENOTDIR', async () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, 'not a directory');
    for (const data of [file, join(file, 'below')]) {
      const r = await run(['emulators', '--data', data]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`workzone-cpr: --data ${data}: data directory ${data} is not a directory`);
      expect(r.stderr).toContain('give a directory, which is created when missing');
      expect(r.stderr).not.toMatch(/EEXIST|ENOTDIR/);
    }
  });

  it('--data in a directory this user cannot write to says so instead of EACCES / EPERM', async () => {
    // Root writes through permission bits, so as root the command runs as the unprivileged user nobody.
    const asRoot = process.getuid?.() === 0;
    const data = join(tmp, 'read-only');
    mkdirSync(data);
    chmodSync(data, 0o555);
    chmodSync(tmp, 0o755); // nobody must reach the CLI bundle
    const r = await run(['emulators', '--data', data], asRoot ? { uid: 65534, gid: 65534 } : {});
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`workzone-cpr: --data ${data}: data directory ${data} is not writable (EACCES: permission denied); make it writable for this user, or give another directory`);
    expect(readdirSync(data)).toEqual([]);
  });

  it('a data file of the wrong shape stops the start naming --data, the file and the fix', async () => {
    const data = join(tmp, 'bad-data');
    mkdirSync(join(data, 'workzone'), { recursive: true });
    writeFileSync(join(data, 'workzone', 'oauth-clients.json'), '{"seq":null,"clients":{}}');
    const r = await run(['emulators', '--data', data]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`workzone-cpr: --data ${data}: data file ${join(data, 'workzone', 'oauth-clients.json')} (the WorkZone emulator's OAuth clients) does not have the expected shape:`);
    expect(r.stderr).toContain('seq: expected number, found null');
    expect(r.stderr).toContain('Fix it, or delete it: the emulator starts with no OAuth clients.');
    expect(existsSync(join(data, 'emulator.lock'))).toBe(false);
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
