/**
 * Small helpers to drive real terraform against our providers in tests: bundle the providers once per
 * test file into a temp dir, install them into a temp filesystem mirror, and run terraform in fresh
 * working directories with our own CLI config (terraformEnv: TF_CLI_CONFIG_FILE, CHECKPOINT_DISABLE=1).
 *
 *   const tf = await terraformHarness({ providers: ['workzone'] });
 *   const w = tf.workdir({ 'main.tf': hcl }, { WORKZONE_URL: ... });
 *   await w.ok(['init']); const s = await w.state();
 *   ...
 *   tf.cleanup();
 *
 * Assert on JSON (state, plan, outputs, `-json` diagnostics), never on terraform's prose.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { installProviders } from '../../lib/providers/mirror';
import { terraformEnv } from '../../lib/providers/terraform-env';

export const repoRoot = join(__dirname, '../..');

export interface TfResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Harness {
  /** Temp root of this harness (bundles, mirror, CLI config, work dirs). */
  readonly root: string;
  /** Environment for terraform: our CLI config, CHECKPOINT_DISABLE=1, automation mode. */
  readonly env: NodeJS.ProcessEnv;
  /** The CLI config text (filesystem mirror for our sources, direct for the rest). */
  readonly cliConfig: string;
  /** A fresh working directory with these files; `env` is added to the harness environment. */
  workdir(files?: Record<string, string>, env?: Record<string, string>): Workdir;
  cleanup(): void;
}

/** Bundles providers (lib/providers/<name>/main.ts) with scripts/build-providers.mjs into `outdir`. */
export function buildProviders(outdir: string, names: readonly string[]): void {
  const args = [join(repoRoot, 'scripts/build-providers.mjs'), '--outdir', outdir];
  for (const name of names) args.push('--entry', `${name}=${join(repoRoot, 'lib/providers', name, 'main.ts')}`);
  execFileSync(process.execPath, args, { stdio: 'pipe' });
}

/** One provider build and one mirror for a test file. */
export async function terraformHarness(options: { providers: readonly string[]; env?: Record<string, string>; prefix?: string }): Promise<Harness> {
  const root = mkdtempSync(join(tmpdir(), options.prefix ?? 'tf-e2e-'));
  const bundles = join(root, 'bundles');
  buildProviders(bundles, options.providers);
  const mirror = await installProviders({ dir: join(root, 'mirror'), bundleDir: bundles, providers: [...options.providers] });
  const env = await terraformEnv({ cliConfig: mirror.cliConfig, dir: root, extra: options.env });
  let n = 0;
  return {
    root,
    env,
    cliConfig: mirror.cliConfig,
    workdir(files = {}, extra = {}) {
      const dir = join(root, `work-${++n}`);
      mkdirSync(dir, { recursive: true });
      const w = new Workdir(dir, { ...env, ...extra });
      w.write(files);
      return w;
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export class Workdir {
  constructor(
    readonly dir: string,
    public env: NodeJS.ProcessEnv,
  ) {}

  write(files: Record<string, string>): void {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(this.dir, name)), { recursive: true });
      writeFileSync(join(this.dir, name), text);
    }
  }

  /** Runs terraform; never throws on a non-zero exit. */
  tf(args: string[], extraEnv: Record<string, string> = {}): Promise<TfResult> {
    return new Promise((resolve) => {
      execFile('terraform', args, { cwd: this.dir, env: { ...this.env, ...extraEnv }, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      });
    });
  }

  /** Runs terraform and returns stdout; throws with terraform's output on a non-zero exit. */
  async ok(args: string[], extraEnv: Record<string, string> = {}): Promise<string> {
    const r = await this.tf(args, extraEnv);
    if (r.code !== 0) throw new Error(`terraform ${args.join(' ')} failed (${r.code}):\n${r.stderr}\n${r.stdout}`);
    return r.stdout;
  }

  init(): Promise<string> {
    return this.ok(['init', '-input=false', '-no-color']);
  }

  apply(extra: string[] = []): Promise<string> {
    return this.ok(['apply', '-auto-approve', '-input=false', '-no-color', ...extra]);
  }

  /** `terraform show -json` state: address → values. */
  async state(): Promise<Map<string, Record<string, any>>> {
    const shown = JSON.parse(await this.ok(['show', '-json']));
    const resources: { address: string; values: Record<string, any> }[] = shown.values?.root_module?.resources ?? [];
    return new Map(resources.map((r) => [r.address, r.values]));
  }

  /**
   * Plans to a file and returns the plan JSON, the exit code of `plan -detailed-exitcode` (0 no change,
   * 2 changes) and address → actions.
   */
  async plan(extra: string[] = []): Promise<{ code: number; json: any; actions: Map<string, string[]> }> {
    const r = await this.tf(['plan', '-detailed-exitcode', '-input=false', '-no-color', '-out=tfplan', ...extra]);
    if (r.code !== 0 && r.code !== 2) throw new Error(`terraform plan failed (${r.code}):\n${r.stderr}\n${r.stdout}`);
    const json = JSON.parse(await this.ok(['show', '-json', 'tfplan']));
    const actions = new Map<string, string[]>((json.resource_changes ?? []).map((c: any) => [c.address, c.change.actions]));
    return { code: r.code, json, actions };
  }

  /** `terraform output -json`: name → { value, sensitive, type }. */
  async outputs(): Promise<Record<string, { value: any; sensitive: boolean }>> {
    return JSON.parse(await this.ok(['output', '-json']));
  }

  /** Diagnostics of a `-json` command (validate -json prints one object; plan/apply -json print lines). */
  static diagnostics(stdout: string): any[] {
    const trimmed = stdout.trim();
    if (trimmed.startsWith('{') && !trimmed.includes('\n{')) {
      const one = JSON.parse(trimmed);
      if (Array.isArray(one.diagnostics)) return one.diagnostics;
    }
    return trimmed
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l))
      .filter((m) => m.type === 'diagnostic')
      .map((m) => m.diagnostic);
  }
}

// ---------------------------------------------------------------------------------------------------------
// CDKTF stacks and PostgreSQL for the backend and concurrency tests (test/e2e/backend-pg, concurrency).
// (Imports here rather than at the top: this part is appended by the backend work, #7.)
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync } from 'node:fs';

/** Synthesizes one CDKTF stack into `root` and returns its cdk.tf.json text. */
export function synthStack(root: string, name: string, build: (stack: import('cdktf').TerraformStack) => void): string {
  // Required lazily so that test files that never synthesize do not load cdktf.
  const { App, TerraformStack } = require('cdktf') as typeof import('cdktf');
  const outdir = join(root, `synth-${name}`);
  const app = new App({ outdir });
  const stack = new TerraformStack(app, name);
  build(stack);
  keepStateInWorkdir(stack);
  app.synth();
  return readFileSync(join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8');
}

/**
 * Without a backend, cdktf writes a local backend at `<process cwd>/terraform.<stack>.tfstate`, an absolute
 * path: every test run (and every concurrent one) with that stack name would share one state file in the
 * repository (lock errors, plans and destroys acting on another run's resources). Call this after adding
 * the stack's content: a stack without a backend keeps its state in terraform's working directory.
 */
export function keepStateInWorkdir(stack: import('cdktf').TerraformStack): void {
  const { LocalBackend, TerraformBackend } = require('cdktf') as typeof import('cdktf');
  if (!stack.node.findAll().some((c) => TerraformBackend.isBackend(c))) new LocalBackend(stack, { path: 'terraform.tfstate' });
}

/** A PostgreSQL database for terraform's `pg` backend. */
export interface TestPostgres {
  /** postgres:// URL of the database (no password: the server is local and throwaway, or given by CI). */
  readonly connStr: string;
  /** The connection string of another database on the same server. */
  connStrFor(database: string): string;
  /** Runs SQL with psql (in `database`, default ours); returns unaligned, tuples-only output (rows on lines, columns split by |). */
  psql(sql: string, database?: string): string;
  /** A schema name nobody else uses, for one test's state. */
  uniqueSchema(label: string): string;
  /** Stops the server when this process started it. */
  stop(): void;
}

/**
 * Why terraform cannot install `source` (such as hashicorp/random) here, or undefined when it can. It asks
 * as the harness's CLI config does for sources not ours: directly from the provider's registry. Decided when
 * the test file loads (about a second where no registry is reachable), so that a test that needs the
 * provider is declared skipped and counted so. Only an unreachable registry is a reason to skip: any other
 * init failure throws.
 */
export function registryProviderMissing(source: string): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'registry-probe-'));
  try {
    const name = source.split('/').pop()!;
    writeFileSync(join(dir, 'main.tf'), `terraform {\n  required_providers {\n    ${name} = { source = "${source}" }\n  }\n}\n`);
    writeFileSync(join(dir, 'terraform.rc'), 'provider_installation {\n  direct {}\n}\n');
    const { TF_PLUGIN_CACHE_DIR, TF_CLI_ARGS, TF_REATTACH_PROVIDERS, ...machine } = process.env;
    const env = { ...machine, TF_CLI_CONFIG_FILE: join(dir, 'terraform.rc'), CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0' };
    const init = spawnSync('terraform', ['init', '-backend=false', '-input=false', '-no-color'], { cwd: dir, env, encoding: 'utf8', timeout: 300_000 });
    if (init.status === 0) return undefined;
    const said = init.stderr.split('\n').find((l) => /Error/.test(l))?.replace(/[│╷╵]/g, '').trim() ?? '(no error line)';
    if (/Failed to query available provider packages|could not connect|dial tcp|no such host/i.test(init.stderr)) {
      return `terraform init could not install ${source} from its registry, unreachable from this machine (terraform said: ${said})`;
    }
    throw new Error(`terraform init of ${source} failed (${init.status ?? init.signal}), and not for an unreachable registry:\n${init.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const PG_ENV = 'WORKZONE_CPR_TEST_PG';
const PG_SCRIPT = join(repoRoot, 'scripts/ci/postgres.sh');

/**
 * Why the pg backend tests cannot run here, or undefined when they can: $WORKZONE_CPR_TEST_PG is set (.ci/run
 * starts a server and sets it) or PostgreSQL's binaries are installed (scripts/ci/postgres.sh check). Decided
 * when the test file loads, so that a test that cannot run is declared skipped and counted so. With CI=true
 * a missing PostgreSQL is an error instead, so CI cannot pass without running these tests.
 */
export function postgresMissing(): string | undefined {
  if (process.env[PG_ENV]) return undefined;
  const check = spawnSync('bash', [PG_SCRIPT, 'check'], { encoding: 'utf8' });
  if (check.status === 0) return undefined;
  const why = `${PG_ENV} is not set and ${check.stderr.trim() || `scripts/ci/postgres.sh check failed (${check.status})`}`;
  if (check.status !== 3) throw new Error(why);
  if (process.env.CI === 'true') throw new Error(`CI=true and no PostgreSQL for the pg backend tests: ${why}`);
  return `${why}; install PostgreSQL (scripts/ci/postgres.sh install, as root) or set ${PG_ENV} to run these tests`;
}

/**
 * The database for pg backend tests (where postgresMissing() found one): $WORKZONE_CPR_TEST_PG when set,
 * else a throwaway server started with scripts/ci/postgres.sh and stopped by stop().
 */
export function postgresForTests(): TestPostgres {
  const given = process.env[PG_ENV];
  if (given) return testPostgres(given, () => {});
  const parent = mkdtempSync(join(tmpdir(), 'pg-e2e-'));
  chmodSync(parent, 0o711); // the server runs as `postgres` when we are root: it must reach the cluster dir
  const dir = join(parent, 'cluster');
  const started = spawnSync('bash', [PG_SCRIPT, 'start', dir], { encoding: 'utf8' });
  if (started.status !== 0) {
    rmSync(parent, { recursive: true, force: true });
    throw new Error(`${PG_ENV} is not set and scripts/ci/postgres.sh could not start a server: ${started.stderr.trim()}`);
  }
  const stop = () => {
    execFileSync('bash', [PG_SCRIPT, 'stop', dir], { stdio: 'pipe' });
    rmSync(parent, { recursive: true, force: true });
  };
  return testPostgres(started.stdout.trim(), stop);
}

function testPostgres(connStr: string, stop: () => void): TestPostgres {
  const connStrFor = (database: string) => {
    const url = new URL(connStr);
    url.pathname = `/${database}`;
    return url.toString();
  };
  return {
    connStr,
    connStrFor,
    psql: (sql, database) =>
      execFileSync('psql', ['-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', '-d', database ? connStrFor(database) : connStr, '-c', sql], { encoding: 'utf8' }).trim(),
    uniqueSchema: (label) => `${label}_${randomBytes(4).toString('hex')}`,
    stop,
  };
}

/**
 * Environment that makes plan, apply and destroy wait up to `timeout` for the state lock (terraform's
 * TF_CLI_ARGS_<command>; a -lock-timeout given on the command line still wins). Needed with the pg backend
 * when several states share a database: terraform takes one database-wide lock to create a workspace's row.
 */
export function lockTimeoutEnv(timeout: string): Record<string, string> {
  const flag = `-lock-timeout=${timeout}`;
  return { TF_CLI_ARGS_plan: flag, TF_CLI_ARGS_apply: flag, TF_CLI_ARGS_destroy: flag };
}
