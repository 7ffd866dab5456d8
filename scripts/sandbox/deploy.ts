/**
 * `npm start`: deploys the example app (main.ts) with `cdktf deploy` to local emulators of WorkZone and
 * KMD Logic, proves the credentials work, and prints the six identifiers. Run again: no changes.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { EmulatorsInfo } from '../../lib/cli/emulators';
import { HttpClient } from '../../lib/providers/http';
import { TokenSource } from '../../lib/providers/kmdlogic/token';
import { WorkZoneClient } from '../../lib/providers/workzone/client';
import { KMDLOGIC_SCOPE } from '../../lib/schemas/kmdlogic';
import { formatIdentifiers, OUTPUT_PREFIX } from './identifiers';
import {
  SECRET_SOURCE_FILE,
  STACK,
  STACK_DIR,
  StepError,
  deployEnv,
  providersEnv,
  randomProviderInstallable,
  run,
  stackOutputs,
  startEmulators,
  stateContent,
  forgetProviderLock,
  step,
  type RunningEmulators,
} from './sandbox';

const STEPS = 6;

/** A WorkZone token for the CPR update client: proves its id and secret work. */
async function proveWorkZone(info: EmulatorsInfo, clientId: string, secret: string): Promise<void> {
  const workzone = new WorkZoneClient({ url: info.workzone.url, username: info.workzone.username, password: info.workzone.password });
  try {
    const check = await workzone.requestToken(info.workzone.tokenUrl, clientId, secret);
    if (!check.ok) throw new StepError(`WorkZone refused a token to "${clientId}": HTTP ${check.status} ${check.error}`, 'The client or its secret does not work; see the deploy output above.');
  } finally {
    workzone.close();
  }
}

/** A KMD Logic token with the Logic client credentials, fetched the way the kmdlogic provider does. */
async function proveKmdLogic(info: EmulatorsInfo, clientId: string, clientSecret: string): Promise<void> {
  const http = new HttpClient({ retryMaxMs: 10_000 });
  try {
    await new TokenSource({ http, tokenUrl: info.kmdLogic.tokenUrl, clientId, clientSecret, scope: KMDLOGIC_SCOPE }).get();
  } finally {
    http.close();
  }
}

async function main(): Promise<void> {
  const env = await step(STEPS, 'Install our providers into the project mirror (.sandbox/mirror)', providersEnv);
  const emulators: RunningEmulators = await step(STEPS, 'Start the WorkZone and KMD Logic emulators (data in .sandbox/data)', async () => {
    const started = await startEmulators();
    console.log(`      WorkZone  ${started.info.workzone.url}    KMD Logic  ${started.info.kmdLogic.url}`);
    return started;
  });
  try {
    const secretSource = await step(STEPS, 'Choose the client secret source', async () => {
      const kept = existsSync(SECRET_SOURCE_FILE) ? readFileSync(SECRET_SOURCE_FILE, 'utf8').trim() : undefined;
      if (kept === 'random' || kept === 'workzone') {
        console.log(`      ${kept === 'random' ? 'random provider (the default)' : 'WorkZone-generated'}, as on the first deploy`);
        return kept;
      }
      const source = (await randomProviderInstallable(env)) ? 'random' : 'workzone';
      if (source === 'random') console.log('      random provider (the default): hashicorp/random can be installed here');
      else console.log('      hashicorp/random cannot be installed here (no registry, no mirror): using the WorkZone-generated secret instead');
      writeFileSync(SECRET_SOURCE_FILE, source);
      return source;
    });

    const env2 = deployEnv(env, emulators.info, secretSource);
    const before = stateContent();
    await step(STEPS, `Deploy main.ts with cdktf deploy (stack ${STACK})`, async () => {
      forgetProviderLock();
      try {
        await run('npx', ['cdktf', 'deploy', STACK, '--auto-approve', '--skip-provider-lock', '--no-color'], { env: env2 });
      } catch (error) {
        throw new StepError(`cdktf deploy failed (exit code ${(error as { code?: number }).code})`, 'Read the terraform error above; fix it and run `npm start` again: it resumes from the state it left.');
      }
    });

    const outputs = await step(STEPS, 'Prove it: no changes left, and both sets of credentials get tokens', async () => {
      try {
        await run('terraform', ['plan', '-detailed-exitcode', '-input=false', '-lock=false'], { cwd: STACK_DIR, env: env2, quiet: true });
      } catch (error) {
        throw new StepError('the deployed stack does not match main.ts (terraform plan shows changes)', 'Run `npm start` again; if that does not converge, run `npm run sandbox:destroy` and start over.');
      }
      console.log(stateContent() === before ? '      No changes: the sandbox was already deployed and matches main.ts.' : '      Deployed; a new plan shows no changes.');
      const out = await stackOutputs(env2);
      const value = (suffix: string) => out[`${OUTPUT_PREFIX}_${suffix}`].value;
      await proveWorkZone(emulators.info, value('cpr_client_id'), value('cpr_client_secret'));
      console.log(`      WorkZone issued a token to "${value('cpr_client_id')}" with its client secret.`);
      await proveKmdLogic(emulators.info, value('kmd_logic_client_id'), value('kmd_logic_client_secret'));
      console.log('      KMD Logic issued a token with the Logic client credentials.');
      return out;
    });

    await step(STEPS, 'Stop the emulators (data stays in .sandbox/data)', () => emulators.stop());
    console.log('\nThe CPR update module settings (WorkZone > CPR update):\n');
    console.log(formatIdentifiers(outputs, false));
    console.log('\nReveal the secrets with `npm run sandbox:reveal`; tear the sandbox down with `npm run sandbox:destroy`.');
  } finally {
    await emulators.stop();
  }
}

main().catch((error: unknown) => {
  const hint = error instanceof StepError ? error.hint : 'See the messages above.';
  console.error(`\nnpm start failed: ${(error as Error).message}\n${hint}`);
  process.exitCode = 1;
});
