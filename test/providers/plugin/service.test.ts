import { decode } from '@msgpack/msgpack';
import { ProviderService } from '../../../lib/providers/plugin/provider-service';
import { HclogLogger } from '../../../lib/providers/plugin/log';
import { encodeDynamic, blockType } from '../../../lib/providers/plugin/values';
import type { ProviderDefinition } from '../../../lib/providers/plugin/types';
import { fixtureProvider, fixtureSchema } from './fixture/definition';

const block = fixtureSchema.resources.fixture_file;
const lines: string[] = [];
const log = new HclogLogger('provider.test', 'trace', undefined, {}, (l) => lines.push(l));

function service(definition: ProviderDefinition<any> = fixtureProvider) {
  return new ProviderService(definition, log, {}).handlers();
}

describe('ProviderService', () => {
  it('upgrades version-0 state by schema version and drops unknown keys', async () => {
    const raw = { id: 'a', path: 'a', text: 'old content', label: 'plain', removed_attr: 1, generation: 1 };
    const res: any = await service().UpgradeResourceState!({ type_name: 'fixture_file', version: 0, raw_state: { json: Buffer.from(JSON.stringify(raw)) } });
    expect(res.diagnostics).toEqual([]);
    expect(decode(res.upgraded_state.msgpack)).toEqual({
      id: 'a', path: 'a', content: 'old content', label: 'plain', secret: null, token_wo: null, tags: null, generation: 1,
    });
    const newer: any = await service().UpgradeResourceState!({ type_name: 'fixture_file', version: 5, raw_state: { json: Buffer.from('{}') } });
    expect(newer.diagnostics[0].summary).toBe('State written by a newer provider');
  });

  it('answers delete with msgpack nil and turns plain errors into message-only diagnostics', async () => {
    const failing: ProviderDefinition<null> = {
      ...fixtureProvider,
      configure: async () => null,
      resources: {
        fixture_file: {
          ...fixtureProvider.resources.fixture_file!,
          delete: async () => undefined,
          create: async () => {
            throw new Error('disk full');
          },
        },
      },
    } as unknown as ProviderDefinition<null>;
    const h = service(failing);
    await h.ConfigureProvider!({ config: encodeDynamic({ root: '/x', indent: null, api_key: null }, blockType(fixtureSchema.provider)) });
    const prior = { id: 'a', path: 'a', content: 'c', label: 'plain', secret: null, token_wo: null, tags: null, generation: 1 };
    const del: any = await h.ApplyResourceChange!({ type_name: 'fixture_file', prior_state: encodeDynamic(prior, blockType(block)), planned_state: encodeDynamic(null, blockType(block)) });
    expect(Buffer.from(del.new_state.msgpack).toString('hex')).toBe('c0');
    const create: any = await h.ApplyResourceChange!({ type_name: 'fixture_file', planned_state: encodeDynamic(prior, blockType(block)), config: encodeDynamic(prior, blockType(block)) });
    expect(create.diagnostics).toEqual([{ severity: 1, summary: 'ApplyResourceChange failed', detail: 'disk full' }]);
    expect(Buffer.from(create.new_state.msgpack).toString('hex')).toBe('c0'); // nothing was created
  });

  it('refuses unknown resource types and operations before configure', async () => {
    const h = service();
    const unknownType: any = await h.ValidateResourceConfig!({ type_name: 'fixture_nope', config: { msgpack: Buffer.from('80', 'hex') } });
    expect(unknownType.diagnostics[0].summary).toBe('Unknown resource type fixture_nope');
    const read: any = await h.ReadDataSource!({ type_name: 'fixture_read', config: encodeDynamic({ path: 'p' }, blockType(fixtureSchema.dataSources.fixture_read)) });
    expect(read.diagnostics[0].summary).toBe('Provider not configured');
  });

  const fileConfig = (values: Record<string, unknown>) =>
    encodeDynamic({ id: null, path: 'a.json', content: 'c', label: null, secret: null, token_wo: null, tags: null, generation: null, ...values } as any, blockType(block));

  it('refuses write-only values unless terraform allows write-only attributes (client_capabilities)', async () => {
    const h = service();
    const refused: any = await h.ValidateResourceConfig({ type_name: 'fixture_file', config: fileConfig({ token_wo: 'tok-secret-1' }) });
    expect(refused.diagnostics).toEqual([
      {
        severity: 1,
        summary: 'WriteOnly Attribute Not Allowed',
        detail: 'The resource contains a non-null value for write-only attribute token_wo. Write-only attributes are only supported in Terraform 1.11 and later: upgrade terraform, or leave token_wo unset.',
        attribute: { steps: [{ attribute_name: 'token_wo' }] },
      },
    ]);
    const allowed: any = await h.ValidateResourceConfig({
      type_name: 'fixture_file',
      config: fileConfig({ token_wo: 'tok-secret-1' }),
      client_capabilities: { write_only_attributes_allowed: true },
    });
    expect(allowed.diagnostics).toEqual([]);
    expect((await h.ValidateResourceConfig({ type_name: 'fixture_file', config: fileConfig({}) })).diagnostics).toEqual([]);
  });

  it('shows a long bad value cut to a readable length, saying how long it was', async () => {
    const long = 'a b' + 'x'.repeat(5 * 1024 * 1024);
    const res: any = await service().ValidateResourceConfig({ type_name: 'fixture_file', config: fileConfig({ path: long }) });
    expect(res.diagnostics).toHaveLength(1);
    expect(res.diagnostics[0].detail).toBe(`Got "a b${'x'.repeat(97)}…" (${long.length} characters).`);
    // The same from the environment (provider settings).
    const fromEnv = new ProviderService(fixtureProvider, log, { FIXTURE_ROOT: ' '.repeat(3_000_000) }).handlers();
    const configured: any = await fromEnv.ConfigureProvider({ config: encodeDynamic({ root: null, indent: null, api_key: null }, blockType(fixtureSchema.provider)) });
    expect(configured.diagnostics[0].detail).toBe(`Got "${' '.repeat(100)}…" (3000000 characters) (from FIXTURE_ROOT).`);
  });

  it('aborts ctx.signal on StopProvider', async () => {
    let seen: AbortSignal | undefined;
    const h = service({ ...fixtureProvider, configure: async (_c, ctx) => ((seen = ctx.signal), { root: '/', indent: 2 }) });
    await h.ConfigureProvider!({ config: encodeDynamic({ root: '/x', indent: null, api_key: null }, blockType(fixtureSchema.provider)) });
    expect(seen!.aborted).toBe(false);
    await h.StopProvider!({});
    expect(seen!.aborted).toBe(true);
  });
});
