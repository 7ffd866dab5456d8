#!/usr/bin/env node
/**
 * Bundles each provider entry (lib/providers/<name>/main.ts) into ONE executable script,
 * dist/providers/terraform-provider-<name>.js, plus a manifest (<same>.json: name, source, version) that
 * lib/providers/mirror.ts uses to lay out the filesystem mirror.
 *
 * The first lines form a sh/JavaScript polyglot launcher. sh runs line 2: it moves NODE_EXTRA_CA_CERTS
 * aside (Node would parse those certificates eagerly at boot, ~80 ms, on every one of the 3–5 starts per
 * terraform command) and execs node on the same file; the runtime honours them lazily (extra-ca.ts).
 * Node loads the file with require(), not as its main module: a mirror inside an ES module project
 * ("type": "module") would make `node <file>` take the bundle for an ES module and refuse its name
 * (`_v0.1.0`: unknown extension ".0"), while require() reads a file of any other extension as CommonJS.
 * process.argv is the same either way ([node, absolute file, ...args]).
 * For node, line 1 is a hashbang and line 2 a string plus a comment. `--launcher=node` writes a plain
 * `#!/usr/bin/env node` instead.
 *
 * Usage: node scripts/build-providers.mjs [--entry name=path]... [--outdir dir] [--launcher=sh|node] [--no-minify]
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PROVIDERS = ['workzone', 'kmdlogic'];

export const LAUNCHERS = {
  sh: '#!/bin/sh\n":" //; export NODE_EXTRA_CA_CERTS_DEFERRED="${NODE_EXTRA_CA_CERTS-}"; unset NODE_EXTRA_CA_CERTS; exec node -e \'require(process.argv[1] = require("path").resolve(process.argv[1]))\' "$0" "$@"\n',
  node: '#!/usr/bin/env node\n',
};

function parseArgs(argv) {
  const options = { entries: [], outdir: join(root, 'dist/providers'), launcher: 'sh', minify: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (arg.includes('=') && arg.startsWith('--') && !arg.startsWith('--entry')) return arg.slice(arg.indexOf('=') + 1);
      return argv[++i];
    };
    if (arg === '--entry') {
      const spec = argv[++i] ?? '';
      const eq = spec.indexOf('=');
      if (eq < 1) throw new Error(`--entry takes name=path, got "${spec}"`);
      options.entries.push({ name: spec.slice(0, eq), path: resolve(spec.slice(eq + 1)) });
    } else if (arg === '--outdir' || arg.startsWith('--outdir=')) options.outdir = resolve(value());
    else if (arg === '--launcher' || arg.startsWith('--launcher=')) options.launcher = value();
    else if (arg === '--no-minify') options.minify = false;
    else throw new Error(`unknown argument ${arg}`);
  }
  if (!LAUNCHERS[options.launcher]) throw new Error(`--launcher must be sh or node`);
  if (options.entries.length === 0) {
    for (const name of PROVIDERS) {
      const path = join(root, 'lib/providers', name, 'main.ts');
      if (existsSync(path)) options.entries.push({ name, path });
    }
  }
  return options;
}

async function bundle(entry, options) {
  const outfile = join(options.outdir, `terraform-provider-${entry.name}.js`);
  const result = await build({
    entryPoints: [entry.path],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: options.minify,
    legalComments: 'none',
    write: false,
    outfile,
    logLevel: 'warning',
  });
  const code = result.outputFiles[0].text.replace(/^#!.*\n/, '');
  writeFileSync(outfile, LAUNCHERS[options.launcher] + code);
  chmodSync(outfile, 0o755);
  // The bundle describes itself (name, source, version from its schema): one source of truth.
  const manifest = JSON.parse(execFileSync(process.execPath, [outfile, '--describe'], { encoding: 'utf8', env: { PATH: process.env.PATH } }));
  if (manifest.name !== entry.name) throw new Error(`${entry.path} serves provider "${manifest.name}", not "${entry.name}"`);
  writeFileSync(outfile.replace(/\.js$/, '.json'), JSON.stringify({ ...manifest, file: `terraform-provider-${entry.name}.js` }, null, 2) + '\n');
  return { outfile, bytes: readFileSync(outfile).length };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.entries.length === 0) {
    console.error('No provider entries found (lib/providers/<name>/main.ts); nothing to build.');
    return;
  }
  mkdirSync(options.outdir, { recursive: true });
  for (const entry of options.entries) {
    const { outfile, bytes } = await bundle(entry, options);
    console.log(`${outfile} (${(bytes / 1024).toFixed(1)} KiB)`);
  }
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
