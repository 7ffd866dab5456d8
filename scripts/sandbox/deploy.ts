/**
 * `npm start`: deploys the example app (main.ts) with `cdktf deploy` to local emulators of WorkZone and
 * KMD Logic, proves the credentials work, and prints the six identifiers. Run again: no changes.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
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

/** Asks a token endpoint for a client-credentials token; throws with the endpoint's answer (never the secret). */
async function requestToken(what: string, tokenUrl: string, form: Record<string, string>, basic?: { id: string; secret: string }): Promise<void> {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
  if (basic) headers.Authorization = `Basic ${Buffer.from(`${encodeURIComponent(basic.id)}:${encodeURIComponent(basic.secret)}`).toString('base64')}`;
  const res = await fetch(tokenUrl, { method: 'POST', headers, body: new URLSearchParams({ grant_type: 'client_credentials', ...form }) });
  const body = (await res.json().catch(() => ({}))) as { access_token?: string; error?: string };
  if (res.status !== 200 || typeof body.access_token !== 'string') {
    throw new StepError(`${what}: the token endpoint answered HTTP ${res.status} ${body.error ?? ''}`.trim(), 'The credentials do not work; see the deploy output above.');
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
      await requestToken('WorkZone', emulators.info.workzone.tokenUrl, {}, { id: value('cpr_client_id'), secret: value('cpr_client_secret') });
      console.log(`      WorkZone issued a token to "${value('cpr_client_id')}" with its client secret.`);
      await requestToken('KMD Logic', emulators.info.kmdLogic.tokenUrl, {
        client_id: value('kmd_logic_client_id'),
        client_secret: value('kmd_logic_client_secret'),
        scope: KMDLOGIC_SCOPE,
      });
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
