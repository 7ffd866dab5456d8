/**
 * Long-lived providers (`workzone-cpr providers serve|stop`) under real terraform through
 * TF_REATTACH_PROVIDERS, against two WorkZone emulators. terraform's CLI config here has no mirror for our
 * providers (and no registry is reachable), so every command can only be served by the long-lived process.
 * The CLI runs as users run it: an esbuild bundle with the provider bundles beside it.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildSync } from 'esbuild';
import { startWorkZoneEmulator, type WorkZoneEmulator } from '../../../lib/emulators/workzone';
import { terraformEnv } from '../../../lib/providers/terraform-env';
import { parseReattachProviders, type ReattachProviders } from '../../../lib/providers/plugin/reattach';
import { buildProviders, Workdir } from '../../e2e/harness';
import { firstStdoutLine } from '../../first-line';

jest.setTimeout(120_000);

const repo = join(__dirname, '../../..');
const tmp = mkdtempSync(join(tmpdir(), 'reattach-'));
const cli = join(tmp, 'pkg/dist/lib/providers/workzone-cpr.js');
const SOURCE = 'workzone-cpr.local/cpr/workzone';
const children: ChildProcess[] = [];
let one: WorkZoneEmulator;
let two: WorkZoneEmulator;
let tfEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  buildSync({ entryPoints: [join(repo, 'lib/cli/main.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: cli, logLevel: 'warning' });
  buildProviders(join(tmp, 'pkg/dist/providers'), ['workzone']);
  [one, two] = await Promise.all([startWorkZoneEmulator({ port: 0 }), startWorkZoneEmulator({ port: 0 })]);
  // No filesystem mirror, no registry: terraform cannot start our provider itself.
  tfEnv = await terraformEnv({ cliConfig: 'provider_installation {\n  direct {}\n}\n', dir: tmp });
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all([one?.close(), two?.close()]);
  rmSync(tmp, { recursive: true, force: true });
});

/** The environment `serve` runs in: the providers' env fallbacks point at emulator one. */
const serveEnv = (): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: tmp,
  WORKZONE_URL: one.url,
  WORKZONE_USERNAME: one.username,
  WORKZONE_PASSWORD: one.password,
  TF_LOG_PROVIDER: 'debug',
});

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { env }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** Starts `providers serve --json` in the foreground with a stdin pipe; resolves with its first line. */
function serveForeground(log: string): Promise<{ child: ChildProcess; providers: ReattachProviders; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [cli, 'providers', 'serve', '--json', '--log', log], { stdio: ['pipe', 'pipe', 'pipe'], env: serveEnv() });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return firstStdoutLine(child, 'serve').then((line) => ({ child, providers: parseReattachProviders(line), exited }));
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitUntil(check: () => boolean, ms = 10_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

const settingsOf = (emulator: WorkZoneEmulator) => ({ url: emulator.url, username: emulator.username, password: emulator.password });
const hclSettings = (s: { url: string; username: string; password: string }) =>
  `url = ${JSON.stringify(s.url)}\n  username = ${JSON.stringify(s.username)}\n  password = ${JSON.stringify(s.password)}`;
const required = `terraform {\n  required_providers {\n    workzone = { source = "${SOURCE}" }\n  }\n}\n`;
const clientIds = (emulator: WorkZoneEmulator) => emulator.data.listClients().map((c) => c.ClientId);

function workdir(name: string, files: Record<string, string>, reattach: ReattachProviders): Workdir {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  const w = new Workdir(dir, { ...tfEnv, TF_REATTACH_PROVIDERS: JSON.stringify(reattach) });
  w.write(files);
  return w;
}

describe('providers serve (foreground) with TF_REATTACH_PROVIDERS', () => {
  it('serves init/plan/apply/plan/destroy of two workdirs at once, each provider configuration with its own client, in one process', async () => {
    const log = join(tmp, 'serve.log');
    const { child, providers, exited } = await serveForeground(log);
    const entry = providers[SOURCE]!;
    expect(entry).toMatchObject({ Protocol: 'grpc', ProtocolVersion: 6, Test: true, Addr: { Network: 'unix' } });
    expect(entry.Pid).not.toBe(child.pid);
    expect(alive(entry.Pid)).toBe(true);
    expect(existsSync(entry.Addr.String)).toBe(true);

    // a: the default provider from serve's environment (emulator one) plus an alias configured for
    // emulator two in the same command. b: a separate command at the same time, for emulator two.
    const a = workdir(
      'a',
      {
        'main.tf': `${required}
provider "workzone" {}
provider "workzone" {
  alias = "two"
  ${hclSettings(settingsOf(two))}
}
resource "workzone_oauth_client" "one" { client_id = "a-one" }
resource "workzone_oauth_client" "two" {
  provider  = workzone.two
  client_id = "a-two"
}
`,
      },
      providers,
    );
    const b = workdir('b', { 'main.tf': `${required}\nprovider "workzone" {\n  ${hclSettings(settingsOf(two))}\n}\nresource "workzone_oauth_client" "b" { client_id = "b-two" }\n` }, providers);

    await Promise.all([a.init(), b.init()]);
    const [planA, planB] = await Promise.all([a.plan(), b.plan()]);
    expect(Object.fromEntries(planA.actions)).toEqual({ 'workzone_oauth_client.one': ['create'], 'workzone_oauth_client.two': ['create'] });
    expect(Object.fromEntries(planB.actions)).toEqual({ 'workzone_oauth_client.b': ['create'] });
    await Promise.all([a.apply(), b.apply()]);
    expect(clientIds(one)).toEqual(['a-one']);
    expect(clientIds(two)).toEqual(['a-two', 'b-two']);
    const stateA = await a.state();
    expect(stateA.get('workzone_oauth_client.one')?.client_id).toBe('a-one');

    const [again, againB] = await Promise.all([a.plan(), b.plan()]);
    expect([again.code, againB.code]).toEqual([0, 0]);
    await Promise.all([a.ok(['destroy', '-auto-approve', '-no-color']), b.ok(['destroy', '-auto-approve', '-no-color'])]);
    expect(clientIds(one)).toEqual([]);
    expect(clientIds(two)).toEqual([]);

    // The one process served every provider instance of every command: terraform started none.
    expect(alive(entry.Pid)).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(await waitUntil(() => !alive(entry.Pid))).toBe(true);
    expect(existsSync(dirname(entry.Addr.String))).toBe(false);
    const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const stopping = lines.find((l) => l['@message'] === 'stopping');
    // plan -out + show, apply, plan + show, destroy in two dirs: each command opens 2+ connections.
    expect(stopping).toMatchObject({ reason: 'SIGTERM' });
    expect(stopping.connections_served).toBeGreaterThanOrEqual(2 * 8);
    const configures = lines.filter((l) => l.tf_rpc === 'ConfigureProvider' && l['@message'] === 'rpc done');
    expect(new Set(configures.map((l) => l.tf_connection)).size).toBe(configures.length);
    expect(lines.filter((l) => l['@level'] === 'error')).toEqual([]);
    // No secret in the provider's log.
    expect(readFileSync(log, 'utf8')).not.toContain(two.password);
    expect(readFileSync(log, 'utf8')).not.toContain(one.password);
  });

  it('stops its providers when its stdin pipe closes', async () => {
    const { child, providers, exited } = await serveForeground(join(tmp, 'stdin.log'));
    const pid = providers[SOURCE]!.Pid;
    expect(alive(pid)).toBe(true);
    child.stdin!.end();
    expect(await exited).toBe(0);
    expect(await waitUntil(() => !alive(pid))).toBe(true);
  });
});

describe('providers serve --print-env / stop --print-env', () => {
  it('starts detached providers, prints the export line for eval, and stop ends them and prints the unset line', async () => {
    const served = await run(['providers', 'serve', '--print-env'], serveEnv());
    expect(served.code).toBe(0);
    const match = /^export TF_REATTACH_PROVIDERS='(.*)'\n$/.exec(served.stdout);
    expect(match).not.toBeNull();
    const providers = parseReattachProviders(match![1]);
    const pid = providers[SOURCE]!.Pid;
    expect(alive(pid)).toBe(true); // outlives `serve`

    const w = workdir('detached', { 'main.tf': `${required}\nprovider "workzone" {}\n` }, providers);
    await w.init();
    const validate = JSON.parse(await w.ok(['validate', '-json']));
    expect(validate.valid).toBe(true);

    const stopped = await run(['providers', 'stop', '--print-env'], { PATH: process.env.PATH, TF_REATTACH_PROVIDERS: match![1] });
    expect(stopped).toMatchObject({ code: 0, stdout: 'unset TF_REATTACH_PROVIDERS\n' });
    expect(alive(pid)).toBe(false); // stop waits for the exit
    // A second stop finds nothing to signal and fails nothing.
    expect((await run(['providers', 'stop'], { PATH: process.env.PATH, TF_REATTACH_PROVIDERS: match![1] })).code).toBe(0);
  });

  it('rejects a malformed TF_REATTACH_PROVIDERS naming the field', async () => {
    const r = await run(['providers', 'stop'], { PATH: process.env.PATH, TF_REATTACH_PROVIDERS: '{"x/y/z":{"Pid":"12","Addr":{"Network":"unix","String":"/tmp/s"}}}' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('TF_REATTACH_PROVIDERS["x/y/z"].Pid');
  });
});
