/** Writes every generated file (bindings, reference docs, the plugin protocol module) and removes stale ones. */
import { mkdirSync, readdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GENERATED_DIRS, generatedFiles, staleGeneratedFiles } from './files';

const root = join(__dirname, '..', '..');
const files = generatedFiles(root);
for (const { path, text } of files) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
  console.log(`wrote ${path}`);
}
for (const path of staleGeneratedFiles(files, root)) {
  rmSync(join(root, path));
  console.log(`removed ${path} (no longer generated)`);
}

/** Removes directories left empty under a generated directory; returns whether `dir` itself is now empty. */
function pruneEmpty(dir: string): boolean {
  let empty = true;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && pruneEmpty(join(dir, entry.name))) rmdirSync(join(dir, entry.name));
    else empty = false;
  }
  return empty;
}
for (const dir of GENERATED_DIRS) pruneEmpty(join(root, dir));
