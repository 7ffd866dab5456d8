/**
 * Real terraform applies and destroys 20 workzone_oauth_client resources while the WorkZone emulator
 * injects errors (a mix of 503, 429 and 500), latency and dropped connections. The provider must converge:
 * one apply succeeds (no re-runs), a plan under faults and the next plan without faults show no changes, and WorkZone holds exactly the state's clients, with no duplicates. The faults
 * injected are counted from the emulator, and asserted to have happened.
 */
import { randomBytes } from 'node:crypto';
import { startWorkZoneEmulator, type WorkZoneEmulator } from '../../lib/emulators/workzone';
import { terraformHarness, type Harness, type Workdir } from './harness';
import { clientsHcl, emulatorClients, expectEmulatorEqualsState } from './many-clients';

jest.setTimeout(240_000);

const COUNT = 20;
const PREFIX = 'faulty';
const SECRET = `fault-${randomBytes(12).toString('base64url')}`;
/** ~30% errors of mixed statuses, 10% dropped connections, some latency. */
const FAULTS = { errorRate: 0.3, errorStatuses: [503, 429, 500], dropRate: 0.1, latencyMs: 40 };

let wz: WorkZoneEmulator;
let harness: Harness;
let w: Workdir;

beforeAll(async () => {
  wz = await startWorkZoneEmulator({ port: 0 });
  harness = await terraformHarness({ providers: ['workzone'], prefix: 'faults-' });
  w = harness.workdir(
    { 'main.tf': clientsHcl(PREFIX, COUNT) },
    { WORKZONE_URL: wz.url, WORKZONE_USERNAME: wz.username, WORKZONE_PASSWORD: wz.password, TF_VAR_secret: SECRET },
  );
  await w.init();
});

afterAll(async () => {
  harness?.cleanup();
  await wz?.close();
});

/** The emulator's fault figures since the last reset, added to the file's totals. */
const totals = { requests: 0, errors: 0, drops: 0, errorsByStatus: {} as Record<string, number> };
function figures() {
  const { counters, errorsByStatus } = wz.faults.snapshot();
  totals.requests += counters.requests;
  totals.errors += counters.errors;
  totals.drops += counters.drops;
  for (const [status, n] of Object.entries(errorsByStatus)) totals.errorsByStatus[status] = (totals.errorsByStatus[status] ?? 0) + n;
  return { ...counters, errorsByStatus };
}

describe(`${COUNT} OAuth clients under ~30% errors, 10% drops and latency`, () => {
  it('apply converges; without faults the plan is empty and WorkZone equals the state', async () => {
    wz.faults.resetCounters();
    wz.faults.set(FAULTS);
    // One apply, not re-runs: the provider itself must ride out the faults.
    const run = await w.tf(['apply', '-auto-approve', '-input=false', '-no-color']);
    const injected = figures();
    wz.faults.reset();
    console.log(`faults during apply: ${JSON.stringify(injected)}`);

    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(injected.errors + injected.drops).toBeGreaterThan(0);

    const plan = await w.plan();
    expect(plan.code).toBe(0);
    await expectEmulatorEqualsState(w, wz, PREFIX, COUNT, SECRET);
  });

  it('a plan under faults (20 reads) still shows no changes', async () => {
    wz.faults.resetCounters();
    wz.faults.set(FAULTS);
    const plan = await w.plan();
    const injected = figures();
    wz.faults.reset();
    console.log(`faults during plan: ${JSON.stringify(injected)}`);
    expect(injected.errors + injected.drops).toBeGreaterThan(0);
    expect(plan.code).toBe(0);
  });

  it('destroy converges: no client left in WorkZone or in state', async () => {
    wz.faults.resetCounters();
    wz.faults.set(FAULTS);
    const run = await w.tf(['destroy', '-auto-approve', '-input=false', '-no-color']);
    const injected = figures();
    wz.faults.reset();
    console.log(`faults during destroy: ${JSON.stringify(injected)}`);

    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(injected.errors + injected.drops).toBeGreaterThan(0);
    expect(emulatorClients(wz, PREFIX)).toEqual([]);
    expect((await w.state()).size).toBe(0);
  });

  it('every kind of fault was injected (and survived)', () => {
    console.log(`faults in total: ${JSON.stringify(totals)}`);
    expect(totals.drops).toBeGreaterThan(0);
    for (const status of FAULTS.errorStatuses) expect(totals.errorsByStatus[status]).toBeGreaterThan(0);
  });
});
