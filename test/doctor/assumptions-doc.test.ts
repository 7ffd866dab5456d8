/**
 * One source of truth: the assumption tables of docs/workzone-api.md and docs/kmdlogic-api.md are
 * `assumptionTable()` of lib/doctor/assumptions.ts, the list the doctor's report lines come from (a generated
 * region of each page, written by `npm run generate`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ASSUMPTIONS, assumption, assumptionTable, type Service } from '../../lib/doctor/assumptions';
import { CANDIDATE_ROOTS } from '../../lib/doctor/workzone';
import { withRegion } from '../../scripts/codegen/regions';

const DOCS: Record<Service, string> = { workzone: 'docs/workzone-api.md', kmdlogic: 'docs/kmdlogic-api.md' };

describe.each(Object.entries(DOCS) as [Service, string][])('%s assumptions in %s', (service, path) => {
  test('the table between the markers is the list in code (on a difference, run `npm run generate`)', () => {
    const text = readFileSync(join(__dirname, '../..', path), 'utf8');
    expect(text).toContain(`<!-- assumptions:${service} (generated from lib/doctor/assumptions.ts by npm run generate) -->\n`);
    expect(text).toContain(`\n<!-- /assumptions:${service} -->`);
    expect(withRegion(text, path, `assumptions:${service}`, `${assumptionTable(service)}\n`)).toBe(text);
  });
});

test('every assumption has a unique id, a check, and a source', () => {
  const ids = ASSUMPTIONS.map((a) => a.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const a of ASSUMPTIONS) {
    expect(a.check.length).toBeGreaterThan(10);
    expect(a.source.length).toBeGreaterThan(3);
  }
});

test('the roots the doctor tries are the ones the odata-root row names', () => {
  for (const root of CANDIDATE_ROOTS) expect(assumption('odata-root').check).toContain(`\`${root}\``);
});
