// Runs scripts/codegen/main.ts without a TypeScript runtime: esbuild bundles it in memory, node runs it.
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const result = await build({
  entryPoints: [join(root, 'scripts/codegen/main.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  write: false,
  define: { __dirname: JSON.stringify(join(root, 'scripts/codegen')) },
});
const dir = mkdtempSync(join(tmpdir(), 'codegen-'));
try {
  const file = join(dir, 'main.cjs');
  writeFileSync(file, result.outputFiles[0].text);
  createRequire(import.meta.url)(file);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
