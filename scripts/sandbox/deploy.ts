/**
 * `npm start [-- --module cvr]`: deploys a stack of the example app (main.ts: `cpr-update`, or `cvr-update`)
 * with `cdktf deploy` to local emulators of WorkZone and KMD Logic, proves the credentials work and the
 * module's service is healthy, and prints the module's identifiers. Run again: no changes.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { EmulatorsInfo } from '../../lib/cli/emulators';
import { HttpClient } from '../../lib/providers/http';
import { TokenSource } from '../../lib/providers/kmdlogic/token';
import { WorkZoneClient } from '../../lib/providers/workzone/client';
import { KMDLOGIC_SCOPE } from '../../lib/schemas/kmdlogic';
import { formatIdentifiers } from './identifiers';
import {
  SECRET_SOURCE_FILE,
  StepError,
  deployEnv,
  providersEnv,
  randomProviderInstallable,
  run,
  stackOutputs,
  startEmulators,
  stateContent,
  forgetProviderLock,
  sandboxModule,
  step,
  type RunningEmulators,
  type SandboxModule,
} from './sandbox';

const STEPS = 6;

/** A WorkZone token for the update module's client: proves its id and secret work. */
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
async function proveKmdLogic(info: EmulatorsInfo, clientId: string, clientSecret: string, scope: string): Promise<void> {
  const http = new HttpClient({ retryMaxMs: 10_000 });
  try {
    await new TokenSource({ http, tokenUrl: info.kmdLogic.tokenUrl, clientId, clientSecret, scope }).get();
  } finally {
    http.close();
  }
}

/**
 * What the set-up's health check (data source workzone_update_service_health) read during the deploy, from
 * the stack's state: the module's service is Healthy, or the deploy would have failed.
 */
function healthRead(sandbox: SandboxModule): string {
  const state = JSON.parse(readFileSync(sandbox.stateFile, 'utf8')) as { resources?: { type: string; instances: { attributes: Record<string, any> }[] }[] };
  const health = state.resources?.find((r) => r.type === 'workzone_update_service_health')?.instances[0]?.attributes;
  if (!health) throw new StepError('the set-up read no readiness (no workzone_update_service_health in the state)', 'main.ts turns healthCheck on with UPDATE_SERVICE_HEALTH_CHECK=on; the sandbox sets it.');
  const parts = Object.entries(health.entries as Record<string, string>).map(([part, status]) => `${part} ${status}`).join(', ');
  return `${health.id} reports ${health.status} (${parts}).`;
}

async function main(): Promise<void> {
  const sandbox = sandboxModule(process.argv.slice(2));
  const { module, stack, stackDir, outputPrefix } = sandbox;
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

    const env2 = deployEnv(env, emulators.info, secretSource, sandbox);
    const before = stateContent(sandbox);
    await step(STEPS, `Deploy main.ts with cdktf deploy (stack ${stack})`, async () => {
      forgetProviderLock(sandbox);
      try {
        await run('npx', ['cdktf', 'deploy', stack, '--auto-approve', '--skip-provider-lock', '--no-color'], { env: env2 });
      } catch (error) {
        throw new StepError(`cdktf deploy failed (exit code ${(error as { code?: number }).code})`, 'Read the terraform error above; fix it and run `npm start` again: it resumes from the state it left.');
      }
    });

    const outputs = await step(STEPS, "Prove it: no changes left, both sets of credentials get tokens, the module's service is healthy", async () => {
      try {
        await run('terraform', ['plan', '-detailed-exitcode', '-input=false', '-lock=false'], { cwd: stackDir, env: env2, quiet: true });
      } catch (error) {
        throw new StepError('the deployed stack does not match main.ts (terraform plan shows changes)', 'Run `npm start` again; if that does not converge, run `npm run sandbox:destroy` and start over.');
      }
      console.log(stateContent(sandbox) === before ? '      No changes: the sandbox was already deployed and matches main.ts.' : '      Deployed; a new plan shows no changes.');
      const out = await stackOutputs(env2, sandbox);
      // The module's identifiers by key (update-module.ts), from the outputs.
      const value = (key: string) => out[`${outputPrefix}_${module.outputs.find((o) => o.key === key)!.suffix}`].value;
      const client = (field: 'clientId' | 'clientSecret') => value(module.outputs.find((o) => o.oauthClientField === field)!.key);
      await proveWorkZone(emulators.info, client('clientId'), client('clientSecret'));
      console.log(`      WorkZone issued a token to "${client('clientId')}" with its client secret.`);
      const scope = module.outputs.some((o) => o.key === 'kmdLogicScope') ? value('kmdLogicScope') : KMDLOGIC_SCOPE;
      await proveKmdLogic(emulators.info, value('kmdLogicClientId'), value('kmdLogicClientSecret'), scope);
      console.log('      KMD Logic issued a token with the Logic client credentials.');
      console.log(`      The ${module.name}'s service: ${healthRead(sandbox)}`);
      return out;
    });

    await step(STEPS, 'Stop the emulators (data stays in .sandbox/data)', () => emulators.stop());
    const flag = module.id === 'cpr' ? '' : ` -- --module ${module.id}`;
    console.log(`\nThe ${module.name} settings (WorkZone > ${module.id.toUpperCase()} update):\n`);
    console.log(formatIdentifiers(outputs, false, sandbox));
    console.log(`\nReveal the secrets with \`npm run sandbox:reveal${flag}\`; tear the sandbox down with \`npm run sandbox:destroy\`.`);
  } finally {
    await emulators.stop();
  }
}

main().catch((error: unknown) => {
  const hint = error instanceof StepError ? error.hint : 'See the messages above.';
  console.error(`\nnpm start failed: ${(error as Error).message}\n${hint}`);
  process.exitCode = 1;
});
