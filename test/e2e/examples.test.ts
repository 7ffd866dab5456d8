/**
 * Every example in examples/ (the HCL the reference docs embed) runs as written, with real terraform and
 * no CDKTF, against the WorkZone and KMD Logic emulators: init, validate, apply. For resources, also the
 * documented import command (after `terraform state rm`), a no-change plan and destroy. Values come from
 * TF_VAR_* and the providers' environment variables, as a user would pass them.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startKmdLogicEmulator, type KmdLogicEmulator } from '../../lib/emulators/kmdlogic';
import { startWorkZoneEmulator, type WorkZoneEmulator } from '../../lib/emulators/workzone';
import { kmdlogicSchema } from '../../lib/schemas/kmdlogic';
import { workzoneSchema } from '../../lib/schemas/workzone';
import { examplesFor, type Example } from '../../scripts/codegen/examples';
import { repoRoot, terraformHarness, Workdir, type Harness } from './harness';

jest.setTimeout(120_000);

const EXAMPLES = [workzoneSchema, kmdlogicSchema].flatMap(examplesFor);
const CERT = Buffer.from('3003020103a1b2c3d4e5f6', 'hex'); // a DER prefix: all the emulator checks of a .pfx
const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

let wz: WorkZoneEmulator;
let logic: KmdLogicEmulator;
let harness: Harness;
/**
 * The subscription the resource example writes to. Examples run concurrently: the data source examples read
 * the seeded subscription, whose configurations must not change between their apply and their no-change plan.
 */
let writableSubscription: string;

beforeAll(async () => {
  [wz, logic, harness] = await Promise.all([
    startWorkZoneEmulator({ port: 0 }),
    startKmdLogicEmulator({ port: 0 }),
    terraformHarness({ providers: ['workzone', 'kmdlogic'], prefix: 'examples-e2e-' }),
  ]);
  writableSubscription = logic.addSubscription();
});

afterAll(async () => {
  harness?.cleanup();
  await Promise.all([wz?.close(), logic?.close()]);
});

const workzoneEnv = () => ({ WORKZONE_URL: wz.url, WORKZONE_USERNAME: wz.username, WORKZONE_PASSWORD: wz.password });
const logicUrls = () => ({ KMDLOGIC_TOKEN_URL: logic.tokenUrl, KMDLOGIC_API_URL: logic.url });
const logicEnv = () => ({ ...logicUrls(), KMDLOGIC_CLIENT_ID: logic.clientId, KMDLOGIC_CLIENT_SECRET: logic.clientSecret });
const secret = () => randomBytes(18).toString('base64url');

interface Setup {
  /** Provider settings and TF_VAR_* for the example's variables. */
  env(): Record<string, string>;
  /** Files the example expects next to it (never committed), or a probe that makes terraform use a provider block. */
  files?(): Record<string, string | Buffer>;
  /** What the apply must have done, checked on terraform's outputs/state and the emulators. */
  check(w: Workdir): Promise<void>;
  /** Resources: the import id of a resource in state, in the documented format. */
  importId?(values: Record<string, any>): string;
}

/** A provider block alone configures nothing: the probe reads a data source through it. */
const probe = (data: string) => ({ 'probe.tf': `${data}\n\noutput "probe" {\n  value = data.${data.match(/data "(\w+)" "(\w+)"/)!.slice(1).join('.')}.id\n}\n` });

const SETUPS: Record<string, Setup> = {
  'examples/provider/workzone': {
    env: () => ({ TF_VAR_workzone_url: wz.url, TF_VAR_workzone_username: wz.username, TF_VAR_workzone_password: wz.password }),
    files: () => probe('data "workzone_user" "probe" {\n  initials = "CPRBATCHUSER"\n}'),
    check: async (w) => expect((await w.outputs()).probe.value).toBe('1001'),
  },
  'examples/provider/kmdlogic': {
    env: () => ({ ...logicUrls(), TF_VAR_kmd_logic_client_id: logic.clientId, TF_VAR_kmd_logic_client_secret: logic.clientSecret }),
    files: () => probe(`data "kmdlogic_subscription" "probe" {\n  subscription_id = "${logic.subscriptionId}"\n}`),
    check: async (w) => expect((await w.outputs()).probe.value).toBe(logic.subscriptionId),
  },
  'examples/resources/workzone_oauth_client': {
    env: () => ({ ...workzoneEnv(), TF_VAR_cpr_client_secret: secret(), TF_VAR_cpr_client_secret_wo: secret() }),
    check: async (w) => {
      expect((await w.outputs()).cpr_client_id.value).toBe('cpr-update');
      for (const id of ['cpr-update', 'cpr-update-generated', 'cpr-update-wo']) expect(wz.data.getClient(id)).toMatchObject({ User: 'CPRBATCHUSER' });
    },
    importId: (v) => v.client_id,
  },
  'examples/resources/kmdlogic_cpr_configuration': {
    env: () => ({ ...logicEnv(), TF_VAR_subscription_id: writableSubscription, TF_VAR_certificate_password: secret() }),
    files: () => ({ 'distributor.pfx': CERT }),
    check: async (w) => {
      const id = (await w.outputs()).product_id.value;
      expect(logic.data().configurations.find((c) => c.id === id)).toMatchObject({ name: 'WorkZone CPR update', environment: 'Test' });
    },
    importId: (v) => `${v.subscription_id}/${v.id}`,
  },
  'examples/data-sources/workzone_user': {
    env: workzoneEnv,
    check: async (w) => expect((await w.outputs()).cpr_batch_user_name.value).toBe('Captia CPR batch afvikler'),
  },
  'examples/data-sources/workzone_update_service_health': {
    env: workzoneEnv,
    check: async (w) => {
      expect((await w.outputs()).cvr_update_parts.value).toEqual({ self: 'Healthy', OData: 'Healthy', Logic: 'Healthy' });
      expect(wz.data.getUser('CVRBATCHUSER')).toBeDefined();
    },
  },
  'examples/data-sources/kmdlogic_client_credential': {
    env: () => ({ ...logicUrls(), TF_VAR_client_id: logic.clientId, TF_VAR_client_secret: logic.clientSecret, TF_VAR_scope: logic.scope }),
    check: async (w) => expect((await w.outputs()).checked_client_id.value).toBe(logic.clientId),
  },
  'examples/data-sources/kmdlogic_subscription': {
    env: () => ({ ...logicEnv(), TF_VAR_subscription_id: logic.subscriptionId, TF_VAR_product_id: logic.productId }),
    check: async (w) => expect((await w.outputs()).configurations.value).toContainEqual(expect.objectContaining({ id: logic.productId, name: 'CPR update (seeded)' })),
  },
  'examples/data-sources/kmdlogic_cpr_configuration': {
    env: () => ({ ...logicEnv(), TF_VAR_subscription_id: logic.subscriptionId, TF_VAR_product_id: logic.productId }),
    check: async (w) =>
      expect((await w.outputs()).configuration.value).toEqual({ name: 'CPR update (seeded)', environment: 'Test', provider: 'DataDistributor' }),
  },
};

/** The example's own files, as committed. */
function exampleFiles(example: Example): Record<string, string> {
  const dir = join(repoRoot, example.dir);
  return Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
}

/** The `terraform import <address> <id>` lines of an import.sh. */
function importCommands(text: string): { address: string; id: string }[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('terraform import '))
    .map((line) => {
      const args = line.trim().split(/\s+/);
      if (args.length !== 4) throw new Error(`import.sh line is not "terraform import <address> <id>": ${line}`);
      return { address: args[2], id: args[3] };
    });
}

describe('examples/', () => {
  it('has exactly the examples the schemas call for (a setup for each here)', () => {
    const dirs = ['provider', 'resources', 'data-sources'].flatMap((kind) => readdirSync(join(repoRoot, 'examples', kind)).map((d) => `examples/${kind}/${d}`));
    expect(dirs.sort()).toEqual(EXAMPLES.map((e) => e.dir).sort());
    expect(Object.keys(SETUPS).sort()).toEqual(EXAMPLES.map((e) => e.dir).sort());
  });

  it.concurrent.each(EXAMPLES.map((e) => [e.dir, e] as const))('%s runs as written: init, validate, apply, (resources) import, no-change plan, destroy', async (_dir, example) => {
    const setup = SETUPS[example.dir];
    const w = harness.workdir({}, setup.env());
    w.write(exampleFiles(example));
    for (const [name, content] of Object.entries(setup.files?.() ?? {})) writeFileSync(join(w.dir, name), content);
    await w.init();
    const validated = JSON.parse((await w.tf(['validate', '-json', '-no-color'])).stdout);
    expect(validated.diagnostics).toEqual([]);
    expect(validated.valid).toBe(true);
    await w.apply();
    await setup.check(w);
    expect((await w.plan()).code).toBe(0);

    if (example.kind === 'resource') {
      const commands = importCommands(exampleFiles(example)[example.importFile!]);
      expect(commands.length).toBeGreaterThanOrEqual(1);
      for (const { address, id: documented } of commands) {
        const before = (await w.state()).get(address);
        expect(before).toBeDefined(); // the documented address is a resource of the example
        // The documented id with its GUIDs replaced by the emulator's (other ids are used verbatim).
        const id = setup.importId!(before!);
        expect(id.replace(GUID, '<guid>')).toBe(documented.replace(GUID, '<guid>'));
        await w.ok(['state', 'rm', address]);
        await w.ok(['import', '-no-color', address, id]);
        expect((await w.state()).get(address)!.id).toBe(before!.id);
        // As import.sh says: the secret or certificate cannot be read back, so one in-place update follows.
        const { actions } = await w.plan();
        expect(Object.fromEntries(actions)).toEqual(Object.fromEntries([...actions.keys()].map((a) => [a, a === address ? ['update'] : ['no-op']])));
        await w.ok(['apply', '-input=false', '-no-color', 'tfplan']);
        expect((await w.state()).get(address)!.id).toBe(before!.id);
        expect((await w.plan()).code).toBe(0);
      }
    }

    await w.ok(['destroy', '-auto-approve', '-input=false', '-no-color']);
    expect((await w.state()).size).toBe(0);
  });
});
