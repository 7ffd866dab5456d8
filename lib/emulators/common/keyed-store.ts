/**
 * A keyed collection of records with a store-wide change number, persisted as a snapshot plus an
 * append-only journal, so that a write costs what the change costs, not what the collection costs:
 *
 *   <name>.json      {"seq": n, "<field>": {key: record, ...}}   the collection at change n
 *   <name>.journal   one JSON line per change after it: {"seq": n+1, "put": record} | {"seq": n+2, "delete": key}
 *
 * A change is appended and fsync'ed before it is applied in memory (and so before any answer that shows
 * it). A crash in the middle of an append leaves a last line without its newline: that change was never
 * acknowledged, and the load drops it. When the journal has as many lines as the collection has records
 * (at least COMPACT_AFTER), the snapshot is rewritten atomically and the journal emptied: amortised, each
 * change still costs O(1). Replaying a journal over a snapshot that already has its changes (a crash
 * between the two steps) changes nothing, because lines up to the snapshot's change number are skipped.
 * On close the store compacts and removes the journal, so a stopped emulator leaves only the snapshot.
 *
 * Without a data dir the collection lives in memory only.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { checkDocument, DataFileError, parseJson, readDataFile, recordOf, writeFileAtomic, type DataFileDescription } from './data-file';

const COMPACT_AFTER = 1000;

export interface KeyedStoreOptions<V> extends DataFileDescription {
  /** Directory for the files; created when missing. Omit for an in-memory store. */
  readonly dataDir?: string;
  /** Property of the snapshot that holds the records, e.g. "clients". */
  readonly field: string;
  /** The shape of one record, checked on load. */
  readonly record: z.ZodType<V>;
  /** A record's key; the snapshot's keys must match it. */
  readonly keyOf: (record: V) => string;
  /** The largest change number a record carries (e.g. its version): must not exceed the store's. */
  readonly seqOf?: (record: V) => number;
  /** Told when the load drops an unfinished last journal line. */
  readonly notice?: (message: string) => void;
}

const seqSchema = z.number().int().nonnegative();

export class KeyedStore<V> {
  readonly file: string | undefined;
  readonly journalFile: string | undefined;
  private readonly records = new Map<string, V>();
  private change = 0;
  private journal: number | undefined;
  private journalBytes = 0;
  private journalLines = 0;
  private closed = false;

  constructor(
    readonly name: string,
    private readonly options: KeyedStoreOptions<V>,
  ) {
    if (!options.dataDir) return;
    fs.mkdirSync(options.dataDir, { recursive: true });
    this.file = path.join(options.dataDir, `${name}.json`);
    this.journalFile = path.join(options.dataDir, `${name}.journal`);
    if (fs.existsSync(this.file)) this.loadSnapshot(this.file);
    if (fs.existsSync(this.journalFile)) this.replay(this.journalFile);
    this.journal = fs.openSync(this.journalFile, 'a', 0o600);
    try {
      // Every run starts from a snapshot and an empty journal (on the first run, this writes the snapshot).
      this.compact();
    } catch (err) {
      fs.closeSync(this.journal);
      throw err;
    }
  }

  /** The store-wide change number: advanced by every put and delete. */
  get seq(): number {
    return this.change;
  }

  get size(): number {
    return this.records.size;
  }

  get(key: string): V | undefined {
    return this.records.get(key);
  }

  values(): IterableIterator<V> {
    return this.records.values();
  }

  /** Stores the record `make` builds from the next change number; persisted before it is visible. */
  put(make: (seq: number) => V): V {
    const seq = this.change + 1;
    const record = make(seq);
    this.append({ seq, put: record });
    this.change = seq;
    this.records.set(this.options.keyOf(record), record);
    this.compactWhenDue();
    return record;
  }

  /** Removes a record (a change like any other); false when there is none. */
  delete(key: string): boolean {
    if (!this.records.has(key)) return false;
    const seq = this.change + 1;
    this.append({ seq, delete: key });
    this.change = seq;
    this.records.delete(key);
    this.compactWhenDue();
    return true;
  }

  /** Compacts and closes the journal; the snapshot alone then holds everything. Idempotent. */
  close(): void {
    this.closed = true;
    if (this.journal === undefined || !this.journalFile) return;
    this.compact();
    fs.closeSync(this.journal);
    this.journal = undefined;
    fs.rmSync(this.journalFile, { force: true });
  }

  private append(entry: { seq: number; put: V } | { seq: number; delete: string }): void {
    if (this.closed) throw new Error(`the ${this.name} store is closed: its emulator was stopped`);
    if (this.journal === undefined) return;
    const line = JSON.stringify(entry) + '\n';
    try {
      fs.writeSync(this.journal, line);
      fs.fdatasyncSync(this.journal);
    } catch (err) {
      // A failed append (disk full) may leave part of the line: cut it, so the next line starts clean.
      try {
        fs.ftruncateSync(this.journal, this.journalBytes);
      } catch {
        // The journal is then unusable too; the load will drop the unfinished line.
      }
      throw err;
    }
    this.journalBytes += Buffer.byteLength(line);
    this.journalLines++;
  }

  /** The change is durable in the journal already: a compaction that fails (disk full) is retried later. */
  private compactWhenDue(): void {
    if (this.journalLines < Math.max(COMPACT_AFTER, this.records.size)) return;
    try {
      this.compact();
    } catch (err) {
      this.options.notice?.(`${this.file}: could not compact the journal (${(err as Error).message}); will try again`);
    }
  }

  /** Writes the snapshot, then empties the journal. */
  private compact(): void {
    if (!this.file || this.journal === undefined) return;
    // Object.fromEntries defines own properties: a key such as "__proto__" stays a key.
    const records = Object.fromEntries(this.records);
    writeFileAtomic(this.file, JSON.stringify({ seq: this.change, [this.options.field]: records }, null, 2) + '\n');
    fs.ftruncateSync(this.journal, 0);
    fs.fdatasyncSync(this.journal);
    this.journalBytes = 0;
    this.journalLines = 0;
  }

  private loadSnapshot(file: string): void {
    const { keyOf, seqOf } = this.options;
    const schema = z
      .strictObject({ seq: seqSchema, [this.options.field]: recordOf(this.options.record) })
      .superRefine((doc, ctx) => {
        for (const [key, record] of Object.entries(doc[this.options.field] as Record<string, V>)) {
          if (keyOf(record) !== key) ctx.addIssue({ code: 'custom', path: [this.options.field, key], message: `the record's key is ${JSON.stringify(keyOf(record))}, not ${JSON.stringify(key)}` });
          if (seqOf && seqOf(record) > (doc.seq as number)) {
            ctx.addIssue({ code: 'custom', path: [this.options.field, key], message: `the record's change number ${seqOf(record)} is above the file's seq ${doc.seq as number}` });
          }
        }
      });
    const doc = readDataFile(file, schema, this.options);
    this.change = doc.seq as number;
    for (const [key, record] of Object.entries(doc[this.options.field] as Record<string, V>)) this.records.set(key, record);
  }

  /** Applies the journal's complete lines. */
  private replay(file: string): void {
    const text = fs.readFileSync(file, 'utf8');
    const end = text.lastIndexOf('\n') + 1;
    if (end < text.length) {
      this.options.notice?.(`${file}: dropped an unfinished last line (${text.length - end} bytes) left by a crash; that change was never acknowledged`);
    }
    const putLine = z.strictObject({ seq: seqSchema, put: this.options.record });
    const deleteLine = z.strictObject({ seq: seqSchema, delete: z.string() });
    let previous = -1;
    const lines = text.slice(0, end).split('\n');
    lines.pop(); // after the last newline
    lines.forEach((line, i) => {
      const where = `line ${i + 1} `;
      const doc = parseJson(file, line, this.options, where);
      const isPut = typeof doc === 'object' && doc !== null && 'put' in doc;
      const change: { seq: number; put: V } | { seq: number; delete: string } = isPut
        ? checkDocument(file, doc, putLine, this.options, where)
        : checkDocument(file, doc, deleteLine, this.options, where);
      if (change.seq <= previous) throw new DataFileError(file, `${where}has seq ${change.seq}, which does not follow the line before (${previous})`, this.options);
      previous = change.seq;
      if (change.seq <= this.change) return; // already in the snapshot
      if ('put' in change) this.records.set(this.options.keyOf(change.put), change.put);
      else this.records.delete(change.delete);
      this.change = change.seq;
    });
  }
}
