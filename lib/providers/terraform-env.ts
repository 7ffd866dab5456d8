/**
 * The environment for one terraform call by our tests and tools: our own CLI config (the machine's
 * TF_CLI_CONFIG_FILE may point anywhere), no phoning home, automation mode.
 *
 * TF_PLUGIN_CACHE_DIR is removed on purpose: the cache keys providers by version only, while our bundles
 * change their h1 hash with every rebuild at the same version. A shared cache would serve a stale build
 * or fail the lock-file check ("doesn't match any of the checksums"). Use a fresh working directory (or
 * `terraform init -upgrade`) after a rebuild instead.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export interface TerraformEnvOptions {
  /** CLI config text, such as installProviders(...).cliConfig. */
  readonly cliConfig: string;
  /** Directory to write the CLI config file into. */
  readonly dir: string;
  /** Environment to start from; default process.env. */
  readonly base?: NodeJS.ProcessEnv;
  /** Extra variables (such as TF_LOG, TF_LOG_PATH or provider settings). */
  readonly extra?: Record<string, string>;
}

export const CLI_CONFIG_FILE_NAME = 'terraform.rc';

const DROPPED = ['TF_PLUGIN_CACHE_DIR', 'TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE', 'TF_CLI_ARGS', 'TF_REATTACH_PROVIDERS'];

export async function terraformEnv(options: TerraformEnvOptions): Promise<NodeJS.ProcessEnv> {
  const dir = resolve(options.dir);
  await mkdir(dir, { recursive: true });
  const configFile = join(dir, CLI_CONFIG_FILE_NAME);
  await writeFile(configFile, options.cliConfig);
  const env: NodeJS.ProcessEnv = { ...(options.base ?? process.env) };
  for (const name of DROPPED) delete env[name];
  return {
    ...env,
    TF_CLI_CONFIG_FILE: configFile,
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    ...options.extra,
  };
}
