/** `npm run sandbox:reveal`: prints the six identifiers with the secrets, from the sandbox's state. */
import { formatIdentifiers } from './identifiers';
import { StepError, providersEnv, stackOutputs } from './sandbox';

providersEnv()
  .then((env) => stackOutputs(env))
  .then((outputs) => console.log(formatIdentifiers(outputs, true)))
  .catch((error: unknown) => {
    console.error(`sandbox:reveal failed: ${(error as Error).message}${error instanceof StepError ? `\n${error.hint}` : ''}`);
    process.exitCode = 1;
  });
