/**
 * The examples/ layout (as tfplugindocs reads it): one runnable root module per provider, resource and
 * data source. The docs embed these files, so a missing one is an error, not a gap in the docs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProviderSchema } from '../../lib/schemas/types';

export type ExampleKind = 'provider' | 'resource' | 'data-source';

export interface Example {
  readonly kind: ExampleKind;
  /** Provider name, resource type or data source type. */
  readonly name: string;
  /** Directory relative to the repository root, such as examples/resources/workzone_oauth_client. */
  readonly dir: string;
  /** The HCL file in `dir`: provider.tf, resource.tf or data-source.tf. */
  readonly hclFile: string;
  /** resource only: import.sh in `dir`. */
  readonly importFile?: string;
}

/** Every example the schema calls for, provider first. */
export function examplesFor(schema: ProviderSchema): Example[] {
  return [
    { kind: 'provider', name: schema.name, dir: `examples/provider/${schema.name}`, hclFile: 'provider.tf' },
    ...Object.keys(schema.resources).map(
      (type): Example => ({ kind: 'resource', name: type, dir: `examples/resources/${type}`, hclFile: 'resource.tf', importFile: 'import.sh' }),
    ),
    ...Object.keys(schema.dataSources).map((type): Example => ({ kind: 'data-source', name: type, dir: `examples/data-sources/${type}`, hclFile: 'data-source.tf' })),
  ];
}

export interface ExampleText {
  readonly hcl: string;
  readonly importSh?: string;
}

/** Reads an example's files; throws naming the missing file so that docs and examples stay in step. */
export function readExample(root: string, example: Example): ExampleText {
  const read = (file: string): string => {
    const path = join(example.dir, file);
    if (!existsSync(join(root, path))) {
      throw new Error(`Missing example ${path} for ${example.kind} ${example.name}: every ${example.kind} needs one (the reference docs embed it).`);
    }
    return readFileSync(join(root, path), 'utf8');
  };
  return { hcl: read(example.hclFile), importSh: example.importFile ? read(example.importFile) : undefined };
}
