/** `npm run sandbox:reveal [-- --module cvr]`: prints a module's identifiers with the secrets, from the sandbox's state. */
import { formatIdentifiers } from './identifiers';
import { StepError, providersEnv, sandboxModule, stackOutputs } from './sandbox';

async function main(): Promise<void> {
  const sandbox = sandboxModule(process.argv.slice(2));
  const outputs = await stackOutputs(await providersEnv(), sandbox);
  console.log(formatIdentifiers(outputs, true, sandbox));
}

main().catch((error: unknown) => {
  console.error(`sandbox:reveal failed: ${(error as Error).message}${error instanceof StepError ? `\n${error.hint}` : ''}`);
  process.exitCode = 1;
});
