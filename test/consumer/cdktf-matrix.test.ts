/**
 * The cdktf package across the version matrix, from its packed tarball (made from a clean copy, as
 * pack.test.ts checks in detail). pack.test.ts is the `cdktf init` shape on this machine's Node 20 with
 * CommonJS; here the other dimensions, combined: the init shape on Node 22 as an ES module, and the oldest
 * versions the peer ranges admit on Node 24 with CommonJS (cdktf-cli itself on Node 22: it does not start on
 * 24, see matrix.ts). Each consumer: see matrix.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeConsumer, runConsumer, type Consumer } from './matrix';
import { cleanCopy, npmEnv, ok, packed, stopEmulators, timings } from './support';

jest.setTimeout(300_000);

const root = mkdtempSync(join(tmpdir(), 'workzone-cpr-cdktf-matrix-'));
let tarball: string;

beforeAll(async () => {
  const src = join(root, 'src');
  cleanCopy(src);
  tarball = packed(await ok('npm', ['pack', '--json', '--pack-destination', root], src, npmEnv(), undefined, 'npm pack (cdktf)'), root).tarball;
});

afterAll(() => {
  stopEmulators();
  rmSync(root, { recursive: true, force: true });
  console.log(`cdktf matrix steps: ${JSON.stringify(timings, null, 1)}`);
});

const consumers: Consumer[] = [
  { framework: 'cdktf', versions: 'init', node: 22, module: 'esm' },
  { framework: 'cdktf', versions: 'oldest', node: 24, module: 'commonjs', cliNode: 22 },
];

for (const consumer of consumers) {
  it(`${describeConsumer(consumer)}: installs one copy of each peer, type-checks, cdktf deploy, outputs and tokens, no changes, cdktf destroy`, async () => {
    const versions = await runConsumer(consumer, tarball, root);
    if (consumer.versions === 'oldest') expect(versions).toEqual({ '@cdktf/provider-random': '12.0.0', cdktf: '0.21.0', constructs: '10.4.2' });
  });
}
