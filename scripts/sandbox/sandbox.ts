/**
 * The sandbox: the example app (main.ts) deployed with `cdktf deploy` to local emulators of WorkZone and
 * KMD Logic. Shared pieces of `npm start`, `npm run sandbox:destroy` and `npm run sandbox:reveal`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { installProviders } from '../../lib/providers/mirror';
import { terraformEnv } from '../../lib/providers/terraform-env';
import type { EmulatorsInfo } from '../../lib/cli/emulators';

export const ROOT = join(__dirname, '..', '..');
export const SANDBOX = join(ROOT, '.sandbox');
export const DATA_DIR = join(SANDBOX, 'data');
export const STACK = 'cpr-update';
export const STACK_DIR = join(ROOT, 'cdktf.out', 'stacks', STACK);
export const STATE_FILE = join(ROOT, `terraform.${STACK}.tfstate`);
const CLI = join(ROOT, 'dist', 'lib', 'cli', 'main.js');

/** A step that fails with what failed and what to do. */
export class StepError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

let stepNumber = 0;
export async function step<T>(total: number, title: string, run: () => Promise<T>): Promise<T> {
  stepNumber += 1;
  const started = Date.now();
  process.stdout.write(`[${stepNumber}/${total}] ${title} ...\n`);
  try {
    const result = await run();
    process.stdout.write(`      done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    return result;
  } catch (error) {
    process.stdout.write(`      FAILED: ${(error as Error).message}\n`);
    throw error;
  }
}

/**
 * Runs a program, streaming its output indented; resolves with its stdout (stderr, where TF_LOG writes,
 * is shown but never parsed); rejects with its exit code and both streams.
 */
export function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; quiet?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let stdout = '';
    const onLine = (fromStdout: boolean) => (line: string) => {
      output += `${line}\n`;
      if (fromStdout) stdout += `${line}\n`;
      if (!options.quiet) process.stdout.write(`      ${line}\n`);
    };
    const closed = [child.stdout!, child.stderr!].map(
      (stream) => new Promise<void>((done) => createInterface({ input: stream }).on('line', onLine(stream === child.stdout)).on('close', done)),
    );
    child.on('error', reject);
    child.on('close', (code) => {
      void Promise.all(closed).then(() =>
        code === 0 ? resolve(stdout) : reject(Object.assign(new Error(`${command} ${args[0] ?? ''} exited with code ${code}`), { output, code })),
      );
    });
  });
}

/** Project mirror of our providers and the terraform env that uses it (our CLI config, no phoning home). */
export async function providersEnv(): Promise<NodeJS.ProcessEnv> {
  mkdirSync(SANDBOX, { recursive: true });
  const { cliConfig } = await installProviders({ dir: join(SANDBOX, 'mirror'), bundleDir: join(ROOT, 'dist', 'providers') });
  return terraformEnv({ cliConfig, dir: SANDBOX, extra: { CI: '1' } });
}

export interface RunningEmulators {
  readonly info: EmulatorsInfo;
  stop(): Promise<void>;
}

/** Starts `workzone-cpr emulators` on the persistent data directory; stopped on exit whatever happens. */
export async function startEmulators(): Promise<RunningEmulators> {
  if (!existsSync(CLI)) throw new StepError(`${CLI} is missing`, 'Run `npm run build` first (npm start does it for you).');
  mkdirSync(DATA_DIR, { recursive: true });
  const child: ChildProcess = spawn(process.execPath, [CLI, 'emulators', '--data', DATA_DIR, '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killOnExit = () => child.kill('SIGTERM');
  process.on('exit', killOnExit);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const info = await new Promise<EmulatorsInfo>((resolve, reject) => {
    const timer = setTimeout(() => reject(new StepError('the emulators did not start within 30 s', `Look at the messages above; data is in ${DATA_DIR}.`)), 30_000);
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line) as EmulatorsInfo);
      } catch {
        reject(new StepError(`the emulators printed something unexpected: ${line.slice(0, 200)}`, 'Run `node dist/lib/cli/main.js emulators --json` to see it.'));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new StepError(`the emulators exited with code ${code}: ${stderr.trim().slice(0, 500)}`, `If the data directory is damaged, run \`npm run sandbox:destroy\` or remove ${DATA_DIR}.`));
    });
  });
  return {
    info,
    stop: () =>
      new Promise<void>((resolve) => {
        process.off('exit', killOnExit);
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Provider settings and the four KMD Logic identifiers, from the emulators: what a pipeline sets. */
export function deployEnv(base: NodeJS.ProcessEnv, info: EmulatorsInfo, secretSource: 'random' | 'workzone'): NodeJS.ProcessEnv {
  return {
    ...base,
    WORKZONE_URL: info.workzone.url,
    WORKZONE_TOKEN_URL: info.workzone.tokenUrl,
    WORKZONE_USERNAME: info.workzone.username,
    WORKZONE_PASSWORD: info.workzone.password,
    KMDLOGIC_CLIENT_ID: info.kmdLogic.clientId,
    KMDLOGIC_CLIENT_SECRET: info.kmdLogic.clientSecret,
    KMDLOGIC_TOKEN_URL: info.kmdLogic.tokenUrl,
    KMDLOGIC_API_URL: info.kmdLogic.url,
    TF_VAR_cpr_update_kmd_logic_client_id: info.kmdLogic.clientId,
    TF_VAR_cpr_update_kmd_logic_client_secret: info.kmdLogic.clientSecret,
    TF_VAR_cpr_update_kmd_logic_subscription_id: info.kmdLogic.subscriptionId,
    TF_VAR_cpr_update_kmd_logic_product_id: info.kmdLogic.productId,
    CPR_CLIENT_SECRET_SOURCE: secretSource,
  };
}

/**
 * Whether terraform can install hashicorp/random here (registry or mirror). Where it cannot (as on a
 * machine with no registry), it fails in well under a second.
 */
export async function randomProviderInstallable(env: NodeJS.ProcessEnv): Promise<boolean> {
  const dir = mkdtempSync(join(SANDBOX, 'random-probe-'));
  try {
    writeFileSync(join(dir, 'main.tf.json'), JSON.stringify({ terraform: { required_providers: { random: { source: 'hashicorp/random' } } } }));
    await run('terraform', ['init', '-input=false', '-backend=false'], { cwd: dir, env, quiet: true });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What the stack's local state holds (resources and outputs), to tell whether a deploy changed anything. */
export function stateContent(): string {
  if (!existsSync(STATE_FILE)) return '';
  const state = JSON.parse(readFileSync(STATE_FILE, 'utf8')) as {
    resources?: { type: string; name: string; instances: { attributes: unknown }[] }[];
    outputs?: unknown;
  };
  // Attributes only: terraform may reorder bookkeeping such as sensitive_attributes between runs.
  const resources = (state.resources ?? []).map((r) => [r.type, r.name, r.instances.map((i) => i.attributes)]);
  return JSON.stringify([resources, state.outputs]);
}

/**
 * The sandbox always runs the providers just built; their hash changes with every code change, so a lock
 * file from an earlier build would refuse them. (Consumers of a released package keep theirs: it is stable.)
 */
export function forgetProviderLock(): void {
  rmSync(join(STACK_DIR, '.terraform.lock.hcl'), { force: true });
}

/** `terraform output -json` of the deployed stack: reads state only, needs no emulator. */
export async function stackOutputs(env: NodeJS.ProcessEnv): Promise<Record<string, { value: string; sensitive: boolean }>> {
  if (!existsSync(join(STACK_DIR, '.terraform'))) throw new StepError('the sandbox is not deployed', 'Run `npm start` first.');
  const text = await run('terraform', ['output', '-json'], { cwd: STACK_DIR, env, quiet: true });
  return JSON.parse(text) as Record<string, { value: string; sensitive: boolean }>;
}

/** Where the secret source chosen on the first deploy is kept, so later runs make the same choice. */
export const SECRET_SOURCE_FILE = join(SANDBOX, 'secret-source');
