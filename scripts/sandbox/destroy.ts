/** `npm run sandbox:destroy`: destroys the sandbox's stacks (CPR, CVR), stops the emulators and removes their data. */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, SANDBOX, SANDBOX_MODULES, SECRET_SOURCE_FILE, StepError, deployEnv, forgetProviderLock, providersEnv, run, startEmulators, step } from './sandbox';

const STEPS = 4;

async function main(): Promise<void> {
  const env = await step(STEPS, 'Install our providers into the project mirror', providersEnv);
  const deployed = SANDBOX_MODULES.filter((m) => existsSync(m.stateFile));
  if (deployed.length > 0) {
    const emulators = await step(STEPS, 'Start the emulators on the sandbox data', startEmulators);
    try {
      const source = existsSync(SECRET_SOURCE_FILE) ? readFileSync(SECRET_SOURCE_FILE, 'utf8').trim() : 'workzone';
      await step(STEPS, `Destroy stack ${deployed.map((m) => m.stack).join(' and ')} with cdktf destroy`, async () => {
        for (const sandbox of deployed) {
          forgetProviderLock(sandbox);
          try {
            await run('npx', ['cdktf', 'destroy', sandbox.stack, '--auto-approve', '--skip-provider-lock', '--no-color'], {
              env: deployEnv(env, emulators.info, source === 'random' ? 'random' : 'workzone', sandbox),
            });
          } catch (error) {
            throw new StepError(`cdktf destroy of ${sandbox.stack} failed (exit code ${(error as { code?: number }).code})`, 'Read the error above and run `npm run sandbox:destroy` again.');
          }
        }
      });
    } finally {
      await emulators.stop();
    }
  } else {
    console.log('      Nothing deployed.');
  }
  await step(STEPS, 'Remove the sandbox data, state and synthesized output', async () => {
    const states = SANDBOX_MODULES.flatMap((m) => [m.stateFile, `${m.stateFile}.backup`]);
    for (const path of [SANDBOX, ...states, join(ROOT, 'cdktf.out')]) rmSync(path, { recursive: true, force: true });
  });
  console.log('\nThe sandbox is gone; nothing is left running.');
}

main().catch((error: unknown) => {
  console.error(`\nsandbox:destroy failed: ${(error as Error).message}\n${error instanceof StepError ? error.hint : 'See the messages above.'}`);
  process.exitCode = 1;
});
