/**
 * One attribute, one place: adds a throwaway attribute, `require_consent`, to a copy of the project the way
 * CONTRIBUTING.md says (the schema entry, its wire name, the emulator's model; then `npm run generate`) and
 * shows that nothing else had to change: the copy type-checks, the construct takes the new prop with its
 * default and rules, and the provider sends it to the emulator and reads it back.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

jest.setTimeout(180_000);

const root = join(__dirname, '..', '..');
const COPIED = ['lib', 'scripts', 'examples', 'docs', 'proto', 'main.ts', 'README.md', 'package.json', 'tsconfig.json'];

/** The three hand edits: each inserts one entry after the require_pkce one. */
const EDITS: { file: string; after: RegExp; insert: string }[] = [
  {
    file: 'lib/schemas/workzone.ts',
    after: /^ {8}require_pkce: \{\n[\s\S]*?^ {8}\},\n/m,
    insert: "        require_consent: { type: 'bool', optional: true, default: false, description: 'Require the user to consent.' },\n",
  },
  { file: 'lib/providers/workzone/wire.ts', after: /^ {2}require_pkce: .*\n/m, insert: "  require_consent: { property: 'RequireConsent', type: 'Edm.Boolean' },\n" },
  { file: 'lib/emulators/workzone/data.ts', after: /^ {2}RequirePkce: .*\n/m, insert: "  RequireConsent: { type: 'boolean', create: false },\n" },
];

function files(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.name === 'node_modules' ? [] : e.isDirectory() ? files(join(dir, e.name), base) : [relative(base, join(dir, e.name)).split('\\').join('/')],
  );
}

function run(cwd: string, command: string, args: string[]): string {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

let copy: string;

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'add-attribute-'));
  for (const entry of COPIED) cpSync(join(root, entry), join(copy, entry), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
  for (const { file, after, insert } of EDITS) {
    const text = readFileSync(join(copy, file), 'utf8');
    const match = after.exec(text);
    if (!match) throw new Error(`${file}: the place to insert is gone; update this test and CONTRIBUTING.md`);
    writeFileSync(join(copy, file), text.slice(0, match.index + match[0].length) + insert + text.slice(match.index + match[0].length));
  }
  run(copy, process.execPath, ['scripts/run-ts.mjs', 'scripts/codegen/main.ts']);
});

afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

test('the edited files are the three of CONTRIBUTING.md; generation changes the bindings, props and reference docs; the copy type-checks', () => {
  const changed = files(copy).filter((f) => !existsSync(join(root, f)) || readFileSync(join(root, f), 'utf8') !== readFileSync(join(copy, f), 'utf8'));
  console.log(`files changed by adding an attribute: ${changed.join(', ')}`);
  expect(changed.sort()).toEqual(
    [
      // by hand
      'lib/schemas/workzone.ts',
      'lib/providers/workzone/wire.ts',
      'lib/emulators/workzone/data.ts',
      // by `npm run generate`
      'lib/bindings/workzone.ts',
      'lib/constructs/props.generated.ts',
      'docs/constructs.md',
      'docs/reference/workzone/resources/oauth_client.md',
    ].sort(),
  );
  expect(readFileSync(join(copy, 'lib/constructs/props.generated.ts'), 'utf8')).toMatch(/Require the user to consent\.\n {3}\* @default false\n {3}\*\/\n {2}readonly requireConsent\?: boolean \| IResolvable;/);
  run(copy, process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.json']);
});

test('the construct takes the prop, with the default and the type of the schema', () => {
  const { Testing, TerraformStack } = require(join(copy, 'node_modules/cdktf'));
  const { WorkZoneOAuthClient } = require(join(copy, 'lib/constructs'));
  const synth = (props: object) => {
    const stack = new TerraformStack(Testing.app(), 'test');
    new WorkZoneOAuthClient(stack, 'Client', { clientId: 'a', ...props });
    return Object.values(JSON.parse(Testing.synth(stack)).resource.workzone_oauth_client)[0] as Record<string, unknown>;
  };
  expect(synth({ requireConsent: true }).require_consent).toBe(true);
  expect(synth({}).require_consent).toBe(false);
  expect(() => synth({ requireConsent: 'yes' })).toThrow('requireConsent = "yes": must be true or false');
});

test('the provider sends it to WorkZone and reads it back (against the emulator, whose model has it)', async () => {
  const { startWorkZoneEmulator } = require(join(copy, 'lib/emulators/workzone'));
  const { WorkZoneClient } = require(join(copy, 'lib/providers/workzone/client'));
  const { oauthClientResource } = require(join(copy, 'lib/providers/workzone/oauth-client'));
  const wz = await startWorkZoneEmulator({});
  const client = new WorkZoneClient({ url: wz.url, username: wz.username, password: wz.password });
  const noop = () => undefined;
  const ctx = { log: { trace: noop, debug: noop, info: noop, warn: noop, error: noop }, signal: new AbortController().signal, warn: noop, error: noop };
  try {
    const planned = {
      id: null,
      client_id: 'consent',
      client_name: 'Consent',
      enabled: true,
      allow_access_token_via_browser: false,
      allow_offline_access: false,
      require_pkce: false,
      require_consent: true,
      grant_type: 'CLNTCRED',
      user: 'CPRBATCHUSER',
      client_secret: 'supplied-secret-0123456789',
      client_secret_wo: null,
      client_secret_wo_version: null,
    };
    const created = await oauthClientResource.create({ planned, config: planned, client }, ctx);
    expect(wz.data.getClient('consent')).toMatchObject({ RequireConsent: true });
    expect(created.state).toMatchObject({ require_consent: true });
    const changed = { ...created.state, require_consent: false };
    await oauthClientResource.update({ prior: created.state, planned: changed, config: changed, private: created.private, client }, ctx);
    expect(wz.data.getClient('consent')).toMatchObject({ RequireConsent: false });
    const read = await oauthClientResource.read({ state: changed, private: created.private, client }, ctx);
    expect(read.state).toMatchObject({ require_consent: false });
  } finally {
    client.close();
    await wz.close();
  }
});
