/**
 * One consumer of the version matrix (cdktf-matrix.test.ts, cdktn-matrix.test.ts): a fresh project outside
 * the repository on a chosen Node.js, CommonJS or ES module, that installs its flavour's tarball with
 * either the `init` shape's caret ranges (npm resolves the newest they allow) or the oldest versions the
 * package's peer ranges admit; npm leaves one copy of each framework package; TypeScript type-checks and
 * compiles the two-environment fixture; our providers go into a mirror with the one documented step; the
 * framework's CLI deploys against two WorkZone emulators (and one KMD Logic) started by the consumer's own
 * `workzone-cpr`; the six outputs per environment are right, the secrets sensitive and absent from the log,
 * the client credentials get tokens; nothing changes on the next run; destroy empties both.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  INIT_DEPENDENCIES,
  agentEnv,
  clientIds,
  fixtureSettings,
  frameworkCli,
  installedCopies,
  nodeBin,
  npmEnv,
  ok,
  oldestIn,
  repo,
  run,
  startEmulators,
  timings,
  tokenWorks,
  versionOf,
  writeFixture,
  type Framework,
} from './support';

export interface Consumer {
  readonly framework: Framework;
  /** `init`: the framework's init shape, caret ranges resolved by npm; `oldest`: every peer at the lower bound of its range. */
  readonly versions: 'init' | 'oldest';
  readonly node: 'system' | 22 | 24;
  readonly module: 'commonjs' | 'esm';
  /**
   * The CLI deploys a second time (no changes) and destroys. Else `terraform plan -detailed-exitcode` finds no
   * changes and `terraform destroy` cleans up: quicker, and the CLI's part was its deploy.
   */
  readonly fullCli?: boolean;
  /**
   * The Node.js of the framework's CLI when it cannot be `node` (the app, our CLI and providers still run on
   * `node`: the CLI starts them from PATH). cdktf-cli 0.21.0 does not start on Node 24: its node-pty ships
   * binaries up to Node 22's ABI, and building one needs its install script, which npm 11 skips.
   */
  readonly cliNode?: 22;
}

export const describeConsumer = (c: Consumer) =>
  `${c.framework}, ${c.versions === 'init' ? `\`${c.framework} init\` ranges` : 'oldest peers'}, Node ${c.node}${c.cliNode ? ` (its CLI on Node ${c.cliNode})` : ''}, ${c.module === 'esm' ? 'ES module' : 'CommonJS'}`;

/** Runs one consumer from its tarball in `dir`; returns the framework package versions npm chose. */
export async function runConsumer(c: Consumer, tarball: string, dir: string): Promise<Record<string, string>> {
  const label = `${c.framework}-${c.versions}-node${c.node}-${c.module}`;
  const consumer = join(dir, label);
  const home = (what: string) => join(dir, `home-${label}-${what}`);
  const bin = await nodeBin(c.node);
  const cliNode = join(await nodeBin(c.cliNode ?? c.node), 'node');
  const frameworkCommand = await frameworkCli(c.framework);
  const cli = (args: string[], env: NodeJS.ProcessEnv, log: string[] | undefined, step: string) =>
    ok(cliNode, [frameworkCommand, ...args], consumer, env, log, `${label}: ${c.framework} ${step}`);

  // The project: package.json as its init writes it (or pinned to the oldest peers), then npm install.
  const peers: Record<string, string> = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' })).peerDependencies;
  const frameworkDeps =
    c.versions === 'init' ? { ...INIT_DEPENDENCIES[c.framework] } : Object.fromEntries(Object.entries(peers).map(([name, range]) => [name, oldestIn(range)]));
  mkdirSync(consumer, { recursive: true });
  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify({
      name: label,
      version: '1.0.0',
      private: true,
      ...(c.module === 'esm' ? { type: 'module' } : {}),
      dependencies: { ...frameworkDeps, [`${c.framework}-workzone-cpr`]: `file:${tarball}` },
    }),
  );
  await ok('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], consumer, npmEnv(bin), undefined, `${label}: npm install`);
  const chosen: Record<string, string> = {};
  for (const peer of Object.keys(peers)) {
    expect(await installedCopies(consumer, peer, npmEnv(bin))).toEqual([join(consumer, 'node_modules', peer)]);
    chosen[peer] = versionOf(consumer, peer);
    if (c.versions === 'oldest') expect(`${peer}@${chosen[peer]}`).toBe(`${peer}@${frameworkDeps[peer]}`);
  }

  // Type-checked and compiled against the package's declarations, then the app synthesizes on that Node.
  writeFixture(consumer, c.framework, c.module);
  await ok(join(bin, 'node'), [join(repo, 'node_modules/typescript/bin/tsc'), '-p', consumer], consumer, agentEnv(home('tsc'), {}, bin), undefined, `${label}: tsc`);

  const [test, prod] = await Promise.all([startEmulators(consumer, agentEnv(home('test'), {}, bin)), startEmulators(consumer, agentEnv(home('prod'), {}, bin))]);
  const prodSecret = `prod-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}x`;
  const env = agentEnv(home('pipeline'), { TF_CLI_CONFIG_FILE: join(consumer, 'terraform.rc'), ...fixtureSettings(test, prod, prodSecret) }, bin);
  const log: string[] = [];
  await ok('npx', ['workzone-cpr', 'providers', 'install', '--dir', './terraform-mirror', '--cli-config', './terraform.rc'], consumer, env, log, `${label}: providers install`);
  await cli(['deploy', '--auto-approve', '--skip-provider-lock', '--no-color'], env, log, 'deploy');

  const stackDir = join(consumer, 'cdktf.out/stacks/cpr-environments');
  const outputs = JSON.parse(await ok('terraform', ['output', '-json'], stackDir, env));
  expect(Object.keys(outputs).sort()).toEqual(
    ['test', 'prod']
      .flatMap((e) => [`${e}_module_config`, ...['kmd_logic_client_id', 'kmd_logic_client_secret', 'kmd_logic_subscription_id', 'kmd_logic_product_id', 'cpr_client_id', 'cpr_client_secret'].map((s) => `${e}_${s}`)])
      .sort(),
  );
  const logic = test.kmdLogic;
  const secrets = [prodSecret, test.workzone.password, prod.workzone.password, logic.clientSecret];
  for (const [name, e] of [['test', test], ['prod', prod]] as const) {
    expect(outputs[`${name}_module_config`].value).toEqual({ environment: name, cpr_client_id: `cpr-update-${name}`, kmd_logic_subscription_id: logic.subscriptionId, kmd_logic_product_id: logic.productId });
    expect(outputs[`${name}_kmd_logic_client_id`].value).toBe(logic.clientId);
    expect([outputs[`${name}_cpr_client_secret`].sensitive, outputs[`${name}_kmd_logic_client_secret`].sensitive]).toEqual([true, true]);
    expect(await clientIds(e.workzone)).toEqual([`cpr-update-${name}`]);
    const secret = outputs[`${name}_cpr_client_secret`].value;
    expect(await tokenWorks(e.workzone, `cpr-update-${name}`, secret)).toBe(true);
    secrets.push(secret);
  }
  expect(secrets.filter((secret) => log.join('\n').includes(secret)).length).toBe(0); // (no secret in a failure message)

  if (c.fullCli) {
    const again = await cli(['deploy', '--auto-approve', '--skip-provider-lock', '--no-color'], env, undefined, 'deploy again');
    expect(again).toContain('No changes. Your infrastructure matches the configuration.');
    await cli(['destroy', '--auto-approve', '--no-color'], env, undefined, 'destroy');
  } else {
    expect((await run('terraform', ['plan', '-detailed-exitcode', '-input=false', '-no-color'], stackDir, env)).code).toBe(0);
    await ok('terraform', ['destroy', '-auto-approve', '-input=false', '-no-color'], stackDir, env, undefined, `${label}: terraform destroy`);
  }
  expect(await clientIds(test.workzone)).toEqual([]);
  expect(await clientIds(prod.workzone)).toEqual([]);
  timings[`${label}: versions`] = Object.entries(chosen).map(([name, v]) => `${name}@${v}`).join(' ');
  return chosen;
}

