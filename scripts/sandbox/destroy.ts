/** `npm run sandbox:destroy`: destroys the sandbox stack, stops the emulators and removes their data. */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, SANDBOX, SECRET_SOURCE_FILE, STACK, STATE_FILE, StepError, deployEnv, forgetProviderLock, providersEnv, run, startEmulators, step } from './sandbox';

const STEPS = 4;

async function main(): Promise<void> {
  const env = await step(STEPS, 'Install our providers into the project mirror', providersEnv);
  if (existsSync(STATE_FILE)) {
    const emulators = await step(STEPS, 'Start the emulators on the sandbox data', startEmulators);
    try {
      const source = existsSync(SECRET_SOURCE_FILE) ? readFileSync(SECRET_SOURCE_FILE, 'utf8').trim() : 'workzone';
      await step(STEPS, `Destroy stack ${STACK} with cdktf destroy`, async () => {
        forgetProviderLock();
        try {
          await run('npx', ['cdktf', 'destroy', STACK, '--auto-approve', '--skip-provider-lock', '--no-color'], {
            env: deployEnv(env, emulators.info, source === 'random' ? 'random' : 'workzone'),
          });
        } catch (error) {
          throw new StepError(`cdktf destroy failed (exit code ${(error as { code?: number }).code})`, 'Read the error above and run `npm run sandbox:destroy` again.');
        }
      });
    } finally {
      await emulators.stop();
    }
  } else {
    console.log('      Nothing deployed.');
  }
  await step(STEPS, 'Remove the sandbox data, state and synthesized output', async () => {
    for (const path of [SANDBOX, STATE_FILE, `${STATE_FILE}.backup`, join(ROOT, 'cdktf.out')]) rmSync(path, { recursive: true, force: true });
  });
  console.log('\nThe sandbox is gone; nothing is left running.');
}

main().catch((error: unknown) => {
  console.error(`\nsandbox:destroy failed: ${(error as Error).message}\n${error instanceof StepError ? error.hint : 'See the messages above.'}`);
  process.exitCode = 1;
});
