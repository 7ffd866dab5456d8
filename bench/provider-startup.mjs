#!/usr/bin/env node
/**
 * Start-up cost of a bundled provider, measured as terraform pays it: spawn with the magic cookie,
 * PLUGIN_CLIENT_CERT and PLUGIN_PROTOCOL_VERSIONS, stop the clock at the handshake line on stdout.
 * Compared with a bare `node -e 0` (with and without NODE_EXTRA_CA_CERTS, which Node loads eagerly).
 *
 * Usage: node bench/provider-startup.mjs [--runs 30] [bundle.js ...]   (`npm run bench` runs it as its
 * "startup" section, with the bundles it built)
 * Without bundles it builds the test fixture provider twice (sh launcher, plain node launcher) into a
 * temp dir, plus any dist/providers/terraform-provider-*.js present. Prints a table, then one JSON line.
 */
import { build } from 'esbuild';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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

/** ms from spawn to the first stdout line (or to exit, for `node -e 0`). */
function once(command, argv, env, untilLine) {
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
    let out = '';
    let err = '';
    let done = false;
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      if (untilLine && !done && out.includes('\n')) {
        done = true;
        const ms = elapsed();
        if (!/^1\|6\|unix\|[^|]+\|grpc\|[A-Za-z0-9+/]+\n$/.test(out)) reject(new Error(`bad handshake line: ${out}`));
        child.kill('SIGTERM');
        resolvePromise(ms);
      }
    });
    child.on('exit', (code) => {
      if (!untilLine) return code === 0 ? resolvePromise(elapsed()) : reject(new Error(`exit ${code}`));
      if (!done) reject(new Error(`provider exited (${code}) before the handshake: ${err}`));
    });
  });
}

async function measure(label, command, argv, env, untilLine) {
  await once(command, argv, env, untilLine); // warm the file cache
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(await once(command, argv, env, untilLine));
  samples.sort((a, b) => a - b);
  const pick = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
  return { label, median: pick(0.5), p10: pick(0.1), p90: pick(0.9) };
}

const withoutCa = { ...baseEnv };
delete withoutCa.NODE_EXTRA_CA_CERTS;
const rows = [];
rows.push(await measure(`node -e 0${extraCa ? ' (NODE_EXTRA_CA_CERTS set)' : ''}`, process.execPath, ['-e', '0'], baseEnv, false));
if (extraCa) rows.push(await measure('node -e 0 (NODE_EXTRA_CA_CERTS unset)', process.execPath, ['-e', '0'], withoutCa, false));
for (const bundle of bundles) rows.push(await measure(bundle.name, bundle.file, [], providerEnv, true));

const baseline = rows[0].median;
console.log(`spawn → handshake line, ${runs} runs each (ms)  NODE_EXTRA_CA_CERTS=${extraCa ?? '(unset)'}`);
console.log(['what'.padEnd(48), 'median', '   p10', '   p90', '  ×node'].join(' '));
for (const r of rows) {
  console.log([r.label.padEnd(48), r.median.toFixed(1).padStart(6), r.p10.toFixed(1).padStart(6), r.p90.toFixed(1).padStart(6), (r.median / baseline).toFixed(2).padStart(7)].join(' '));
}
const providers = rows.slice(extraCa ? 2 : 1);
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
