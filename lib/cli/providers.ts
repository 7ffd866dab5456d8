/** `workzone-cpr providers install`: lays our providers into a filesystem mirror and prints the CLI config. */
import { writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { installProviders } from '../providers/mirror';
import { PROVIDERS_SERVE_USAGE, runProvidersServe } from './providers-serve';

export const PROVIDERS_USAGE = `Usage: workzone-cpr providers install [--dir DIR] [--cli-config FILE]

Installs the workzone and kmdlogic providers into a terraform filesystem mirror and prints the terraform
CLI configuration that uses it. Needs no network and no input; running it again changes nothing.
  --dir DIR          mirror directory (default: terraform's implied local mirror ~/.terraform.d/plugins,
                     %APPDATA%\\terraform.d\\plugins on Windows; terraform init finds the providers there
                     with no CLI config, unless yours has a provider_installation block)
  --cli-config FILE  also write the CLI configuration to FILE; point TF_CLI_CONFIG_FILE at it

${PROVIDERS_SERVE_USAGE}`;

/**
 * terraform's implied local mirror directory on this OS: terraform >= 0.13 searches it when the CLI config
 * has no provider_installation block (on Linux also $XDG_DATA_HOME/terraform/plugins, default
 * ~/.local/share/terraform/plugins; pass that as --dir to use it instead).
 */
export function impliedMirrorDir(): string {
  return process.platform === 'win32'
    ? join(process.env.APPDATA ?? homedir(), 'terraform.d', 'plugins')
    : join(homedir(), '.terraform.d', 'plugins');
}

export async function runProviders(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === 'serve' || command === 'stop') return runProvidersServe(command, rest);
  const { values } = parseArgs({
    args: rest,
    options: { dir: { type: 'string' }, 'cli-config': { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    strict: true,
  });
  if (command !== 'install' || values.help) {
    console.log(PROVIDERS_USAGE);
    if (command !== 'install' && !values.help) process.exitCode = 2;
    return;
  }
  const dir = resolve(values.dir ?? impliedMirrorDir());
  const { cliConfig } = await installProviders({ dir });
  const configFile = values['cli-config'] && resolve(values['cli-config']);
  if (configFile) writeFileSync(configFile, cliConfig);
  console.error(
    values.dir === undefined
      ? `Installed the workzone and kmdlogic providers into ${dir}, terraform's implied local mirror: terraform init finds them with no CLI config.`
      : `Installed the workzone and kmdlogic providers into ${dir}. Use it with TF_CLI_CONFIG_FILE=${configFile ?? '<a file holding the CLI config below>'}.`,
  );
  console.log(cliConfig);
}
