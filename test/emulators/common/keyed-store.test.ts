import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { DataFileError } from '../../../lib/emulators/common/data-file';
import { KeyedStore } from '../../../lib/emulators/common/keyed-store';

interface Item {
  id: string;
  value: string;
  version: number;
}

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyed-store-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const open = (dataDir: string | null = dir, notice?: (m: string) => void) =>
  new KeyedStore<Item>('items', {
    dataDir: dataDir ?? undefined,
    field: 'items',
    record: z.strictObject({ id: z.string(), value: z.string(), version: z.number().int() }),
    keyOf: (i) => i.id,
    seqOf: (i) => i.version,
    holds: 'the test items',
    ifDeleted: 'there are no items',
    notice,
  });
const put = (store: KeyedStore<Item>, id: string, value = id) => store.put((seq) => ({ id, value, version: seq }));
const snapshot = () => path.join(dir, 'items.json');
const journal = () => path.join(dir, 'items.journal');
const journalLines = () => fs.readFileSync(journal(), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

/** What a crash leaves: the files as they are while the store is open, in another directory. */
function crashCopy(): string {
  const copy = fs.mkdtempSync(path.join(dir, 'crash-'));
  for (const f of [snapshot(), journal()]) if (fs.existsSync(f)) fs.copyFileSync(f, path.join(copy, path.basename(f)));
  return copy;
}

test('in memory: put, get, delete; every change advances seq', () => {
  const s = open(null);
  expect(put(s, 'a').version).toBe(1);
  expect(put(s, 'a', 'again').version).toBe(2);
  expect(s.delete('a')).toBe(true);
  expect(s.delete('a')).toBe(false);
  expect(s.seq).toBe(3);
  expect(s.get('a')).toBeUndefined();
  expect(s.file).toBeUndefined();
  s.close();
  expect(() => put(s, 'late')).toThrow(/the items store is closed/);
});

test('a change appends one journal line and leaves the snapshot alone, however many records there are', () => {
  const s = open();
  for (let i = 0; i < 300; i++) put(s, `item-${i}`);
  const before = fs.statSync(snapshot());
  const journalBefore = fs.statSync(journal()).size;
  put(s, 'one-more');
  s.delete('item-7');
  const after = fs.statSync(snapshot());
  expect([after.ino, after.mtimeMs, after.size]).toEqual([before.ino, before.mtimeMs, before.size]);
  const added = fs.readFileSync(journal()).subarray(journalBefore).toString('utf8');
  expect(added).toBe(`${JSON.stringify({ seq: 301, put: { id: 'one-more', value: 'one-more', version: 301 } })}\n${JSON.stringify({ seq: 302, delete: 'item-7' })}\n`);
  s.close();
});

test('close compacts: the snapshot alone holds everything; a restart reads it back', () => {
  const s = open();
  put(s, 'a');
  put(s, '__proto__', 'a key like any other');
  put(s, 'b');
  s.delete('b');
  s.close();
  expect(fs.readdirSync(dir)).toEqual(['items.json']);
  expect(JSON.parse(fs.readFileSync(snapshot(), 'utf8'))).toEqual(JSON.parse('{"seq":4,"items":{"a":{"id":"a","value":"a","version":1},"__proto__":{"id":"__proto__","value":"a key like any other","version":2}}}'));
  const again = open();
  expect(again.seq).toBe(4);
  expect(again.get('__proto__')?.value).toBe('a key like any other');
  expect([...again.values()].map((i) => i.id).sort()).toEqual(['__proto__', 'a']);
  again.close();
});

test('after a crash the journal is replayed; an unfinished last line (a torn append) is dropped and reported', () => {
  const s = open();
  put(s, 'a');
  put(s, 'b');
  s.delete('a');
  const copy = crashCopy();
  fs.appendFileSync(path.join(copy, 'items.journal'), '{"seq":4,"put":{"id":"c","val');
  const notices: string[] = [];
  const recovered = open(copy, (m) => notices.push(m));
  expect([...recovered.values()].map((i) => i.id)).toEqual(['b']);
  expect(recovered.seq).toBe(3);
  expect(notices).toEqual([expect.stringMatching(/items\.journal: dropped an unfinished last line \(\d+ bytes\)/)]);
  // The start compacted: the torn bytes are gone and the next change gets the next number.
  expect(put(recovered, 'c').version).toBe(4);
  recovered.close();
  s.close();
});

test('a journal replayed over a snapshot that already has its changes (crash between the two) changes nothing', () => {
  const s = open();
  put(s, 'a');
  put(s, 'b', 'first');
  const copy = crashCopy();
  const oldJournal = fs.readFileSync(path.join(copy, 'items.journal'), 'utf8');
  put(s, 'b', 'second');
  s.close(); // snapshot: seq 3
  fs.copyFileSync(snapshot(), path.join(copy, 'items.json'));
  fs.writeFileSync(path.join(copy, 'items.journal'), oldJournal + JSON.stringify({ seq: 3, put: { id: 'b', value: 'second', version: 3 } }) + '\n');
  const replayed = open(copy);
  expect(replayed.seq).toBe(3);
  expect(replayed.get('b')?.value).toBe('second');
  replayed.close();
});

test('many changes compact the journal as they go', () => {
  const s = open();
  for (let i = 0; i < 1100; i++) put(s, `k${i % 50}`, `v${i}`);
  expect(journalLines().length).toBeLessThan(1000);
  expect(JSON.parse(fs.readFileSync(snapshot(), 'utf8')).seq).toBeGreaterThanOrEqual(1000);
  const copy = crashCopy();
  const recovered = open(copy);
  expect(recovered.seq).toBe(1100);
  expect(recovered.get('k49')?.value).toBe('v1099');
  recovered.close();
  s.close();
});

test.each([
  ['a line that is not JSON', '{"seq":1,"put":{"id":"a","value":"a","version":1}}\nnot json\n', /line 2 is not valid JSON/],
  ['a line of the wrong shape', '{"seq":1,"put":{"id":"a","value":7,"version":1}}\n', /line 1 does not have the expected shape:\n {2}- put\.value: expected string, found a number/],
  ['a change number going back', '{"seq":2,"delete":"a"}\n{"seq":1,"delete":"b"}\n', /line 2 has seq 1, which does not follow the line before \(2\)/],
])('a journal with %s stops the load naming file and line', (_what, text, problem) => {
  fs.writeFileSync(journal(), text);
  expect(() => open()).toThrow(DataFileError);
  expect(() => open()).toThrow(problem);
  expect(() => open()).toThrow(`data file ${journal()} (the test items) `);
});

test.each([
  ['a key that is not the record\'s', { seq: 1, items: { x: { id: 'y', value: '', version: 1 } } }, /items\.x: the record's key is "y", not "x"/],
  ['a record newer than the file', { seq: 1, items: { x: { id: 'x', value: '', version: 5 } } }, /items\.x: the record's change number 5 is above the file's seq 1/],
  ['a string seq', { seq: '1', items: {} }, /seq: expected number, found a string/],
  ['null', null, /\(the whole file\): expected object, found null/],
])('a snapshot with %s stops the load', (_what, doc, problem) => {
  fs.writeFileSync(snapshot(), JSON.stringify(doc));
  expect(() => open()).toThrow(problem);
});
