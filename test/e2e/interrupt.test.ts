/**
 * terraform interrupted mid-apply of 20 workzone_oauth_client resources (the emulator answers slowly, so
 * creates are in flight), then run again:
 * - SIGKILL: terraform dies without recording what it created. Clients with a supplied secret are adopted
 *   on the next apply (they carry the configured secret), so it converges with no orphan and no duplicate.
 *   A client whose secret WorkZone generated cannot be proven ours: the error names `terraform import`.
 * - Ctrl-C (SIGINT to terraform's process group, as a terminal sends it): terraform stops the provider,
 *   in-flight creates finish and are recorded in state, terraform exits non-zero; a re-run converges.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startWorkZoneEmulator, type WorkZoneEmulator } from '../../lib/emulators/workzone';
import { terraformHarness, Workdir, type Harness } from './harness';
import { clientsHcl, emulatorClients, expectEmulatorEqualsState, startTerraform, stateClients, waitFor, waitUntilStable } from './many-clients';

jest.setTimeout(240_000);

const COUNT = 20;
const SECRET = `intr-${randomBytes(12).toString('base64url')}`;
const APPLY = ['apply', '-auto-approve', '-input=false', '-no-color'];

let wz: WorkZoneEmulator;
let harness: Harness;

beforeAll(async () => {
  wz = await startWorkZoneEmulator({ port: 0 });
  harness = await terraformHarness({ providers: ['workzone'], prefix: 'interrupt-' });
});

afterAll(async () => {
  harness?.cleanup();
  await wz?.close();
});

async function workdir(prefix: string, options: { generated?: boolean; count?: number } = {}): Promise<Workdir> {
  const w = harness.workdir(
    { 'main.tf': clientsHcl(prefix, options.count ?? COUNT, { generated: options.generated }) },
    { WORKZONE_URL: wz.url, WORKZONE_USERNAME: wz.username, WORKZONE_PASSWORD: wz.password, TF_VAR_secret: SECRET },
  );
  await w.init();
  return w;
}

/**
 * Starts an apply with slow answers and waits until `created` clients exist in WorkZone (creates are in
 * flight). `late`: WorkZone creates at once and answers a second later, so every create that landed is
 * one terraform has not heard of yet, however slow this machine is; else it waits before handling.
 */
async function applyInFlight(w: Workdir, prefix: string, created: number, late = false) {
  wz.faults.set(late ? { answerDelayMs: 1000 } : { latencyMs: 300 });
  const run = startTerraform(w, APPLY);
  await waitFor(`${created} clients created`, () => emulatorClients(wz, prefix).length >= created);
  return run;
}

describe('SIGKILL mid-apply', () => {
  it('the next apply adopts what the killed one created: no orphan, no duplicate', async () => {
    const prefix = 'killed';
    const w = await workdir(prefix);
    const run = await applyInFlight(w, prefix, 3, true);
    process.kill(run.child.pid!, 'SIGKILL');
    const killed = await run.done;
    expect(killed.signal).toBe('SIGKILL');
    // The provider notices its parent is gone and exits; wait until no more creates land.
    const orphaned = await waitUntilStable(() => emulatorClients(wz, prefix), 1500);
    wz.faults.reset();
    const recorded = existsSync(join(w.dir, 'terraform.tfstate')) ? await stateClients(w) : new Map();
    const lockLeft = existsSync(join(w.dir, '.terraform.tfstate.lock.info'));
    console.log(`SIGKILL: ${orphaned.length} clients in WorkZone, ${recorded.size} in state; lock info file left: ${lockLeft}`);
    // The scenario happened: terraform died with clients in WorkZone that its state does not have.
    expect(orphaned.length).toBeGreaterThan(recorded.size);

    // The local backend's lock is an OS file lock, released with the process: no force-unlock needed.
    const again = await w.tf([...APPLY.filter((a) => a !== '-no-color'), '-json']);
    expect(again.code).toBe(0);
    const adopted = Workdir.diagnostics(again.stdout).filter((d) => d.severity === 'warning' && /^Adopted the existing OAuth client/.test(d.summary));
    expect(adopted).toHaveLength(orphaned.length - recorded.size);
    expect((await w.plan()).code).toBe(0);
    await expectEmulatorEqualsState(w, wz, prefix, COUNT, SECRET);
  });

  it('a client with a WorkZone-generated secret is not adopted: the error names terraform import, which then works', async () => {
    const prefix = 'killed-generated';
    const w = await workdir(prefix, { generated: true, count: 1 });
    // What a killed apply leaves behind: the client in WorkZone, its generated secret seen only by the dead apply.
    wz.data.createClient({
      ClientId: `${prefix}-00`,
      ClientName: 'Fault test 0',
      Enabled: true,
      AllowAccessTokensViaBrowser: false,
      AllowOfflineAccess: false,
      RequirePkce: false,
      GrantType: 'CLNTCRED',
      User: 'CPRBATCHUSER',
      ClientSecret: randomBytes(32).toString('base64url'),
    });
    const failed = await w.tf([...APPLY.filter((a) => a !== '-no-color'), '-json']);
    expect(failed.code).not.toBe(0);
    const errors = Workdir.diagnostics(failed.stdout).filter((d) => d.severity === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0].summary).toBe(`OAuth client "${prefix}-00" already exists in WorkZone`);
    expect(errors[0].detail).toContain(`terraform import <resource address> ${prefix}-00`);
    expect(errors[0].detail).toContain('WorkZone generated its secret');

    await w.ok(['import', '-input=false', '-no-color', 'workzone_oauth_client.c[0]', `${prefix}-00`]);
    await w.apply(); // sets a new generated secret, as the import warning says
    expect((await w.plan()).code).toBe(0);
    await expectEmulatorEqualsState(w, wz, prefix, 1);
  });
});

describe('Ctrl-C mid-apply', () => {
  it('in-flight creates finish and are recorded; terraform exits non-zero; a re-run converges', async () => {
    const prefix = 'interrupted';
    const w = await workdir(prefix);
    const run = await applyInFlight(w, prefix, 3);
    process.kill(-run.child.pid!, 'SIGINT');
    const interrupted = await run.done;
    wz.faults.reset();
    const inWorkZone = emulatorClients(wz, prefix);
    const recorded = await stateClients(w);
    console.log(`SIGINT: terraform exit ${interrupted.code}; ${inWorkZone.length} clients in WorkZone, ${recorded.size} in state`);

    expect(interrupted.code).not.toBe(0);
    expect(interrupted.stdout + interrupted.stderr).toMatch(/Interrupt received/);
    expect(inWorkZone.length).toBeLessThan(COUNT); // it did stop early
    expect([...recorded.keys()].sort()).toEqual(inWorkZone); // and lost nothing

    await w.apply();
    expect((await w.plan()).code).toBe(0);
    await expectEmulatorEqualsState(w, wz, prefix, COUNT, SECRET);
  });
});
