/**
 * One copy of constructs and of the framework per app: a construct of this package in an app built from
 * another copy (a second constructs or cdktf, as an old lock file or a monorepo leaves them, or a cdktn app)
 * fails at construction with one error naming both copies and the fix, before the other copy's tree can
 * break inside constructs. The second copies are real: the installed packages copied into another folder
 * and loaded from there, as npm's nesting would.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { App, TerraformStack } from 'cdktf';
import * as cdktn from 'cdktn';
import { WorkzoneProvider } from '../../lib/bindings/workzone';
import { ClientSecret, CprUpdateSetup, FrameworkMismatchError, GeneratedSecret, KmdLogicSubscription, WorkZoneOAuthClient } from '../../lib/constructs';
import { errorOf, synthJson } from './helpers';

const repo = join(__dirname, '../..');
// Inside node_modules, so that the copies' own dependencies (cdktf's archiver, semver...) still resolve.
mkdirSync(join(repo, 'node_modules/.cache'), { recursive: true });
const copies = mkdtempSync(join(repo, 'node_modules/.cache/framework-copies-'));
afterAll(() => rmSync(copies, { recursive: true, force: true }));

/** A second installed copy of a package: `<dir>/node_modules/<name>`, loaded from there. */
function secondCopy(dir: string, name: string): string {
  const path = join(copies, dir, 'node_modules', name);
  cpSync(join(repo, 'node_modules', name), path, { recursive: true });
  return path;
}

type Framework = { App: typeof App; TerraformStack: typeof TerraformStack };
const stackOf = (framework: Framework) => new framework.TerraformStack(new framework.App(), 'stack');

const everyConstruct: [string, (stack: TerraformStack) => unknown][] = [
  ['CprUpdateSetup', (s) => new CprUpdateSetup(s, 'Setup', { clientId: 'c', clientSecret: ClientSecret.generatedByWorkZone() })],
  ['WorkZoneOAuthClient', (s) => new WorkZoneOAuthClient(s, 'Client', { clientId: 'c', clientSecret: ClientSecret.generatedByWorkZone() })],
  ['KmdLogicSubscription', (s) => new KmdLogicSubscription(s, 'Logic')],
  ['GeneratedSecret', (s) => new GeneratedSecret(s, 'Secret')],
  ['WorkzoneProvider', (s) => new WorkzoneProvider(s, 'workzone')],
];

describe('an app built from another copy', () => {
  test('a cdktn app: the cdktf build says which build to install, for every construct and binding', () => {
    for (const [name, build] of everyConstruct) {
      const stack = stackOf(cdktn as unknown as Framework);
      let error: unknown;
      try {
        build(stack as unknown as TerraformStack);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(FrameworkMismatchError);
      const { message } = error as FrameworkMismatchError;
      expect(message).toContain(`${name} in 'stack': `);
      expect(message).toContain(`the app is built with cdktn 0.24.0 (${join(repo, 'node_modules/cdktn')})`);
      expect(message).toContain('but cdktf-workzone-cpr is built for cdktf');
      expect(message).toContain('npm uninstall cdktf-workzone-cpr && npm install cdktn-workzone-cpr');
      expect(stack.node.children).toHaveLength(0); // refused before it joined the tree
    }
  });

  test('a second constructs (with its own cdktf): both versions and folders, and the fix, instead of a TypeError inside constructs', () => {
    const constructs = secondCopy('nested', 'constructs');
    const cdktf = secondCopy('nested', 'cdktf');
    const stack = stackOf(require(cdktf) as Framework);
    const message = errorOf(() => new CprUpdateSetup(stack, 'Setup', { clientId: 'c' }));
    const version = require(join(repo, 'node_modules/constructs/package.json')).version;
    expect(message).toContain(`CprUpdateSetup in 'stack': two copies of constructs in one app`);
    expect(message).toContain(`the app uses constructs ${version} (${constructs})`);
    expect(message).toContain(`cdktf-workzone-cpr was loaded with constructs ${version} (${join(repo, 'node_modules/constructs')})`);
    expect(message).toContain('`npm ls constructs`');
    expect(message).toContain('npm dedupe');
    expect(message).not.toMatch(/TypeError|_scopes/);
  });

  test('a second cdktf on the same constructs: named the same way', () => {
    const cdktf = secondCopy('cdktf-only', 'cdktf');
    const stack = stackOf(require(cdktf) as Framework);
    const message = errorOf(() => new WorkzoneProvider(stack, 'workzone'));
    expect(message).toContain(`WorkzoneProvider in 'stack': two copies of cdktf in one app: the app uses cdktf 0.21.0 (${cdktf})`);
    expect(message).toContain(`cdktf-workzone-cpr was loaded with cdktf 0.21.0 (${join(repo, 'node_modules/cdktf')})`);
    expect(message).toContain('`npm ls cdktf`');
  });

  test('the one copy passes', () => {
    const stack = new TerraformStack(new App(), 'stack');
    new CprUpdateSetup(stack, 'Setup', { clientId: 'c', clientSecret: ClientSecret.generatedByWorkZone() });
    expect(synthJson(stack).resource.workzone_oauth_client).toBeDefined();
  });
});
