/**
 * The CDK Terrain package, cdktn-workzone-cpr, built by `npm run pack:cdktn` from a clean copy of the same
 * source (scripts/build-cdktn.mjs), in fresh cdktn projects: the `cdktn init` shape on Node 22 with
 * CommonJS, deployed twice (the second run finds no changes) with cdktn-cli, and the oldest versions its
 * peer ranges admit on Node 24 as an ES module. Each consumer: see matrix.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeConsumer, runConsumer, type Consumer } from './matrix';
import { cleanCopy, npmEnv, ok, repoPackage, stopEmulators, timings } from './support';

jest.setTimeout(300_000);

const root = mkdtempSync(join(tmpdir(), 'workzone-cpr-cdktn-matrix-'));
let tarball: string;

beforeAll(async () => {
  const src = join(root, 'src');
  cleanCopy(src);
  const out = await ok('npm', ['run', 'pack:cdktn', '--', '--pack-destination', root], src, npmEnv(), undefined, 'npm run pack:cdktn');
  tarball = out.trim().split('\n').pop()!;
  expect(tarball).toBe(join(root, `cdktn-workzone-cpr-${repoPackage.version}.tgz`));
});

afterAll(() => {
  stopEmulators();
  rmSync(root, { recursive: true, force: true });
  console.log(`cdktn matrix steps: ${JSON.stringify(timings, null, 1)}`);
});

const consumers: Consumer[] = [
  { framework: 'cdktn', versions: 'init', node: 22, module: 'commonjs', redeploy: true },
  { framework: 'cdktn', versions: 'oldest', node: 24, module: 'esm' },
];

for (const consumer of consumers) {
  it(`${describeConsumer(consumer)}: installs one copy of each peer, type-checks, cdktn deploy, outputs and tokens, no changes, cdktn destroy`, async () => {
    const versions = await runConsumer(consumer, tarball, root);
    if (consumer.versions === 'oldest') expect(versions).toEqual({ '@cdktn/provider-random': '15.0.1', cdktn: '0.24.0', constructs: '10.6.0' });
  });
}
