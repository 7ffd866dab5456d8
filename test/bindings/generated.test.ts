import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { bindingClassName, generateBindings } from '../../scripts/codegen/bindings';
import { familyTable } from '../../scripts/codegen/family';
import { generatedFiles, REGION_PAGES, staleGeneratedFiles } from '../../scripts/codegen/files';
import { withRegion } from '../../scripts/codegen/regions';
import { CPR_UPDATE_MODULE, CVR_UPDATE_MODULE } from '../../lib/constructs/update-module';
import * as kmdlogic from '../../lib/bindings/kmdlogic';
import * as workzone from '../../lib/bindings/workzone';
import { DataWorkzoneUser, OauthClient, WorkzoneProvider } from '../../lib/bindings/workzone';
import { kmdlogicSchema } from '../../lib/schemas/kmdlogic';
import { workzoneSchema } from '../../lib/schemas/workzone';
import type { BlockSchema } from '../../lib/schemas/types';

const root = join(__dirname, '..', '..');

describe('generated files', () => {
  test.each(generatedFiles().map((f) => [f.path, f.text]))('%s is up to date with the schemas (run `npm run generate`)', (path, text) => {
    expect(readFileSync(join(root, path), 'utf8')).toBe(text);
  });

  test('no stale file is left in the generated directories such as docs/reference (run `npm run generate`)', () => {
    expect(staleGeneratedFiles(generatedFiles())).toEqual([]);
  });

  test('a file in docs/reference that is no longer generated is stale; a missing example fails the generator', () => {
    const copy = mkdtempSync(join(tmpdir(), 'codegen-'));
    try {
      cpSync(join(root, 'examples'), join(copy, 'examples'), { recursive: true });
      for (const page of REGION_PAGES) cpSync(join(root, page), join(copy, page));
      const files = generatedFiles(copy);
      for (const f of files.filter((f) => f.path.startsWith('docs/'))) {
        mkdirSync(dirname(join(copy, f.path)), { recursive: true });
        writeFileSync(join(copy, f.path), f.text);
      }
      expect(staleGeneratedFiles(files, copy)).toEqual([]);
      writeFileSync(join(copy, 'docs/reference/workzone.md'), 'the old single-file reference');
      writeFileSync(join(copy, 'docs/reference/kmdlogic/resources/removed.md'), 'a removed resource');
      expect(staleGeneratedFiles(files, copy)).toEqual(['docs/reference/kmdlogic/resources/removed.md', 'docs/reference/workzone.md']);
      rmSync(join(copy, 'examples/data-sources/kmdlogic_cpr_configuration/data-source.tf'));
      expect(() => generatedFiles(copy)).toThrow('Missing example examples/data-sources/kmdlogic_cpr_configuration/data-source.tf for data-source kmdlogic_cpr_configuration');
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

describe('the family table', () => {
  test("comes from the modules' data: each identifier's label, the user, the versions", () => {
    const table = familyTable({ CprUpdateSetup: CPR_UPDATE_MODULE, CvrUpdateSetup: CVR_UPDATE_MODULE });
    const rows = table.trim().split('\n').slice(2);
    expect(rows).toHaveLength(4);
    expect(rows[0]).toBe(
      '| CPR update | `CprUpdateSetup` | up to 2024.2 | 6: KMD Logic Client ID, Client Secret, Subscription ID, Product ID; "Contact update - CPR" Client ID, Client Secret | `CPRBATCHUSER` ("Captia CPR batch afvikler") |',
    );
    expect(rows[3]).toBe('| | `CvrUpdateSetup`, `kmdLogic: false` | 2024.3 and later | 2: "Contact update - CVR" Client ID, Client Secret | the same |');
    // A label that does not follow its group's prefix is shown whole.
    const odd = { ...CVR_UPDATE_MODULE, outputs: CVR_UPDATE_MODULE.outputs.map((o) => (o.key === 'kmdLogicScope' ? { ...o, label: 'Logic scope' } : o)) };
    expect(familyTable({ CvrUpdateSetup: odd })).toContain('7: KMD Logic Client ID, KMD Logic Client Secret, KMD Logic Subscription ID, Logic scope, KMD Logic CVR Configuration ID;');
  });

  test('replaces the region of a hand-written page only; a page without the markers is an error that says where', () => {
    const page = 'intro\n<!-- family-table -->\nold\n<!-- /family-table -->\n\nrest\n';
    expect(withRegion(page, 'README.md', 'family-table', 'new\n')).toBe('intro\n<!-- family-table -->\nnew\n<!-- /family-table -->\n\nrest\n');
    expect(() => withRegion('no markers', 'README.md', 'family-table', 'x')).toThrow('README.md has no region <!-- family-table --> ... <!-- /family-table -->');
    // An opening marker may say where the text comes from; a longer name is another region.
    const sourced = '<!-- assumptions:kmdlogic (generated from x) -->\nold\n<!-- /assumptions:kmdlogic -->';
    expect(withRegion(sourced, 'x.md', 'assumptions:kmdlogic', 'new\n')).toBe('<!-- assumptions:kmdlogic (generated from x) -->\nnew\n<!-- /assumptions:kmdlogic -->');
    expect(() => withRegion('<!-- family-tables -->\n<!-- /family-table -->', 'x.md', 'family-table', '')).toThrow('x.md has no region');
  });
});

describe('bindings follow the schema', () => {
  test('every settable attribute synthesizes under its schema name; computed ones are references', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const provider = new WorkzoneProvider(stack, 'wz', {
      url: 'https://wz.example.dk',
      username: 'admin',
      password: 'pw',
      odataPath: '/odata',
      oauthClientsPath: 'OAuthClients',
      usersPath: 'Users',
      tokenUrl: 'https://wz.example.dk/connect/token',
      caFile: '/ca.pem',
      insecureSkipVerify: false,
      requestTimeoutSeconds: 5,
      retryMaxSeconds: 10,
    });
    const client = new OauthClient(stack, 'c', {
      provider,
      clientId: 'a',
      clientName: 'n',
      enabled: true,
      allowAccessTokenViaBrowser: false,
      allowOfflineAccess: false,
      requirePkce: false,
      grantType: 'CLNTCRED',
      user: 'U',
      clientSecret: 's',
      clientSecretWo: 'w',
      clientSecretWoVersion: 1,
    });
    new DataWorkzoneUser(stack, 'u', { initials: 'U' });
    new TerraformOutput(stack, 'secret', { value: client.clientSecret, sensitive: true });
    const json = JSON.parse(Testing.synth(stack));
    const settable = (block: BlockSchema) =>
      Object.entries(block.attributes)
        .filter(([, a]) => a.required || a.optional)
        .map(([n]) => n)
        .sort();
    expect(Object.keys(json.provider.workzone[0]).sort()).toEqual(settable(workzoneSchema.provider));
    const resource = json.resource.workzone_oauth_client.c;
    expect(Object.keys(resource).filter((k) => k !== 'provider' && k !== '//').sort()).toEqual(settable(workzoneSchema.resources.workzone_oauth_client));
    expect(client.id).toMatch(/TfToken/);
    expect(json.output.secret.value).toBe('${workzone_oauth_client.c.client_secret}');
    expect((client as any).clientSecretWo).toBeUndefined();
  });
});

describe('binding class names', () => {
  /**
   * The class and config names cdktf's own generator (what `cdktf get` runs, from cdktf-cli's dependencies)
   * gives each type. Run in a child process: loading it starts `terraform version`, which gets an empty CLI
   * config there, as every terraform call of the project does.
   */
  const cdktfGetNames = (fqpn: string, types: readonly [type: string, kind: string][]): { className: string; config: string }[] => {
    const dir = mkdtempSync(join(tmpdir(), 'cdktf-get-'));
    try {
      writeFileSync(join(dir, 'terraform.rc'), '');
      const script = `
        const { ResourceParser } = require('@cdktf/provider-generator/lib/get/generator/resource-parser');
        const parser = new ResourceParser();
        const names = ${JSON.stringify(types)}.map(([type, kind]) => parser.parse(${JSON.stringify(fqpn)}, type, { block: { attributes: {} } }, kind));
        console.log(JSON.stringify(names.map((r) => ({ className: r.className, config: r.configStruct.name }))));`;
      const out = execFileSync(process.execPath, ['-e', script], {
        cwd: root,
        env: { ...process.env, TF_CLI_CONFIG_FILE: join(dir, 'terraform.rc'), CHECKPOINT_DISABLE: '1' },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      return JSON.parse(out.trim().split('\n').pop()!);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  test.each([
    ['workzone', workzoneSchema, workzone],
    ['kmdlogic', kmdlogicSchema, kmdlogic],
  ] as const)('%s: the names `cdktf get` would give, as in every prebuilt @cdktf/provider-* package', (_, schema, bindings) => {
    const expected = cdktfGetNames(schema.source, [
      ['provider', 'provider'],
      ...Object.keys(schema.resources).map((type): [string, string] => [type, 'resource']),
      ...Object.keys(schema.dataSources).map((type): [string, string] => [`data_${type}`, 'data_source']),
    ]);
    const text = generateBindings(schema, 'x');
    for (const { config } of expected) expect(text).toContain(`export interface ${config} `);
    const classes = Object.entries(bindings)
      .filter(([name, value]) => typeof value === 'function' && !text.includes(`export const ${name} =`))
      .map(([name]) => name);
    expect(classes.sort()).toEqual(expected.map((e) => e.className).sort());
  });

  test('a resource class is named without the provider prefix; the old prefixed name is a deprecated alias of it', () => {
    expect(bindingClassName('resource', 'workzone', 'workzone_oauth_client')).toBe('OauthClient');
    expect(bindingClassName('data', 'workzone', 'workzone_user')).toBe('DataWorkzoneUser');
    expect(bindingClassName('provider', 'kmdlogic', 'kmdlogic')).toBe('KmdlogicProvider');
    const text = generateBindings(workzoneSchema, 'lib/schemas/workzone.ts');
    expect(text).toMatch(/@deprecated Renamed to \{@link OauthClient\}[^\n]*\n \*\/\nexport const WorkzoneOauthClient = OauthClient;/);
    expect(text).toContain('export type WorkzoneOauthClientConfig = OauthClientConfig;');
    expect(generateBindings(kmdlogicSchema, 'lib/schemas/kmdlogic.ts')).toContain('export const KmdlogicCprConfiguration = CprConfiguration;');

    const synth = (make: (stack: TerraformStack) => void) => {
      const stack = new TerraformStack(Testing.app(), 'test');
      make(stack);
      return JSON.parse(Testing.synth(stack));
    };
    const config = { clientId: 'cpr-update', clientSecret: '${var.s}' };
    const old = synth((stack) => new workzone.WorkzoneOauthClient(stack, 'c', config));
    expect(old).toEqual(synth((stack) => new workzone.OauthClient(stack, 'c', config)));
    expect(old.resource.workzone_oauth_client.c.client_id).toBe('cpr-update');
  });
});
