/**
 * `workzone-cpr doctor` as users run it: a separate node process from an esbuild bundle of lib/cli/main.ts,
 * settings from the environment and flags, against emulators in this process. Exit statuses, --json
 * without secrets, usage errors, and Ctrl-C (a real SIGINT) in the middle of the --write round trip.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { startKmdLogicEmulator, type KmdLogicEmulator } from '../../lib/emulators/kmdlogic';
import { startWorkZoneEmulator, type WorkZoneEmulator } from '../../lib/emulators/workzone';

jest.setTimeout(60_000);

const repo = join(__dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'workzone-cpr-doctor-cli-'));
const cli = join(tmp, 'workzone-cpr.js');
let wz: WorkZoneEmulator;
let logic: KmdLogicEmulator;
/** Every client secret the emulator saw posted or generated during the tests (it keeps only hashes). */
const seenSecrets: string[] = [];

beforeAll(async () => {
  buildSync({ entryPoints: [join(repo, 'lib/cli/main.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: cli, logLevel: 'warning' });
  wz = await startWorkZoneEmulator({ adminPassword: 'Admin-Pw-For-The-Doctor-7' });
  logic = await startKmdLogicEmulator();
  for (const method of ['createClient', 'updateClient'] as const) {
    const original = wz.data[method].bind(wz.data) as (...args: any[]) => any;
    jest.spyOn(wz.data, method).mockImplementation((...args: any[]) => {
      const secret = (args[args.length - 1] as { ClientSecret?: unknown }).ClientSecret;
      if (typeof secret === 'string') seenSecrets.push(secret);
      return original(...args);
    });
  }
});

afterAll(async () => {
  await Promise.all([wz?.close(), logic?.close()]);
  rmSync(tmp, { recursive: true, force: true });
});

const baseEnv = () => ({
  PATH: process.env.PATH,
  HOME: tmp,
  WORKZONE_URL: wz.url,
  WORKZONE_USERNAME: wz.username,
  WORKZONE_PASSWORD: wz.password,
});
const logicEnv = () => ({
  KMDLOGIC_CLIENT_ID: logic.clientId,
  KMDLOGIC_CLIENT_SECRET: logic.clientSecret,
  KMDLOGIC_TOKEN_URL: logic.tokenUrl,
  KMDLOGIC_API_URL: logic.url,
  KMDLOGIC_SUBSCRIPTION_ID: logic.subscriptionId,
  KMDLOGIC_PRODUCT_ID: logic.productId,
});

function run(args: string[], env: Record<string, string | undefined>): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, 'doctor', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('workzone-cpr doctor: exit status and output', () => {
  test('0: everything fits; one line per assumption, then the summary', async () => {
    const r = await run([], { ...baseEnv(), ...logicEnv() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^WorkZone\n {2}holds {4}reachable {16}WorkZone answers at http:\/\/127\.0\.0\.1:\d+ over plain HTTP\n/);
    expect(r.stdout).toContain('\nKMD Logic\n  holds    logic-token ');
    expect(r.stdout).toMatch(/\nSummary: 18 holds, 3 skipped\. This server fits the provider as configured\.\n$/);
  });

  test('1: a setting is needed (the flag fixes it); 2: credentials refused', async () => {
    const wrongPath = await run(['--odata-path', '/api/odata'], baseEnv());
    expect(wrongPath.code).toBe(1);
    expect(wrongPath.stdout).toContain(`DIFFERS  odata-root               no OData service at ${wz.url}/api/odata (answered HTTP 404); found one at ${wz.url}/odata`);
    expect(wrongPath.stdout).toContain('Settings that fit this server\n  workzone provider: odata_path = "/odata"  (WORKZONE_ODATA_PATH=/odata, or --odata-path /odata)\n');
    expect((await run(['--odata-path', '/odata'], baseEnv())).code).toBe(0);

    const refused = await run([], { ...baseEnv(), WORKZONE_PASSWORD: 'Not-The-Password-42' });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toContain('BLOCKED  basic-auth');
    expect(refused.stdout).toContain('Could not connect or authenticate');
  });

  test('--json: one document with the same results, and no secret in it (admin password, client secrets, KMD Logic secret)', async () => {
    const before = seenSecrets.length;
    const r = await run(['--json', '--write'], { ...baseEnv(), ...logicEnv() });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.summary).toEqual({ holds: 21, adapts: 0, differs: 0, fails: 0, blocked: 0, skipped: 0, exitCode: 0 });
    expect(report.target.workzone).toMatchObject({ url: `${wz.url}/`, username: 'wzadmin' });
    expect(r.stderr).toMatch(/^--write: creating the disposable OAuth client workzone-cpr-doctor-[0-9a-f]{12} /);
    // The round trip made two secrets (generated, then posted); neither, nor any credential, is in the output.
    const made = seenSecrets.slice(before);
    expect(made).toHaveLength(2);
    for (const secret of [wz.password, logic.clientSecret, ...made]) {
      expect(r.stdout.includes(secret)).toBe(false);
      expect(r.stderr.includes(secret)).toBe(false);
    }
    expect(r.stdout.includes(Buffer.from(`${wz.username}:${wz.password}`).toString('base64'))).toBe(false);
  });

  test('usage errors exit 2 naming the flag or variable; a secret flag is refused', async () => {
    const password = await run(['--password', 'on-the-command-line'], baseEnv());
    expect(password.code).toBe(2);
    expect(password.stderr).toBe(
      'workzone-cpr: --password is not accepted: a secret on the command line shows in the process list and the shell history; set WORKZONE_PASSWORD instead\n',
    );
    const url = await run([], { ...baseEnv(), WORKZONE_URL: 'workzone.example.dk' });
    expect(url.code).toBe(2);
    expect(url.stderr).toBe('workzone-cpr: WORKZONE_URL: must be an absolute http:// or https:// URL, such as https://workzone.example.dk (got "workzone.example.dk")\n');
    const missing = await run([], { ...baseEnv(), WORKZONE_PASSWORD: undefined });
    expect(missing.stderr).toBe("workzone-cpr: Missing WorkZone setting password (WORKZONE_PASSWORD): the doctor needs the provider's password\n");
    const half = await run([], { ...baseEnv(), KMDLOGIC_CLIENT_ID: logic.clientId });
    expect(half.stderr).toBe('workzone-cpr: Missing KMD Logic setting client_secret (KMDLOGIC_CLIENT_SECRET): KMD Logic is checked with both the client id and its secret\n');
    const product = await run(['--kmdlogic-product-id', logic.productId], { ...baseEnv(), KMDLOGIC_CLIENT_ID: logic.clientId, KMDLOGIC_CLIENT_SECRET: logic.clientSecret });
    expect(product.stderr).toBe(
      'workzone-cpr: product_id (KMDLOGIC_PRODUCT_ID, --kmdlogic-product-id) is looked for in a subscription: set subscription_id (KMDLOGIC_SUBSCRIPTION_ID, --kmdlogic-subscription-id) too\n',
    );
    const timeout = await run(['--request-timeout-seconds', 'soon'], baseEnv());
    expect(timeout.stderr).toBe('workzone-cpr: --request-timeout-seconds: must be a number greater than 0 (got "soon")\n');
    const secretInError = await run([], { ...baseEnv(), KMDLOGIC_CLIENT_ID: 'not-a-guid', KMDLOGIC_CLIENT_SECRET: 'Secret-Value-99' });
    expect(secretInError.stderr).toContain('KMDLOGIC_CLIENT_ID: must be a GUID');
    expect(secretInError.stderr).not.toContain('Secret-Value-99');
    const caFile = await run(['--ca-file', join(tmp, 'no-such-ca.pem')], baseEnv());
    expect(caFile.code).toBe(2);
    expect(caFile.stderr).toContain(`cannot read the CA file ${join(tmp, 'no-such-ca.pem')} (ENOENT: no such file); check ca_file`);
  });
});

describe('workzone-cpr doctor --write and Ctrl-C', () => {
  test('a SIGINT during the read-only checks stops at once: nothing to clean up', async () => {
    wz.faults.set({ latencyMs: 2000 });
    try {
      const child = spawn(process.execPath, [cli, 'doctor'], { env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await new Promise((resolve) => setTimeout(resolve, 500));
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(stderr).toBe('workzone-cpr doctor: interrupted; nothing was changed\n');
    } finally {
      wz.faults.reset();
    }
  });

  test('a SIGINT in the middle of the round trip removes the disposable client, says so, and exits 130', async () => {
    // Slow requests, so that the signal lands between the create and the delete.
    wz.faults.set({ latencyMs: 150 });
    const created = new Promise<string>((resolve) => {
      (wz.data.createClient as jest.Mock).mockImplementationOnce(function (this: unknown, client: { ClientId: string }) {
        const made = jest.requireActual('../../lib/emulators/workzone/data').WorkZoneData.prototype.createClient.call(wz.data, client);
        resolve(client.ClientId);
        return made;
      });
    });
    try {
      const child = spawn(process.execPath, [cli, 'doctor', '--write'], { env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const id = await created;
      expect(wz.data.getClient(id)).toBeDefined();
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(stderr).toContain(`workzone-cpr doctor: interrupted; stopping after the request in flight and removing the disposable client ${id}`);
      expect(stdout).toContain(`workzone-cpr doctor: removed the disposable client ${id}\n`);
      expect(stdout).toMatch(/skipped {2}round-trip {15}interrupted \(Ctrl-C\) at "[a-z ]+" after: create \(201\)/);
      expect(stdout).toContain('Interrupted.');
      expect(wz.data.getClient(id)).toBeUndefined();
      expect(wz.data.listClients().filter((c) => c.ClientId.startsWith('workzone-cpr-doctor-'))).toEqual([]);
    } finally {
      wz.faults.reset();
    }
  });
});
