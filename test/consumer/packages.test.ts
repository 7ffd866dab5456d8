/**
 * The two packages made from this source: cdktf-workzone-cpr (package.json) and cdktn-workzone-cpr
 * (scripts/build-cdktn.mjs with scripts/cdktn/flavour.json). Fast checks of what the matrix tests rely on:
 * the framework packages are peers, with ranges the project's own dev versions satisfy (the repo builds and
 * tests both packages against versions they admit), and the cdktn build rewrites exactly the framework imports.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { oldestIn, repo, repoPackage } from './support';

const semver = require('semver') as { satisfies(version: string, range: string): boolean }; // cdktf's own dependency
const flavour = JSON.parse(readFileSync(join(repo, 'scripts/cdktn/flavour.json'), 'utf8'));

/** Runs an expression against scripts/build-cdktn.mjs in node and returns its JSON value. */
function fromBuildScript(expression: string): any {
  const code = `import * as build from ${JSON.stringify(join(repo, 'scripts/build-cdktn.mjs'))}; console.log(JSON.stringify(${expression}));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' }));
}

describe('cdktf-workzone-cpr', () => {
  test('cdktf, constructs and the random provider are peers, not dependencies; the project builds with versions they admit', () => {
    expect(Object.keys(repoPackage.peerDependencies).sort()).toEqual(['@cdktf/provider-random', 'cdktf', 'constructs']);
    for (const [name, range] of Object.entries<string>(repoPackage.peerDependencies)) {
      expect(repoPackage.dependencies[name]).toBeUndefined();
      expect(`${name}@${repoPackage.devDependencies[name]} in ${range}: ${semver.satisfies(repoPackage.devDependencies[name], range)}`).toMatch(/: true$/);
      expect(semver.satisfies(oldestIn(range), range)).toBe(true);
    }
  });
});

describe('cdktn-workzone-cpr', () => {
  test('its package.json: the project one with the name, description, peers and engines of flavour.json, and no scripts', () => {
    const manifest = fromBuildScript('build.packageJson()');
    const { scripts, devDependencies, peerDependencies, name, description, engines, ...shared } = repoPackage;
    expect(manifest).toEqual({ ...shared, name: 'cdktn-workzone-cpr', description: flavour.description, engines: flavour.engines, peerDependencies: flavour.peerDependencies });
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(['@cdktn/provider-random', 'cdktn', 'constructs']);
    for (const [name, range] of Object.entries<string>(flavour.peerDependencies)) {
      expect(`${name}@${repoPackage.devDependencies[name]} in ${range}: ${semver.satisfies(repoPackage.devDependencies[name], range)}`).toMatch(/: true$/);
    }
  });

  test('the framework imports are rewritten, subpaths kept; other packages and look-alike names are not', () => {
    const source = [
      "import { App, TerraformStack } from 'cdktf';",
      "import type { IResolvable } from 'cdktf';",
      'import * as cdktf from "cdktf";',
      "import { Password } from '@cdktf/provider-random/lib/password';",
      "const random = require('@cdktf/provider-random');",
      "const lazy = import('cdktf');",
      "import { Construct } from 'constructs';",
      "import { x } from 'cdktf-cli';",
      "import { y } from '@cdktf/provider-aws';",
      "import { z } from 'cdktf-workzone-cpr';",
      "const text = 'from cdktf to cdktn';",
    ].join('\n');
    expect(fromBuildScript(`build.rewriteImports(${JSON.stringify(source)})`).split('\n')).toEqual([
      "import { App, TerraformStack } from 'cdktn';",
      "import type { IResolvable } from 'cdktn';",
      'import * as cdktf from "cdktn";',
      "import { Password } from '@cdktn/provider-random/lib/password';",
      "const random = require('@cdktn/provider-random');",
      "const lazy = import('cdktn');",
      "import { Construct } from 'constructs';",
      "import { x } from 'cdktf-cli';",
      "import { y } from '@cdktf/provider-aws';",
      "import { z } from 'cdktf-workzone-cpr';",
      "const text = 'from cdktf to cdktn';",
    ]);
    expect(fromBuildScript(`build.leftovers(${JSON.stringify(source)})`)).toEqual(['cdktf', 'cdktf', 'cdktf', '@cdktf/provider-random/lib/password', '@cdktf/provider-random', 'cdktf']);
  });
});
