/**
 * The main job, as a new user runs it: from a clean copy of the repository (tracked files only),
 * `npm start` deploys and proves the set-up, a second `npm start` finds no changes,
 * `npm run sandbox:reveal` shows the secrets, and `npm run sandbox:destroy` leaves nothing behind.
 * node_modules is linked from this checkout instead of installed again (the install is CI's first step).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from './harness';

jest.setTimeout(240_000);

let copy: string;

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'sandbox-e2e-'));
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: repoRoot, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of files) {
    if (!existsSync(join(repoRoot, file))) continue; // deleted in the work tree
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    cpSync(join(repoRoot, file), join(copy, file));
  }
  symlinkSync(join(repoRoot, 'node_modules'), join(copy, 'node_modules'), 'dir');
});

afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

function npm(command: string, ...rest: (string | Record<string, string>)[]) {
  const env = rest.find((r): r is Record<string, string> => typeof r === 'object') ?? {};
  const args = [command, ...rest.filter((r): r is string => typeof r === 'string')];
  const result = spawnSync('npm', args, { cwd: copy, encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1', ...env }, maxBuffer: 256 << 20 });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

/** Processes still running from the copy (emulators, providers). */
function leftovers(): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).stdout;
  return ps.split('\n').filter((line) => line.includes(copy) && !line.includes(' ps '));
}

test('npm start deploys, proves and prints; again: no changes; reveal; destroy', () => {
  const first = npm('start');
  expect(first.out).toMatch(/\[6\/6\]/);
  expect(first.code).toBe(0);
  expect(first.out).toContain('WorkZone issued a token to "cpr-update" with its client secret.');
  expect(first.out).toContain('KMD Logic issued a token with the Logic client credentials.');
  for (const label of ['KMD Logic Client ID', 'KMD Logic Client Secret', 'KMD Logic Subscription ID', 'KMD Logic Product ID', 'Contact update - CPR, Client ID', 'Contact update - CPR, Client Secret']) {
    expect(first.out).toContain(label);
  }
  expect(first.out).toContain('npm run sandbox:reveal');
  // Either the default (random) or, where hashicorp/random cannot be installed, the stated fallback.
  expect(first.out).toMatch(/random provider \(the default\)|hashicorp\/random cannot be installed here/);
  expect(leftovers()).toEqual([]);

  const state = JSON.parse(readFileSync(join(copy, 'terraform.cpr-update.tfstate'), 'utf8'));
  const secret: string = state.outputs.cpr_update_cpr_client_secret.value;
  const logicSecret: string = state.outputs.cpr_update_kmd_logic_client_secret.value;
  expect(secret.length).toBeGreaterThanOrEqual(16);
  // Secrets are masked in what npm start prints.
  expect(first.out).not.toContain(secret);
  expect(first.out).not.toContain(logicSecret);

  // Again, with terraform's and the providers' most verbose logging: still no secret in the output, the
  // emulators' admin password included.
  const second = npm('start', { TF_LOG: 'TRACE' });
  expect(second.code).toBe(0);
  expect(second.out).toContain('No changes: the sandbox was already deployed and matches main.ts.');
  const adminPassword: string = JSON.parse(readFileSync(join(copy, '.sandbox/data/workzone/admin.json'), 'utf8')).password;
  for (const value of [secret, logicSecret, adminPassword]) {
    expect(value.length).toBeGreaterThanOrEqual(16);
    expect(second.out.includes(value)).toBe(false); // (the value itself is never printed by a failure)
  }

  const reveal = npm('run', 'sandbox:reveal');
  expect(reveal.code).toBe(0);
  expect(reveal.out).toContain(secret);

  const destroy = npm('run', 'sandbox:destroy');
  expect(destroy.code).toBe(0);
  expect(destroy.out).toContain('The sandbox is gone; nothing is left running.');
  expect(existsSync(join(copy, '.sandbox'))).toBe(false);
  expect(existsSync(join(copy, 'terraform.cpr-update.tfstate'))).toBe(false);
  expect(leftovers()).toEqual([]);
});

test('npm start -- --module cvr: the CVR update set-up, its seven identifiers, its service healthy; reveal and destroy', () => {
  const cvr = npm('start', '--', '--module', 'cvr');
  expect(cvr.code).toBe(0);
  expect(cvr.out).toContain('Deploy main.ts with cdktf deploy (stack cvr-update)');
  expect(cvr.out).toContain('WorkZone issued a token to "cvr-update" with its client secret.');
  expect(cvr.out).toMatch(/The CVR update module's service: http:\/\/127\.0\.0\.1:\d+\/CvrSubscriptionService\/readiness reports Healthy \(Logic Healthy, OData Healthy, self Healthy\)\./);
  for (const label of ['KMD Logic Scope', 'KMD Logic CVR Configuration ID', 'Contact update - CVR, Client ID', 'Contact update - CVR, Client Secret']) expect(cvr.out).toContain(label);
  expect(cvr.out).toContain('npm run sandbox:reveal -- --module cvr');
  const state = JSON.parse(readFileSync(join(copy, 'terraform.cvr-update.tfstate'), 'utf8'));
  const secret: string = state.outputs.cvr_update_cvr_client_secret.value;
  expect(cvr.out).not.toContain(secret);
  expect(npm('run', 'sandbox:reveal', '--', '--module', 'cvr').out).toContain(secret);
  expect(npm('start', '--', '--module', 'cvx').out).toContain('Use --module cpr or --module cvr.');

  const destroy = npm('run', 'sandbox:destroy');
  expect(destroy.code).toBe(0);
  expect(existsSync(join(copy, 'terraform.cvr-update.tfstate'))).toBe(false);
  expect(leftovers()).toEqual([]);
});
