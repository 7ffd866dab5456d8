/**
 * The sandbox: the example app (main.ts) deployed with `cdktf deploy` to local emulators of WorkZone and
 * KMD Logic. Shared pieces of `npm start`, `npm run sandbox:destroy` and `npm run sandbox:reveal`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { snakeCase } from '../../lib/constructs/names';
import { UPDATE_MODULES, type UpdateModule } from '../../lib/constructs/update-module';
import { installProviders } from '../../lib/providers/mirror';
import { KMDLOGIC_SCOPE } from '../../lib/schemas/kmdlogic';
import { terraformEnv } from '../../lib/providers/terraform-env';
import type { EmulatorsInfo } from '../../lib/cli/emulators';

export const ROOT = join(__dirname, '..', '..');
export const SANDBOX = join(ROOT, '.sandbox');
export const DATA_DIR = join(SANDBOX, 'data');
const CLI = join(ROOT, 'dist', 'lib', 'cli', 'main.js');

/** One module's sandbox: its stack in main.ts, that stack's directory and state, and its outputs' prefix. */
export interface SandboxModule {
  readonly module: UpdateModule;
  /** `cpr-update`, `cvr-update`: the stacks of main.ts. */
  readonly stack: string;
  readonly stackDir: string;
  readonly stateFile: string;
  /** `cpr_update`: the default prefix of the set-up `CprUpdate` in main.ts. */
  readonly outputPrefix: string;
}

export const SANDBOX_MODULES: readonly SandboxModule[] = UPDATE_MODULES.map((module) => {
  const stack = `${module.id}-update`;
  return { module, stack, stackDir: join(ROOT, 'cdktf.out', 'stacks', stack), stateFile: join(ROOT, `terraform.${stack}.tfstate`), outputPrefix: snakeCase(stack) };
});

/** The module of `--module cpr|cvr` (CPR when not given); anything else is a StepError saying what is known. */
export function sandboxModule(argv: readonly string[]): SandboxModule {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: { module: { type: 'string', default: 'cpr' } }, strict: true }));
  } catch (error) {
    throw new StepError((error as Error).message, 'The sandbox takes one option: --module cpr (the default) or --module cvr, as in `npm start -- --module cvr`.');
  }
  const found = SANDBOX_MODULES.find((m) => m.module.id === values.module);
  if (!found) throw new StepError(`unknown module ${JSON.stringify(values.module.slice(0, 40))}`, `Use --module ${SANDBOX_MODULES.map((m) => m.module.id).join(' or --module ')}.`);
  return found;
}

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

/**
 * The KMD Logic identifiers of a module, by prop, from the emulators. The emulated Logic has no CVR API, so
 * the CVR configuration id is a GUID of the sandbox's own, kept in .sandbox (nothing checks it).
 */
export function kmdLogicIdentifiers(info: EmulatorsInfo): Record<string, string> {
  const file = join(SANDBOX, 'cvr-configuration-id');
  if (!existsSync(file)) {
    mkdirSync(SANDBOX, { recursive: true });
    writeFileSync(file, randomUUID());
  }
  const { clientId, clientSecret, subscriptionId, productId } = info.kmdLogic;
  return { clientId, clientSecret, subscriptionId, productId, scope: KMDLOGIC_SCOPE, cvrConfigurationId: readFileSync(file, 'utf8').trim() };
}

/** Provider settings and the module's KMD Logic identifiers (TF_VAR_*), from the emulators: what a pipeline sets. */
export function deployEnv(base: NodeJS.ProcessEnv, info: EmulatorsInfo, secretSource: 'random' | 'workzone', sandbox: SandboxModule): NodeJS.ProcessEnv {
  const identifiers = kmdLogicIdentifiers(info);
  const variables = Object.fromEntries(
    sandbox.module.outputs.flatMap((o) => (o.kmdLogicProp === undefined ? [] : [[`TF_VAR_${sandbox.outputPrefix}_${o.suffix}`, identifiers[o.kmdLogicProp]]])),
  );
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
    ...variables,
    CPR_CLIENT_SECRET_SOURCE: secretSource,
    // The emulated WorkZone serves the update services' readiness: the set-ups check it (main.ts).
    UPDATE_SERVICE_HEALTH_CHECK: 'on',
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

/** What the stack's local state holds (managed resources and outputs), to tell whether a deploy changed anything. */
export function stateContent(sandbox: SandboxModule): string {
  if (!existsSync(sandbox.stateFile)) return '';
  const state = JSON.parse(readFileSync(sandbox.stateFile, 'utf8')) as {
    resources?: { mode: string; type: string; name: string; instances: { attributes: unknown }[] }[];
    outputs?: unknown;
  };
  // Attributes only: terraform may reorder bookkeeping such as sensitive_attributes between runs. Data
  // sources are read again on every run (the emulators' URLs change with their ports): not deployed things.
  const resources = (state.resources ?? []).filter((r) => r.mode === 'managed').map((r) => [r.type, r.name, r.instances.map((i) => i.attributes)]);
  return JSON.stringify([resources, state.outputs]);
}

/**
 * The sandbox always runs the providers just built; their hash changes with every code change, so a lock
 * file from an earlier build would refuse them. (Consumers of a released package keep theirs: it is stable.)
 */
export function forgetProviderLock(sandbox: SandboxModule): void {
  rmSync(join(sandbox.stackDir, '.terraform.lock.hcl'), { force: true });
}

/** `terraform output -json` of the deployed stack: reads state only, needs no emulator. */
export async function stackOutputs(env: NodeJS.ProcessEnv, sandbox: SandboxModule): Promise<Record<string, { value: string; sensitive: boolean }>> {
  const start = sandbox.module.id === 'cpr' ? 'npm start' : `npm start -- --module ${sandbox.module.id}`;
  if (!existsSync(join(sandbox.stackDir, '.terraform'))) throw new StepError(`the ${sandbox.module.id.toUpperCase()} sandbox is not deployed`, `Run \`${start}\` first.`);
  const text = await run('terraform', ['output', '-json'], { cwd: sandbox.stackDir, env, quiet: true });
  return JSON.parse(text) as Record<string, { value: string; sensitive: boolean }>;
}

/** Where the secret source chosen on the first deploy is kept, so later runs make the same choice. */
export const SECRET_SOURCE_FILE = join(SANDBOX, 'secret-source');
