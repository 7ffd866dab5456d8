/** Writes every generated file (bindings now; reference docs later) from the provider schemas. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedFiles } from './files';

const root = join(__dirname, '..', '..');
for (const { path, text } of generatedFiles()) {
  writeFileSync(join(root, path), text);
  console.log(`wrote ${path}`);
}
