/** The list of files generated from the schemas: what `npm run generate` writes and the staleness test checks. */
import { kmdlogicSchema } from '../../lib/schemas/kmdlogic';
import { workzoneSchema } from '../../lib/schemas/workzone';
import { generateBindings } from './bindings';
import { generateDocs } from './docs';

export interface GeneratedFile {
  readonly path: string;
  readonly text: string;
}

export function generatedFiles(): GeneratedFile[] {
  return [
    { path: 'lib/bindings/workzone.ts', text: generateBindings(workzoneSchema, 'lib/schemas/workzone.ts') },
    { path: 'lib/bindings/kmdlogic.ts', text: generateBindings(kmdlogicSchema, 'lib/schemas/kmdlogic.ts') },
    { path: 'docs/reference/workzone.md', text: generateDocs(workzoneSchema, 'lib/schemas/workzone.ts') },
    { path: 'docs/reference/kmdlogic.md', text: generateDocs(kmdlogicSchema, 'lib/schemas/kmdlogic.ts') },
  ];
}
