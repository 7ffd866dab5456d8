#!/usr/bin/env node
/**
 * Start-up cost of a bundled provider, measured as terraform pays it: spawn with the magic cookie,
 * PLUGIN_CLIENT_CERT and PLUGIN_PROTOCOL_VERSIONS, stop the clock at the handshake line on stdout.
 * Compared with a bare `node -e 0` (with and without NODE_EXTRA_CA_CERTS, which Node loads eagerly).
 * Every program is sampled round-robin (bench/support/spawn-timing.mjs).
 *
 * Usage: node bench/provider-startup.mjs [--runs 30] [bundle.js ...]   (`npm run bench` runs it as its
 * "startup" section, with the bundles it built)
 * Without bundles it builds the test fixture provider twice (sh launcher, plain node launcher) into a
 * temp dir, plus any dist/providers/terraform-provider-*.js present. The first bundle also runs with its
 * start-up tricks off (WORKZONE_CPR_PLAIN_START=1, lib/providers/plugin/startup.ts): what they save.
 * Prints a table, then one JSON line.
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sampleInterleaved } from './support/spawn-timing.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const COOKIE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';
const TARGET_MS = 150;

const args = process.argv.slice(2);
let runs = 30;
const bundles = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') runs = Number(args[++i]);
  else bundles.push({ name: args[i], file: resolve(args[i]) });
}

const work = mkdtempSync(join(tmpdir(), 'provider-bench-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

// A client certificate like terraform's, made with the runtime's own certificate code.
await build({
  entryPoints: [join(root, 'lib/providers/plugin/tls/certificate.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  outfile: join(work, 'certificate.mjs'),
  logLevel: 'warning',
});
const { createServerIdentity } = await import(pathToFileURL(join(work, 'certificate.mjs')).href);
const clientCertPem = createServerIdentity().certPem;

if (bundles.length === 0) {
  for (const launcher of ['sh', 'node']) {
    const outdir = join(work, launcher);
    execFileSync(process.execPath, [join(root, 'scripts/build-providers.mjs'), '--entry', `fixture=${join(root, 'test/providers/plugin/fixture/main.ts')}`, '--outdir', outdir, `--launcher=${launcher}`], { stdio: 'ignore' });
    bundles.push({ name: `fixture provider (${launcher} launcher)`, file: join(outdir, 'terraform-provider-fixture.js') });
  }
  const dist = join(root, 'dist/providers');
  if (existsSync(dist)) {
    for (const f of readdirSync(dist).filter((f) => /^terraform-provider-.+\.js$/.test(f))) bundles.push({ name: f, file: join(dist, f) });
  }
}

const baseEnv = { ...process.env };
const extraCa = baseEnv.NODE_EXTRA_CA_CERTS;
const providerEnv = { ...baseEnv, TF_PLUGIN_MAGIC_COOKIE: COOKIE, PLUGIN_CLIENT_CERT: clientCertPem, PLUGIN_PROTOCOL_VERSIONS: '5,6', TF_LOG: '', TF_LOG_PROVIDER: '' };

const HANDSHAKE = /^1\|6\|unix\|[^|]+\|grpc\|[A-Za-z0-9+/]+\n$/;
const checkHandshake = (line) => {
  if (!HANDSHAKE.test(line)) throw new Error(`bad handshake line: ${line}`);
};

const withoutCa = { ...baseEnv };
delete withoutCa.NODE_EXTRA_CA_CERTS;
const targets = [{ label: `node -e 0${extraCa ? ' (NODE_EXTRA_CA_CERTS set)' : ''}`, command: process.execPath, args: ['-e', '0'], env: () => baseEnv, untilLine: false }];
if (extraCa) targets.push({ label: 'node -e 0 (NODE_EXTRA_CA_CERTS unset)', command: process.execPath, args: ['-e', '0'], env: () => withoutCa, untilLine: false });
for (const bundle of bundles) targets.push({ label: bundle.name, command: bundle.file, args: [], env: () => providerEnv, check: checkHandshake });
const plainEnv = { ...providerEnv, WORKZONE_CPR_PLAIN_START: '1' };
const first = bundles[0];
targets.push({ label: `${first.name.replace(/^.*\//, '').replace(/^terraform-provider-/, '').replace(/\.js$/, '')}, start-up tricks off (WORKZONE_CPR_PLAIN_START=1)`, command: first.file, args: [], env: () => plainEnv, check: checkHandshake });
const rows = await sampleInterleaved(targets, runs);

const baseline = rows[0].median;
console.log(`spawn → handshake line, ${runs} runs each (ms)  NODE_EXTRA_CA_CERTS=${extraCa ?? '(unset)'}`);
const width = Math.max(...rows.map((r) => r.label.length));
console.log(['what'.padEnd(width), 'median', '   p10', '   p90', '  ×node'].join(' '));
for (const r of rows) {
  console.log([r.label.padEnd(width), r.median.toFixed(1).padStart(6), r.p10.toFixed(1).padStart(6), r.p90.toFixed(1).padStart(6), (r.median / baseline).toFixed(2).padStart(7)].join(' '));
}
const providers = rows.slice(extraCa ? 2 : 1, rows.length - 1);
const best = providers.reduce((a, b) => (a.median <= b.median ? a : b));
console.log(
  JSON.stringify({
    runs,
    nodeMedianMs: +baseline.toFixed(1),
    rows: rows.map((r) => ({ label: r.label, medianMs: +r.median.toFixed(1), p10Ms: +r.p10.toFixed(1), p90Ms: +r.p90.toFixed(1) })),
    providers: Object.fromEntries(providers.map((r) => [r.label, +r.median.toFixed(1)])),
    bestMedianMs: +best.median.toFixed(1),
    targetMs: TARGET_MS,
    withinTarget: best.median <= TARGET_MS,
  }),
);
