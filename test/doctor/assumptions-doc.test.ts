/**
 * One source of truth: the assumption tables of docs/workzone-api.md and docs/kmdlogic-api.md are
 * `assumptionTable()` of lib/doctor/assumptions.ts, the list the doctor's report lines come from.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ASSUMPTIONS, assumption, assumptionTable, type Service } from '../../lib/doctor/assumptions';
import { CANDIDATE_ROOTS } from '../../lib/doctor/workzone';

const DOCS: Record<Service, string> = { workzone: 'docs/workzone-api.md', kmdlogic: 'docs/kmdlogic-api.md' };

describe.each(Object.entries(DOCS) as [Service, string][])('%s assumptions in %s', (service, path) => {
  test('the table between the markers is the list in code (on a difference, paste the expected text)', () => {
    const text = readFileSync(join(__dirname, '../..', path), 'utf8');
    const start = `<!-- assumptions:${service} (generated from lib/doctor/assumptions.ts; test/doctor/assumptions-doc.test.ts keeps it so) -->\n`;
    const end = `\n<!-- /assumptions:${service} -->`;
    expect(text).toContain(start);
    expect(text).toContain(end);
    const table = text.slice(text.indexOf(start) + start.length, text.indexOf(end));
    expect(table).toBe(assumptionTable(service));
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
