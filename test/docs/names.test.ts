/**
 * The table of the OAuth client's names in docs/architecture.md ("Layers and names") matches the code, row by
 * row: the construct prop exists, the HCL attribute is in the schema, the binding's config property is the
 * attribute in camel case, and the OData property is the one lib/providers/workzone/wire.ts sends. Every wire
 * property has a row.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OAUTH_CLIENT_WIRE } from '../../lib/providers/workzone/wire';
import { workzoneSchema } from '../../lib/schemas/workzone';
import { publicApi } from '../surface/public-api';
import { root } from './markdown';

interface Row {
  readonly form: string;
  readonly prop?: string;
  readonly attribute?: string;
  readonly wire?: string;
}

const code = (cell: string): string | undefined => /^`([^`]+)`$/.exec(cell.trim())?.[1];

/** The rows of the table whose header starts with "Configurator form". */
function namesTable(markdown: string): Row[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.startsWith('| Configurator form'));
  if (start < 0) throw new Error('docs/architecture.md has no table headed "| Configurator form"');
  const rows: Row[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const [form, prop, attribute, wire] = line.split('|').slice(1, -1);
    rows.push({ form: form.trim(), prop: code(prop), attribute: code(attribute), wire: code(wire) });
  }
  return rows;
}

const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const rows = namesTable(readFileSync(join(root, 'docs/architecture.md'), 'utf8'));
const api = publicApi();
const wire: Record<string, { property: string }> = OAUTH_CLIENT_WIRE;
const attributes = workzoneSchema.resources.workzone_oauth_client.attributes as Record<string, unknown>;

describe('docs/architecture.md: the OAuth client layer by layer', () => {
  test.each(rows.map((r) => [r.form, r]))('%s', (_, row) => {
    if (row.prop !== undefined) expect(api.get('WorkZoneOAuthClientProps')!.members).toContain(row.prop);
    if (row.attribute !== undefined) {
      expect(Object.keys(attributes)).toContain(row.attribute);
      expect(api.get('workzone.OauthClientConfig')!.members).toContain(camel(row.attribute));
      expect(row.wire).toBe(wire[row.attribute]?.property);
    }
    if (row.attribute === undefined) expect(Object.values(wire).map((w) => w.property)).toContain(row.wire);
  });

  test('every property on the wire has a row', () => {
    expect(rows.map((r) => r.wire).sort()).toEqual(Object.values(wire).map((w) => w.property).sort());
  });
});
