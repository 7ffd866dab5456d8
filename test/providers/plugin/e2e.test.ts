/**
 * The fixture provider, bundled by scripts/build-providers.mjs and installed into a temp filesystem
 * mirror, driven by real terraform: init → validate → plan → apply → no-change plan → update → replace →
 * drift → import → destroy. Assertions are on state/plan JSON and files, never on terraform's prose.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installProviders } from '../../../lib/providers/mirror';
import { terraformEnv } from '../../../lib/providers/terraform-env';

jest.setTimeout(180_000);

const repo = join(__dirname, '../../..');
const tmp = mkdtempSync(join(tmpdir(), 'plugin-e2e-'));
const work = join(tmp, 'work');
const files = join(tmp, 'files');
const logFile = join(tmp, 'terraform.log');
const API_KEY = 'apikey-secret-XYZ-123';
const SECRET = 'state-secret-4567';
const TOKEN = 'write-only-token-890';
let env: NodeJS.ProcessEnv;

function tf(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('terraform', args, { cwd: work, env, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

async function ok(args: string[]): Promise<string> {
  const result = await tf(args);
  if (result.code !== 0) throw new Error(`terraform ${args.join(' ')} failed (${result.code}):\n${result.stderr}\n${result.stdout}`);
  return result.stdout;
}

function configure(resources: string): void {
  writeFileSync(
    join(work, 'main.tf'),
    `terraform {
  required_providers {
    fixture = { source = "workzone-cpr.local/test/fixture" }
  }
}
provider "fixture" {
  root = ${JSON.stringify(files)}
}
${resources}`,
  );
}

const fileA = (path: string, content: string, extra = '') => `
resource "fixture_file" "a" {
  path     = "${path}"
  content  = "${content}"
  token_wo = "${TOKEN}"
  tags     = { env = "test" }
${extra}}
resource "fixture_file" "b" {
  path    = "b.json"
  content = "bee"
  label   = "fancy"
  secret  = "${SECRET}"
}
data "fixture_read" "a" {
  path       = fixture_file.a.path
  depends_on = [fixture_file.a]
}
output "read" { value = data.fixture_read.a.content }
`;

interface StateResource {
  address: string;
  values: Record<string, unknown>;
}

async function state(): Promise<Map<string, Record<string, unknown>>> {
  const shown = JSON.parse(await ok(['show', '-json']));
  const resources: StateResource[] = shown.values?.root_module?.resources ?? [];
  return new Map(resources.map((r) => [r.address, r.values]));
}

/** Plans to a file and returns address → actions from the plan JSON. */
async function plan(): Promise<{ actions: Map<string, string[]>; json: any }> {
  await ok(['plan', '-out=tfplan', '-input=false']);
  const json = JSON.parse(await ok(['show', '-json', 'tfplan']));
  return { actions: new Map(json.resource_changes.map((c: any) => [c.address, c.change.actions])), json };
}

const readFile = (name: string) => JSON.parse(readFileSync(join(files, name), 'utf8'));
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

beforeAll(async () => {
  mkdirSync(work, { recursive: true });
  mkdirSync(files, { recursive: true });
  const bundles = join(tmp, 'bundles');
  execFileSync(process.execPath, [join(repo, 'scripts/build-providers.mjs'), '--entry', `fixture=${join(__dirname, 'fixture/main.ts')}`, '--outdir', bundles], {
    stdio: 'pipe',
  });
  const mirror = await installProviders({ dir: join(tmp, 'mirror'), bundleDir: bundles, providers: ['fixture'] });
  env = await terraformEnv({
    cliConfig: mirror.cliConfig,
    dir: tmp,
    extra: { TF_LOG_PROVIDER: 'TRACE', TF_LOG_PATH: logFile, FIXTURE_API_KEY: API_KEY },
  });
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('fixture provider under real terraform', () => {
  it('installs from the mirror and locks its hash', async () => {
    configure(fileA('a.json', 'hello'));
    await ok(['init', '-input=false']);
    expect(readFileSync(join(work, '.terraform.lock.hcl'), 'utf8')).toMatch(/provider "workzone-cpr.local\/test\/fixture"[\s\S]*h1:/);
  });

  it('reports rule failures at the attribute, hiding sensitive values', async () => {
    configure(fileA('a b.json', '   ').replace(`secret  = "${SECRET}"`, 'secret  = "tiny-s"'));
    const result = await tf(['validate', '-json']);
    const diags: any[] = JSON.parse(result.stdout).diagnostics;
    const summaries = diags.map((d) => d.summary).sort();
    expect(summaries).toEqual([
      'content must not be empty or only whitespace',
      'path must not contain spaces or other whitespace; remove them',
      'secret must be at least 8 characters long (it has 6)',
    ]);
    const pathDiag = diags.find((d) => d.summary.startsWith('path'));
    expect(pathDiag.detail).toBe('Got "a b.json".');
    expect(pathDiag.range.start.line).toBeGreaterThan(1); // pointed at the user's line
    // Our summary and detail never carry it (terraform's own snippet of the user's line does).
    expect(JSON.stringify(diags.map((d) => [d.summary, d.detail]))).not.toContain('tiny-s');
    expect(diags.find((d) => d.summary.startsWith('secret')).detail).toBe('The value is not shown because secret is sensitive.');
  });

  it('plans a create with defaults, unknown computed values and no write-only value', async () => {
    configure(fileA('a.json', 'hello'));
    const { actions, json } = await plan();
    expect(actions.get('fixture_file.a')).toEqual(['create']);
    const change = json.resource_changes.find((c: any) => c.address === 'fixture_file.a').change;
    expect(change.after).toMatchObject({ path: 'a.json', content: 'hello', label: 'plain', token_wo: null });
    expect(change.after_unknown).toMatchObject({ id: true, generation: true });
  });

  it('applies: files written, state has exactly the schema, write-only value only in the file hash', async () => {
    await ok(['apply', '-input=false', 'tfplan']);
    const s = await state();
    expect(s.get('fixture_file.a')).toEqual({
      id: 'a.json', path: 'a.json', content: 'hello', label: 'plain', secret: null, token_wo: null, tags: { env: 'test' }, generation: 1,
    });
    expect(s.get('fixture_file.b')).toMatchObject({ label: 'fancy', secret: SECRET });
    expect(s.get('data.fixture_read.a')).toEqual({ path: 'a.json', missing_ok: false, content: 'hello', exists: true });
    expect(readFile('a.json')).toMatchObject({ content: 'hello', token_sha256: sha256(TOKEN), generation: 1 });
    expect(readFileSync(join(work, 'terraform.tfstate'), 'utf8')).not.toContain(TOKEN);
  });

  it('plans no change when nothing changed', async () => {
    const result = await tf(['plan', '-detailed-exitcode', '-input=false']);
    expect(result.code).toBe(0);
  });

  it('updates in place and lets the plan hook mark a computed value unknown', async () => {
    configure(fileA('a.json', 'hello again'));
    const { actions, json } = await plan();
    expect(actions.get('fixture_file.a')).toEqual(['update']);
    expect(json.resource_changes.find((c: any) => c.address === 'fixture_file.a').change.after_unknown.generation).toBe(true);
    await ok(['apply', '-input=false', 'tfplan']);
    expect((await state()).get('fixture_file.a')).toMatchObject({ content: 'hello again', generation: 2 });
    expect(readFile('a.json')).toMatchObject({ content: 'hello again', generation: 2, token_sha256: sha256(TOKEN) });
  });

  it('replaces when a forceNew attribute changes', async () => {
    configure(fileA('moved.json', 'hello again'));
    const { actions } = await plan();
    expect(actions.get('fixture_file.a')).toEqual(['delete', 'create']);
    await ok(['apply', '-input=false', 'tfplan']);
    expect(existsSync(join(files, 'a.json'))).toBe(false);
    expect(readFile('moved.json')).toMatchObject({ content: 'hello again', generation: 1 });
    expect((await state()).get('fixture_file.a')).toMatchObject({ id: 'moved.json', generation: 1 });
  });

  it('plans a re-create when the object was deleted outside terraform', async () => {
    rmSync(join(files, 'moved.json'));
    const { actions } = await plan();
    expect(actions.get('fixture_file.a')).toEqual(['create']);
    await ok(['apply', '-input=false', 'tfplan']);
    expect(existsSync(join(files, 'moved.json'))).toBe(true);
  });

  it('imports an existing object, then reads it', async () => {
    writeFileSync(join(files, 'c.json'), JSON.stringify({ content: 'sea', label: 'plain', secret: null, token_sha256: null, tags: null, generation: 7 }));
    configure(fileA('moved.json', 'hello again') + 'resource "fixture_file" "c" {\n  path    = "c.json"\n  content = "sea"\n}\n');
    await ok(['import', '-input=false', 'fixture_file.c', 'c.json']);
    expect((await state()).get('fixture_file.c')).toEqual({
      id: 'c.json', path: 'c.json', content: 'sea', label: 'plain', secret: null, token_wo: null, tags: null, generation: 7,
    });
    expect((await tf(['plan', '-detailed-exitcode', '-input=false'])).code).toBe(0);
  });

  it('destroys everything', async () => {
    await ok(['destroy', '-auto-approve', '-input=false']);
    expect((await state()).size).toBe(0);
    for (const name of ['moved.json', 'b.json', 'c.json']) expect(existsSync(join(files, name))).toBe(false);
  });

  it('kept every secret out of the provider log', () => {
    const log = readFileSync(logFile, 'utf8');
    expect(log).toContain('tf_rpc=ApplyResourceChange'); // the provider did log, at trace
    expect(log).toContain('configured with api key'); // the fixture tries to log its key...
    for (const secret of [API_KEY, SECRET, TOKEN]) expect(log).not.toContain(secret); // ...and the runtime scrubs it
    expect(log).not.toMatch(/plugin failed to exit gracefully|unexpected EOF/);
  });
});
