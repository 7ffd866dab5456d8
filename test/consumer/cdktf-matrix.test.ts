/**
 * The cdktf package across the version matrix, from its packed tarball (support.ts, packedTarballs).
 * pack.test.ts is the `cdktf init` shape on this machine's Node 20 with CommonJS; here the other dimensions,
 * combined: the init shape on Node 22 as an ES module, and the oldest versions the peer ranges admit on
 * Node 24 with CommonJS (cdktf-cli itself on Node 22: it does not start on 24, see matrix.ts). The two
 * consumers run at once, each in its own project with its own emulators. Each consumer: see matrix.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeConsumer, runConsumer, type Consumer } from './matrix';
import { packedTarballs, stopEmulators, timings } from './support';

jest.setTimeout(300_000);

const root = mkdtempSync(join(tmpdir(), 'workzone-cpr-cdktf-matrix-'));
let tarball: string;

beforeAll(async () => {
  tarball = (await packedTarballs()).cdktf.tarball;
});

afterAll(() => {
  stopEmulators();
  rmSync(root, { recursive: true, force: true });
  console.log(`cdktf matrix steps: ${JSON.stringify(timings, null, 1)}`);
});

const consumers: [Consumer, Record<string, string>?][] = [
  [{ framework: 'cdktf', versions: 'init', node: 22, module: 'esm' }],
  [{ framework: 'cdktf', versions: 'oldest', node: 24, module: 'commonjs', cliNode: 22 }, { '@cdktf/provider-random': '12.0.0', cdktf: '0.21.0', constructs: '10.4.2' }],
];

for (const [consumer, expected] of consumers) {
  it.concurrent(`${describeConsumer(consumer)}: one copy of each peer, type-checks, cdktf deploy, outputs and tokens, no changes, destroy`, async () => {
    const versions = await runConsumer(consumer, tarball, root);
    if (expected) expect(versions).toEqual(expected);
  });
}
