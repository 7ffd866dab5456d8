import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { generatedFiles, staleGeneratedFiles } from '../../scripts/codegen/files';
import { DataWorkzoneUser, WorkzoneOauthClient, WorkzoneProvider } from '../../lib/bindings/workzone';
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
    const client = new WorkzoneOauthClient(stack, 'c', {
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
