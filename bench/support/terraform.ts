/**
 * Terraform for the bench: our providers bundled once per run (scripts/build-providers.mjs, as the
 * e2e harness does) into a filesystem mirror, the terraform environment of lib/providers/terraform-env.ts,
 * and working directories to time commands in. No jest here: test/e2e/harness.ts stays test-only.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installProviders } from '../../lib/providers/mirror';
import { terraformEnv } from '../../lib/providers/terraform-env';
import { run, seconds } from './stats';

export interface TerraformSetup {
  /** Directory of the bundles (terraform-provider-<name>.js). */
  readonly bundles: string;
  /** Environment for terraform: our CLI config, CHECKPOINT_DISABLE=1, automation mode. */
  readonly env: NodeJS.ProcessEnv;
  /** A fresh working directory under the run's temp dir. */
  workdir(name: string, files: Record<string, string>, env?: NodeJS.ProcessEnv): BenchWorkdir;
}

export const PROVIDERS = ['workzone', 'kmdlogic'] as const;

export async function setUpTerraform(root: string, dir: string): Promise<TerraformSetup> {
  const bundles = join(dir, 'bundles');
  const args = [join(root, 'scripts/build-providers.mjs'), '--outdir', bundles];
  for (const name of PROVIDERS) args.push('--entry', `${name}=${join(root, 'lib/providers', name, 'main.ts')}`);
  execFileSync(process.execPath, args, { stdio: 'pipe' });
  const mirror = await installProviders({ dir: join(dir, 'mirror'), bundleDir: bundles, providers: [...PROVIDERS] });
  const env = await terraformEnv({ cliConfig: mirror.cliConfig, dir });
  return {
    bundles,
    env,
    workdir(name, files, extra = {}) {
      const wd = join(dir, name);
      mkdirSync(wd, { recursive: true });
      for (const [file, text] of Object.entries(files)) writeFileSync(join(wd, file), text);
      return new BenchWorkdir(wd, { ...env, ...extra });
    },
  };
}

export class BenchWorkdir {
  constructor(
    readonly dir: string,
    public env: NodeJS.ProcessEnv,
  ) {}

  /** Runs terraform; throws with its output on failure. */
  tf(args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<string> {
    return run('terraform', args, { cwd: this.dir, env: { ...this.env, ...extraEnv } });
  }

  /** Seconds one terraform command takes. */
  time(args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<number> {
    return seconds(() => this.tf(args, extraEnv));
  }

  init(): Promise<string> {
    return this.tf(['init', '-input=false', '-no-color']);
  }
}

/** The four commands the scale figures time, as a user runs them (plan refreshes; apply plans first). */
export const COMMANDS = {
  plan: ['plan', '-input=false', '-no-color'],
  apply: ['apply', '-auto-approve', '-input=false', '-no-color'],
  noChangePlan: ['plan', '-detailed-exitcode', '-input=false', '-no-color'],
  destroy: ['destroy', '-auto-approve', '-input=false', '-no-color'],
} as const;
