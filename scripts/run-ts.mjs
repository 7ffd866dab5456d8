// Runs a TypeScript script without a TypeScript runtime: esbuild bundles it in memory, node runs it.
// Usage: node scripts/run-ts.mjs <entry.ts> [args...]   (`__dirname` in the bundle is the entry's folder)
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';

const [entryArg, ...args] = process.argv.slice(2);
if (!entryArg) {
  console.error('usage: node scripts/run-ts.mjs <entry.ts> [args...]');
  process.exit(2);
}
const entry = resolve(entryArg);
const result = await build({
  entryPoints: [entry],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  write: false,
  packages: 'external',
  define: { __dirname: JSON.stringify(dirname(entry)) },
  logLevel: 'warning',
});
// Inside the project, so that packages left external resolve from its node_modules.
const cache = join(process.cwd(), 'node_modules', '.cache', 'run-ts');
mkdirSync(cache, { recursive: true });
const dir = mkdtempSync(join(cache, 'run-'));
const file = join(dir, 'main.cjs');
writeFileSync(file, result.outputFiles[0].text);
process.argv = [process.argv[0], entry, ...args];
try {
  createRequire(join(process.cwd(), 'package.json'))(file);
} finally {
  // The script may still run (async): remove the copy once node is done with it.
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
}
