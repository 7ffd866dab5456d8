/**
 * One WorkZone client has one owner, through real terraform and plain HCL: two `workzone_oauth_client`
 * resources with one client_id (WorkZone-generated secrets, or supplied secrets of equal value) fail the
 * plan before anything is created; so does adding a second resource for a client already in state, and
 * renaming a resource without a `moved` block. A single resource replaced with -replace is still one owner,
 * and an import into a second resource is refused by the next plan, before two owners can act.
 */
import { randomBytes } from 'node:crypto';
import { startWorkZoneEmulator, type WorkZoneEmulator } from '../../lib/emulators/workzone';
import { hashClientSecret } from '../../lib/providers/workzone/client';
import { SOURCE } from './many-clients';
import { terraformHarness, Workdir, type Harness } from './harness';

jest.setTimeout(240_000);

const SECRET = `owner-${randomBytes(12).toString('base64url')}`;
const TWO_OWNERS = (id: string) => `OAuth client "${id}" would have two owners`;

let wz: WorkZoneEmulator;
let harness: Harness;

beforeAll(async () => {
  wz = await startWorkZoneEmulator({ port: 0 });
  harness = await terraformHarness({ providers: ['workzone'], prefix: 'single-owner-' });
});

afterAll(async () => {
  harness?.cleanup();
  await wz?.close();
});

/** A configuration of `workzone_oauth_client` resources: name → client_id, all with the same secret mode. */
function hcl(resources: Record<string, string>, secret: 'generated' | 'supplied'): string {
  return [
    `terraform {\n  required_providers {\n    workzone = { source = "${SOURCE}", version = "0.1.0" }\n  }\n}`,
    'provider "workzone" {}',
    'variable "secret" {\n  type      = string\n  sensitive = true\n}',
    ...Object.entries(resources).map(
      ([name, id]) => `resource "workzone_oauth_client" "${name}" {\n  client_id = "${id}"\n${secret === 'supplied' ? '  client_secret = var.secret\n' : ''}}`,
    ),
  ].join('\n\n');
}

async function workdir(resources: Record<string, string>, secret: 'generated' | 'supplied'): Promise<Workdir> {
  const w = harness.workdir({ 'main.tf': hcl(resources, secret) }, { WORKZONE_URL: wz.url, WORKZONE_USERNAME: wz.username, WORKZONE_PASSWORD: wz.password, TF_VAR_secret: SECRET });
  await w.init();
  return w;
}

/** `terraform <args> -json`: exit code and error diagnostics. */
async function run(w: Workdir, args: string[]) {
  const r = await w.tf([...args, '-input=false', '-json']);
  return { code: r.code, errors: Workdir.diagnostics(r.stdout).filter((d) => d.severity === 'error') as { summary: string; detail: string; address?: string }[] };
}

const APPLY = ['apply', '-auto-approve'];

describe.each(['generated', 'supplied'] as const)('two resources with one client_id (%s secrets)', (secret) => {
  it('fail the plan, naming client_id and never advising import; nothing is created', async () => {
    const id = `twins-${secret}`;
    const w = await workdir({ a: id, b: id }, secret);
    const { code, errors } = await run(w, APPLY);
    expect(code).not.toBe(0);
    expect(errors).toEqual([expect.objectContaining({ summary: TWO_OWNERS(id) })]);
    expect(errors[0].detail).toContain(`also creates client_id "${id}"`);
    expect(errors[0].detail).not.toContain('terraform import');
    expect(wz.data.getClient(id)).toBeUndefined();
  });

  it('a second resource for a client already in state fails the plan; the first keeps its client', async () => {
    const id = `added-${secret}`;
    const w = await workdir({ a: id }, secret);
    await w.apply();
    const before = wz.data.getClient(id);
    w.write({ 'main.tf': hcl({ a: id, b: id }, secret) });
    const { code, errors } = await run(w, APPLY);
    expect(code).not.toBe(0);
    expect(errors.map((e) => e.summary)).toEqual([TWO_OWNERS(id)]);
    expect(wz.data.getClient(id)).toEqual(before);
    expect([...(await w.state()).keys()]).toEqual(['workzone_oauth_client.a']);
  });
});

it('a rename without a moved block fails the plan (the old one would delete the new one\'s client); with one, it moves', async () => {
  const id = 'renamed';
  const w = await workdir({ old: id }, 'supplied');
  await w.apply();
  w.write({ 'main.tf': hcl({ new: id }, 'supplied') });
  const { code, errors } = await run(w, APPLY);
  expect(code).not.toBe(0);
  expect(errors.map((e) => e.summary)).toEqual([TWO_OWNERS(id)]);
  expect(errors[0].detail).toContain('`moved` block');
  expect(wz.data.getClient(id)?.ClientSecretHash).toBe(hashClientSecret(SECRET));

  w.write({ 'main.tf': `${hcl({ new: id }, 'supplied')}\n\nmoved {\n  from = workzone_oauth_client.old\n  to   = workzone_oauth_client.new\n}\n` });
  await w.apply();
  expect([...(await w.state()).keys()]).toEqual(['workzone_oauth_client.new']);
  expect((await w.plan()).code).toBe(0);
});

it('one resource replaced with -replace stays one owner', async () => {
  const id = 'replaced';
  const w = await workdir({ a: id }, 'generated');
  await w.apply();
  const before = (await w.state()).get('workzone_oauth_client.a')!.client_secret;
  await w.apply(['-replace=workzone_oauth_client.a']);
  const after = (await w.state()).get('workzone_oauth_client.a')!.client_secret;
  expect(after).not.toBe(before);
  expect(wz.data.getClient(id)?.ClientSecretHash).toBe(hashClientSecret(after));
});

it('an import into a second resource is refused by the next plan, before two owners can act', async () => {
  const id = 'imported-twice';
  const w = await workdir({ a: id }, 'supplied');
  await w.apply();
  w.write({ 'main.tf': hcl({ a: id, b: id }, 'supplied') });
  // `terraform import` shows the provider only the object it imports: it cannot tell.
  await w.ok(['import', '-input=false', '-no-color', 'workzone_oauth_client.b', id]);
  const { code, errors } = await run(w, ['plan']);
  expect(code).not.toBe(0);
  expect(errors.map((e) => e.summary)).toEqual([TWO_OWNERS(id)]);
  expect(errors[0].detail).toContain('terraform state rm');
  // Following the advice converges: drop one from state and from the configuration.
  await w.ok(['state', 'rm', 'workzone_oauth_client.b']);
  w.write({ 'main.tf': hcl({ a: id }, 'supplied') });
  expect((await w.plan()).code).toBe(0);
});
