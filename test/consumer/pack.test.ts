/**
 * The package as another project gets it. From a copy of the sources without dist/ (as a clean clone),
 * `npm pack` builds and packs the tarball (once for all the consumer tests: support.ts, packedTarballs); a consumer project shaped like the one `cdktf init` makes
 * (`cdktf@^0.21.0`, `constructs@^10.4.2`, resolved by npm to the newest they allow; CommonJS; this machine's
 * Node) installs it, with one copy of each framework package (peer dependencies), compiles its own stack
 * (test/consumer/fixture: CprUpdateSetup twice, two environments, beside resources that use its outputs),
 * installs our providers with the one documented step and deploys with
 * `cdktf deploy --auto-approve --skip-provider-lock` against two WorkZone emulators started by the
 * consumer's own `workzone-cpr emulators`, then destroys. The README's plain-HCL flow runs with the
 * packed CLI too, once with --dir/--cli-config and once into terraform's implied local mirror with no CLI
 * config, and the lock files terraform writes are compared byte for byte. Last, a second copy of constructs
 * nested under the package (as an old lock file leaves it) fails with one error naming both copies.
 * Other Node versions, module kinds, the oldest peer versions and cdktn: the matrix tests beside this one.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  INIT_DEPENDENCIES,
  agentEnv,
  clientIds,
  fixtureSettings,
  frameworkCli,
  installedCopies,
  npmEnv,
  ok,
  packed as packInfo,
  packedTarballs,
  repo,
  repoPackage,
  run,
  startEmulators as startConsumerEmulators,
  stopEmulators,
  timings,
  tokenWorks,
  versionOf,
  writeFixture,
  type Emulators,
} from './support';
import { RUNTIME_EXPORTS } from '../surface/expected-api';

jest.setTimeout(240_000);

const root = mkdtempSync(join(tmpdir(), 'workzone-cpr-consumer-'));
const consumer = join(root, 'consumer');
const stackDir = join(consumer, 'cdktf.out/stacks/cpr-environments');
const cli = join(consumer, 'node_modules/.bin/workzone-cpr');
let cdktf: string;

const startEmulators = () => startConsumerEmulators(consumer, agentEnv(join(root, 'home-emulators')));

const h1Of = (lock: string, source: string) => new RegExp(`provider "${source}" \\{[^}]*?"(h1:[^"]+)"`).exec(lock)?.[1];

let tarball: string;
let packed: { path: string }[];
let test: Emulators;
let prod: Emulators;

afterAll(() => {
  stopEmulators();
  rmSync(root, { recursive: true, force: true });
  console.log(`consumer test steps: ${JSON.stringify(timings)}`);
});

describe('the packed package in a consumer project', () => {
  it('npm pack builds from a clean copy (prepack): JavaScript with declarations, CLI, provider bundles; no sources or tests', async () => {
    const info = (await packedTarballs()).cdktf; // a clean copy of the sources, `npm pack` there (support.ts)
    tarball = info.tarball;
    packed = info.files;
    timings.tarball = `${(info.size / 1024).toFixed(0)} KiB, ${info.entryCount} files, ${(info.unpackedSize / 1024).toFixed(0)} KiB unpacked`;
    const paths = new Set(packed.map((f) => f.path));

    for (const expected of [
      'package.json',
      'README.md',
      'CHANGELOG.md',
      'dist/lib/index.js',
      'dist/lib/index.d.ts',
      'dist/lib/cli/main.js',
      'dist/providers/terraform-provider-workzone.js',
      'dist/providers/terraform-provider-workzone.json',
      'dist/providers/terraform-provider-kmdlogic.js',
      'dist/providers/terraform-provider-kmdlogic.json',
      'examples/resources/workzone_oauth_client/resource.tf',
    ]) {
      expect(paths).toContain(expected);
    }
    const unwanted = [...paths].filter(
      (p) => /^(lib|test|scripts|bench|node_modules|proto)\//.test(p) || (p.endsWith('.ts') && !p.endsWith('.d.ts')) || p === 'dist/main.js',
    );
    expect(unwanted).toEqual([]);
    const undeclared = [...paths].filter((p) => p.startsWith('dist/lib/') && p.endsWith('.js') && !paths.has(p.replace(/\.js$/, '.d.ts')));
    expect(undeclared).toEqual([]);
  });

  it('installs into a project shaped like `cdktf init`: one copy of each framework package, no dev dependency; the exports and the CLI load', async () => {
    mkdirSync(consumer, { recursive: true });
    writeFileSync(
      join(consumer, 'package.json'),
      JSON.stringify({
        name: 'consumer-stack',
        version: '1.0.0',
        private: true,
        dependencies: { ...INIT_DEPENDENCIES.cdktf, 'cdktf-workzone-cpr': `file:${tarball}` },
      }),
    );
    await ok('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], consumer, npmEnv());
    for (const dev of Object.keys(repoPackage.devDependencies).filter((name) => !(name in repoPackage.peerDependencies))) {
      expect(existsSync(join(consumer, 'node_modules', dev))).toBe(false);
    }
    // The framework packages are peers: npm installs one copy of each, the project's, and none under ours.
    for (const peer of Object.keys(repoPackage.peerDependencies)) {
      expect(await installedCopies(consumer, peer, npmEnv())).toEqual([join(consumer, 'node_modules', peer)]);
      timings[peer] = versionOf(consumer, peer);
    }

    const exported = await ok(process.execPath, ['-e', 'console.log(JSON.stringify(Object.keys(require("cdktf-workzone-cpr")).sort()))'], consumer, agentEnv(join(root, 'home-load')));
    // The built package exports what test/surface/exports.test.ts lists (its values), nothing internal.
    expect(JSON.parse(exported)).toEqual(RUNTIME_EXPORTS);
    const help = await ok(cli, ['help'], consumer, agentEnv(join(root, 'home-load')));
    expect(help).toContain('providers install');
  });

  it('compiles the consumer stack (TypeScript, node16 resolution through "exports") against the package declarations', async () => {
    writeFixture(consumer, 'cdktf', 'commonjs');
    await ok(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', consumer], consumer, agentEnv(join(root, 'home-tsc')));
    expect(existsSync(join(consumer, 'main.cjs'))).toBe(true);
  });

  let lock: string;
  const prodSecret = `prod-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}x`;
  const pipelineLog: string[] = [];
  const secrets = [prodSecret];
  let configuredLock: string;

  it('deploys from a pipeline: the one provider step, TF_CLI_CONFIG_FILE, secrets as TF_VAR_, cdktf deploy --skip-provider-lock', async () => {
    [test, prod] = await Promise.all([startEmulators(), startEmulators()]);
    expect(await clientIds(test.workzone)).toEqual([]);
    expect(await clientIds(prod.workzone)).toEqual([]);

    const home = join(root, 'home-pipeline');
    const logic = test.kmdLogic; // one KMD Logic for both environments
    const env = agentEnv(home, { TF_CLI_CONFIG_FILE: join(consumer, 'terraform.rc'), ...fixtureSettings(test, prod, prodSecret) });
    cdktf = await frameworkCli('cdktf');
    await ok('npx', ['workzone-cpr', 'providers', 'install', '--dir', './terraform-mirror', '--cli-config', './terraform.rc'], consumer, env, pipelineLog);
    await ok(cdktf, ['deploy', '--auto-approve', '--skip-provider-lock', '--no-color'], consumer, env, pipelineLog);

    const outputs = JSON.parse(await ok('terraform', ['output', '-json'], stackDir, env));
    expect(Object.keys(outputs)).toHaveLength(14); // six identifiers and the module config, per environment
    for (const [name, e] of [['test', test], ['prod', prod]] as const) {
      expect(outputs[`${name}_module_config`].value).toEqual({
        environment: name,
        cpr_client_id: `cpr-update-${name}`,
        kmd_logic_subscription_id: logic.subscriptionId,
        kmd_logic_product_id: logic.productId,
      });
      expect(outputs[`${name}_cpr_client_secret`].sensitive).toBe(true);
      expect(outputs[`${name}_kmd_logic_client_secret`].sensitive).toBe(true);
      expect(await clientIds(e.workzone)).toEqual([`cpr-update-${name}`]); // each environment its own WorkZone
      const secret = outputs[`${name}_cpr_client_secret`].value;
      expect(await tokenWorks(e.workzone, `cpr-update-${name}`, secret)).toBe(true);
      if (name === 'prod') expect(secret === prodSecret).toBe(true); // (no secret in a failure message)
      secrets.push(secret);
    }
    secrets.push(test.workzone.password, prod.workzone.password, logic.clientSecret);
    const logText = pipelineLog.join('\n');
    expect(logText).toContain('cpr-update-prod'); // the log is there ...
    expect(secrets.filter((secret) => logText.includes(secret)).length).toBe(0); // ... and holds no secret

    lock = readFileSync(join(stackDir, '.terraform.lock.hcl'), 'utf8');
    expect(h1Of(lock, 'workzone-cpr.local/cpr/workzone')).toBeDefined();
    expect(h1Of(lock, 'workzone-cpr.local/cpr/kmdlogic')).toBeDefined();

    // The next run of the pipeline: install again, init with the committed lock file, nothing to change.
    await ok('npx', ['workzone-cpr', 'providers', 'install', '--dir', './terraform-mirror', '--cli-config', './terraform.rc'], consumer, env);
    await ok('terraform', ['init', '-input=false', '-no-color'], stackDir, env);
    expect(readFileSync(join(stackDir, '.terraform.lock.hcl'), 'utf8')).toBe(lock);
    const again = await run('terraform', ['plan', '-detailed-exitcode', '-input=false', '-no-color'], stackDir, env);
    expect(again.code).toBe(0);

    // The same pipeline with long-lived providers (docs/long-lived-providers.md): cdktf passes its environment,
    // TF_REATTACH_PROVIDERS included, to terraform, which then starts none of our providers.
    const serveLog = join(root, 'serve.log');
    const reattach = (
      await ok('npx', ['workzone-cpr', 'providers', 'serve', '--print-env', '--json', '--idle-timeout', '300', '--log', serveLog], consumer, { ...env, TF_LOG_PROVIDER: 'DEBUG' })
    ).trim();
    const served = { ...env, TF_REATTACH_PROVIDERS: reattach };
    try {
      await ok(cdktf, ['deploy', '--auto-approve', '--skip-provider-lock', '--no-color'], consumer, served, pipelineLog);
      expect((await run('terraform', ['plan', '-detailed-exitcode', '-input=false', '-no-color'], stackDir, served)).code).toBe(0);
    } finally {
      await ok('npx', ['workzone-cpr', 'providers', 'stop'], consumer, served);
    }
    const servedLines = readFileSync(serveLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const stopped = servedLines.filter((l) => l['@message'] === 'stopping');
    expect(stopped).toHaveLength(2); // workzone and kmdlogic
    for (const line of stopped) expect(line.connections_served).toBeGreaterThanOrEqual(2); // cdktf deploy and the plan reached them
    expect(readFileSync(join(stackDir, '.terraform.lock.hcl'), 'utf8')).toBe(lock);
    expect(secrets.filter((secret) => readFileSync(serveLog, 'utf8').includes(secret)).length).toBe(0);

    await ok('terraform', ['destroy', '-auto-approve', '-input=false', '-no-color'], stackDir, env);
    expect(await clientIds(test.workzone)).toEqual([]);
    expect(await clientIds(prod.workzone)).toEqual([]);
  });

  /** The README's plain-HCL flow on the package's own example, with the packed CLI. */
  async function hclApply(home: string, extra: Record<string, string>): Promise<string> {
    const dir = mkdtempSync(join(root, 'hcl-'));
    copyFileSync(join(consumer, 'node_modules/cdktf-workzone-cpr/examples/resources/workzone_oauth_client/resource.tf'), join(dir, 'main.tf'));
    const env = agentEnv(home, {
      WORKZONE_URL: test.workzone.url,
      WORKZONE_USERNAME: test.workzone.username,
      WORKZONE_PASSWORD: test.workzone.password,
      TF_VAR_cpr_client_secret: prodSecret,
      TF_VAR_cpr_client_secret_wo: `${prodSecret}-wo`,
      ...extra,
    });
    await ok('terraform', ['init', '-input=false', '-no-color'], dir, env);
    await ok('terraform', ['apply', '-auto-approve', '-input=false', '-no-color'], dir, env);
    expect(JSON.parse(await ok('terraform', ['output', '-json'], dir, env)).cpr_client_id.value).toBe('cpr-update');
    expect(await clientIds(test.workzone)).toEqual(['cpr-update', 'cpr-update-generated', 'cpr-update-wo']);
    await ok('terraform', ['destroy', '-auto-approve', '-input=false', '-no-color'], dir, env);
    expect(await clientIds(test.workzone)).toEqual([]);
    return readFileSync(join(dir, '.terraform.lock.hcl'), 'utf8');
  }

  it('plain HCL: providers install --dir --cli-config, then terraform init and apply', async () => {
    configuredLock = await hclApply(join(root, 'home-hcl'), { TF_CLI_CONFIG_FILE: join(consumer, 'terraform.rc') });
    expect(h1Of(configuredLock, 'workzone-cpr.local/cpr/workzone')).toBe(h1Of(lock, 'workzone-cpr.local/cpr/workzone'));
  });

  it("plain HCL with no CLI config: providers install into terraform's implied local mirror; the same lock file from any install", async () => {
    // No TF_CLI_CONFIG_FILE and an empty HOME: terraform has no CLI config at all.
    const home = join(root, 'home-implied');
    const mirrorFile = join(home, '.terraform.d/plugins/workzone-cpr.local/cpr/workzone/0.1.0/linux_amd64/terraform-provider-workzone_v0.1.0');
    await ok(cli, ['providers', 'install'], consumer, agentEnv(home));
    const first = readFileSync(mirrorFile);
    await ok(cli, ['providers', 'install'], consumer, agentEnv(home));
    expect(readFileSync(mirrorFile).equals(first)).toBe(true);
    expect(first.equals(readFileSync(join(consumer, 'node_modules/cdktf-workzone-cpr/dist/providers/terraform-provider-workzone.js')))).toBe(true);
    const impliedLock = await hclApply(home, {});

    // The XDG data directory is an implied mirror too; a third install, another directory, the same lock.
    const xdgHome = join(root, 'home-xdg');
    const xdgData = join(root, 'xdg-data');
    await ok(cli, ['providers', 'install', '--dir', join(xdgData, 'terraform/plugins')], consumer, agentEnv(xdgHome));
    const xdgLock = await hclApply(xdgHome, { XDG_DATA_HOME: xdgData });

    expect(impliedLock).toBe(configuredLock);
    expect(xdgLock).toBe(configuredLock);
  });

  it('a second constructs nested under the package (an old lock file): one error naming both copies and the fix, not a TypeError', async () => {
    // What npm left under the package while constructs was its own dependency, pinned to 10.4.2.
    const nested = join(consumer, 'node_modules/cdktf-workzone-cpr/node_modules/constructs');
    const packDir = mkdtempSync(join(root, 'constructs-'));
    const tgz = packInfo(await ok('npm', ['pack', '--json', '--prefer-offline', '--pack-destination', packDir, 'constructs@10.4.2'], packDir, npmEnv()), packDir).tarball;
    mkdirSync(nested, { recursive: true });
    execFileSync('tar', ['-xzf', tgz, '-C', nested, '--strip-components=1']);
    try {
      const synth = await run(process.execPath, ['main.cjs'], consumer, agentEnv(join(root, 'home-nested')));
      expect(synth.code).not.toBe(0);
      const app = versionOf(consumer, 'constructs');
      expect(synth.stderr).toContain(
        `FrameworkMismatchError: WorkzoneProvider in 'cpr-environments': two copies of constructs in one app: the app uses constructs ${app} (${join(consumer, 'node_modules/constructs')}), ` +
          `cdktf-workzone-cpr was loaded with constructs 10.4.2 (${nested}).`,
      );
      expect(synth.stderr).toContain('`npm ls constructs`');
      expect(synth.stderr).not.toMatch(/_scopes|TypeError/);
    } finally {
      rmSync(nested, { recursive: true, force: true });
    }
    // Without the nested copy the same app synthesizes again.
    await ok(process.execPath, ['main.cjs'], consumer, agentEnv(join(root, 'home-nested')));
  });
});
