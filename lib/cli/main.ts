#!/usr/bin/env node
/** `workzone-cpr`: the package's one command-line entry. */
import { DOCTOR_USAGE, runDoctorCommand } from './doctor';
import { EMULATORS_USAGE, UsageError, runEmulators } from './emulators';
import { PROVIDERS_USAGE, runProviders } from './providers';

const USAGE = `Usage: workzone-cpr <command>

Commands:
  emulators            run local emulators of WorkZone and KMD Logic
  doctor               check a WorkZone (and KMD Logic) against what the providers assume, before the first apply
  providers install    install the workzone and kmdlogic terraform providers into a mirror
  providers serve      start the providers once for many terraform commands (TF_REATTACH_PROVIDERS)
  providers stop       stop providers started by serve

${EMULATORS_USAGE}

${DOCTOR_USAGE}

${PROVIDERS_USAGE}`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'emulators':
      return runEmulators(rest);
    case 'doctor':
      return runDoctorCommand(rest);
    case 'providers':
      return runProviders(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return;
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}; run \`workzone-cpr help\``);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  console.error(`workzone-cpr: ${(error as Error).message}`);
  process.exitCode = usage ? 2 : 1;
});
