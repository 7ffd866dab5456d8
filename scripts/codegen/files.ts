/**
 * The list of generated files: from the schemas (bindings, reference docs), the construct specs with the
 * schemas (props interfaces, docs/constructs.md), proto/*.proto (the plugin runtime's protocol module), and
 * the generated regions of hand-written pages (the family table, the doctor's assumption tables).
 * What `npm run generate` writes and the staleness test checks.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CONSTRUCT_SPECS } from '../../lib/constructs/specs';
import { CPR_UPDATE_MODULE, CVR_UPDATE_MODULE } from '../../lib/constructs/update-module';
import { kmdlogicSchema } from '../../lib/schemas/kmdlogic';
import type { ProviderSchema } from '../../lib/schemas/types';
import { workzoneSchema } from '../../lib/schemas/workzone';
import { generateBindings } from './bindings';
import { CONSTRUCTS_DOC, generateConstructDocs, generatePropsInterfaces, PROPS_MODULE } from './constructs';
import { generateDocs, REFERENCE_DIR } from './docs';
import { examplesFor, readExample } from './examples';
import { assumptionTable } from '../../lib/doctor/assumptions';
import { familyTable } from './family';
import { withRegion } from './regions';
import { generateProtocol, PROTOCOL_MODULE, readProtos } from './protocol';

export interface GeneratedFile {
  readonly path: string;
  readonly text: string;
}

const repoRoot = join(__dirname, '..', '..');

/** Directories that hold generated files only: a file there that generatedFiles() does not list is stale. */
export const GENERATED_DIRS: readonly string[] = [REFERENCE_DIR];

/** The set-ups and their modules, in the order of the docs. */
const SETUPS = { CprUpdateSetup: CPR_UPDATE_MODULE, CvrUpdateSetup: CVR_UPDATE_MODULE };

/** Generated regions of hand-written pages (regions.ts): the family table, the doctor's assumption tables. */
const REGIONS: readonly { readonly path: string; readonly name: string; body(): string }[] = [
  { path: 'README.md', name: 'family-table', body: () => familyTable(SETUPS) },
  { path: 'docs/contact-update-family.md', name: 'family-table', body: () => familyTable(SETUPS) },
  { path: 'docs/workzone-api.md', name: 'assumptions:workzone', body: () => `${assumptionTable('workzone')}\n` },
  { path: 'docs/kmdlogic-api.md', name: 'assumptions:kmdlogic', body: () => `${assumptionTable('kmdlogic')}\n` },
];

/** The hand-written pages that hold generated regions. */
export const REGION_PAGES: readonly string[] = [...new Set(REGIONS.map((r) => r.path))];

const providers: readonly { schema: ProviderSchema; module: string }[] = [
  { schema: workzoneSchema, module: 'lib/schemas/workzone.ts' },
  { schema: kmdlogicSchema, module: 'lib/schemas/kmdlogic.ts' },
];

/** Throws when an example that a resource, data source or provider needs is missing. */
export function generatedFiles(root = repoRoot): GeneratedFile[] {
  const files: GeneratedFile[] = providers.map(({ schema, module }) => ({ path: `lib/bindings/${schema.name}.ts`, text: generateBindings(schema, module) }));
  files.push({ path: PROTOCOL_MODULE, text: generateProtocol(readProtos(repoRoot)) });
  files.push({ path: PROPS_MODULE, text: generatePropsInterfaces(CONSTRUCT_SPECS) });
  files.push({ path: CONSTRUCTS_DOC, text: generateConstructDocs(CONSTRUCT_SPECS, providers.map((p) => p.schema), SETUPS) });
  for (const path of REGION_PAGES) {
    const page = REGIONS.filter((r) => r.path === path).reduce((text, r) => withRegion(text, path, r.name, r.body()), readFileSync(join(root, path), 'utf8'));
    files.push({ path, text: page });
  }
  for (const { schema, module } of providers) {
    const examples = examplesFor(schema).map((e) => ({ ...e, ...readExample(root, e) }));
    files.push(...generateDocs(schema, module, examples));
  }
  return files;
}

function listFiles(root: string, dir: string): string[] {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(root, join(d.parentPath, d.name)).split('\\').join('/'));
}

/** Files in GENERATED_DIRS that the generator no longer writes (such as the docs of a removed resource). */
export function staleGeneratedFiles(files: readonly GeneratedFile[], root = repoRoot): string[] {
  const wanted = new Set(files.map((f) => f.path));
  return GENERATED_DIRS.flatMap((dir) => listFiles(root, dir)).filter((path) => !wanted.has(path)).sort();
}
