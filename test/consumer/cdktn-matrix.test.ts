/**
 * The CDK Terrain package, cdktn-workzone-cpr, built by scripts/build-cdktn.mjs from the same clean copy of
 * the sources (support.ts, packedTarballs), in fresh cdktn projects: the `cdktn init` shape on Node 22 with
 * CommonJS, deployed twice (the second run finds no changes) and destroyed with cdktn-cli, and the oldest
 * versions its peer ranges admit on Node 24 as an ES module. The two consumers run at once, each in its own
 * project with its own emulators. Each consumer: see matrix.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describeConsumer, runConsumer, type Consumer } from './matrix';
import { packedTarballs, repoPackage, stopEmulators, timings } from './support';

jest.setTimeout(300_000);

const root = mkdtempSync(join(tmpdir(), 'workzone-cpr-cdktn-matrix-'));
let tarball: string;

beforeAll(async () => {
  tarball = (await packedTarballs()).cdktn;
  expect(basename(tarball)).toBe(`cdktn-workzone-cpr-${repoPackage.version}.tgz`);
});

afterAll(() => {
  stopEmulators();
  rmSync(root, { recursive: true, force: true });
  console.log(`cdktn matrix steps: ${JSON.stringify(timings, null, 1)}`);
});

const consumers: [Consumer, Record<string, string>?][] = [
  [{ framework: 'cdktn', versions: 'init', node: 22, module: 'commonjs', fullCli: true }],
  [{ framework: 'cdktn', versions: 'oldest', node: 24, module: 'esm' }, { '@cdktn/provider-random': '15.0.1', cdktn: '0.24.0', constructs: '10.6.0' }],
];

for (const [consumer, expected] of consumers) {
  it.concurrent(`${describeConsumer(consumer)}: one copy of each peer, type-checks, cdktn deploy, outputs and tokens, no changes, destroy`, async () => {
    const versions = await runConsumer(consumer, tarball, root);
    if (expected) expect(versions).toEqual(expected);
  });
}
