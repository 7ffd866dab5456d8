#!/usr/bin/env node
/**
 * Why the plugin runtime is hand-written (docs/decisions/0001-hand-written-plugin-runtime.md): the start-up
 * each library would add to a provider, against what our whole runtime adds. Every program is bundled with
 * esbuild the way the providers are (one minified CJS file) and timed from spawn to its first stdout line,
 * round-robin with a bare `node -e 0` (the floor); the figure is the median minus the floor's median.
 * NODE_EXTRA_CA_CERTS is unset for every program (the providers' launcher defers it; see
 * lib/providers/plugin/startup.ts), so only the code's own cost is compared.
 *
 * Programs (bench/fixtures/runtime-libraries/): @grpc/grpc-js serving plain and with mutual TLS,
 * @grpc/proto-loader loading proto/tfplugin6.proto, node-forge signing a certificate, our certificate
 * code alone, and the fixture provider (our whole runtime: mTLS gRPC server, certificate, handshake line).
 *
 * Usage: node bench/runtime-libraries.mjs [--runs 20]   (`npm run bench` runs it as its "libraries" section)
 * Prints a table, then one JSON line.
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sampleInterleaved } from './support/spawn-timing.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const COOKIE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';

const args = process.argv.slice(2);
let runs = 20;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') runs = Number(args[++i]);
  else throw new Error(`unknown argument ${args[i]}; usage: bench/runtime-libraries.mjs [--runs N]`);
}

const work = mkdtempSync(join(tmpdir(), 'runtime-libraries-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

const bundle = async (entry, outfile) => {
  await build({ entryPoints: [entry], bundle: true, platform: 'node', target: 'node20', format: 'cjs', minify: true, legalComments: 'none', outfile, logLevel: 'warning' });
  return outfile;
};

// Identities like terraform's and ours, made before any clock starts.
const certificateModule = await bundle(join(root, 'lib/providers/plugin/tls/certificate.ts'), join(work, 'certificate.cjs'));
const { createServerIdentity } = await import(pathToFileURL(certificateModule).href);
const client = createServerIdentity();
const server = createServerIdentity();
const rsaKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' });

const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS;
const programEnv = () => ({
  ...env,
  BENCH_SOCKET: join(work, `${randomBytes(6).toString('hex')}.sock`),
  BENCH_CLIENT_CERT: client.certPem,
  BENCH_KEY: server.keyPem,
  BENCH_CERT: server.certPem,
  BENCH_RSA_KEY: rsaKey,
  BENCH_PROTO: join(root, 'proto/tfplugin6.proto'),
});

const fixtures = join(root, 'bench/fixtures/runtime-libraries');
const program = async (label, file) => ({
  label,
  command: process.execPath,
  args: [await bundle(join(fixtures, file), join(work, file))],
  env: programEnv,
});

execFileSync(process.execPath, [join(root, 'scripts/build-providers.mjs'), '--entry', `fixture=${join(root, 'test/providers/plugin/fixture/main.ts')}`, '--outdir', join(work, 'fixture'), '--launcher=node'], { stdio: 'ignore' });
const targets = [
  { label: 'node -e 0', command: process.execPath, args: ['-e', '0'], env: () => env, untilLine: false },
  {
    label: 'our runtime (fixture provider to its handshake line)',
    command: process.execPath,
    args: [join(work, 'fixture/terraform-provider-fixture.js')],
    env: () => ({ ...env, TF_PLUGIN_MAGIC_COOKIE: COOKIE, PLUGIN_CLIENT_CERT: client.certPem, PLUGIN_PROTOCOL_VERSIONS: '5,6', TF_LOG: '', TF_LOG_PROVIDER: '' }),
    check: (line) => {
      if (!line.startsWith('1|6|unix|')) throw new Error(`bad handshake line: ${line}`);
    },
  },
  await program('our certificate code alone', 'ours-certificate.cjs'),
  await program('@grpc/grpc-js server, plaintext', 'grpc-js-plain.cjs'),
  await program('@grpc/grpc-js server, mutual TLS', 'grpc-js-mtls.cjs'),
  await program('@grpc/proto-loader loading tfplugin6.proto', 'proto-loader.cjs'),
  await program('node-forge signing a certificate', 'node-forge.cjs'),
];

const rows = await sampleInterleaved(targets, runs);
const floor = rows[0].median;
console.log(`spawn → first line (or exit), ${runs} runs each, round-robin (ms); NODE_EXTRA_CA_CERTS unset`);
console.log(['what'.padEnd(52), 'median', '   p10', '   p90', ' added'].join(' '));
for (const r of rows) {
  console.log([r.label.padEnd(52), r.median.toFixed(1).padStart(6), r.p10.toFixed(1).padStart(6), r.p90.toFixed(1).padStart(6), (r.median - floor).toFixed(1).padStart(6)].join(' '));
}
console.log(
  JSON.stringify({
    runs,
    nodeMedianMs: +floor.toFixed(1),
    rows: rows.map((r) => ({ label: r.label, medianMs: +r.median.toFixed(1), p10Ms: +r.p10.toFixed(1), p90Ms: +r.p90.toFixed(1), addedMs: +(r.median - floor).toFixed(1) })),
  }),
);
