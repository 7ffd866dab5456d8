/**
 * A JSON document persisted to `<dataDir>/<name>.json`, or kept in memory when there is no data dir.
 * Writes are synchronous and atomic (temp file + rename), so a crash never leaves half a file and the
 * order of writes is the order of calls. Emulator data is small; simplicity beats throughput here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface JsonStoreOptions<T> {
  /** Directory for the file; created when missing. Omit for an in-memory store. */
  readonly dataDir?: string;
  /** The document when no file exists yet (it is written at once, so seeds persist). */
  readonly initial: () => T;
}

export class JsonStoreError extends Error {}

export class JsonStore<T> {
  readonly file: string | undefined;
  private value: T;

  constructor(
    readonly name: string,
    options: JsonStoreOptions<T>,
  ) {
    if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new JsonStoreError(`store name "${name}" must use only letters, digits, ".", "_" and "-"`);
    this.file = options.dataDir ? path.join(options.dataDir, `${name}.json`) : undefined;
    if (this.file && fs.existsSync(this.file)) {
      this.value = this.load(this.file);
    } else {
      this.value = options.initial();
      this.persist();
    }
  }

  /** The current document. Treat it as read-only; change it through `update` or `set`. */
  get(): T {
    return this.value;
  }

  /** Replaces the document and persists it. */
  set(value: T): void {
    this.value = value;
    this.persist();
  }

  /**
   * Applies `change` to a deep copy and persists the result, so a change that throws leaves both the
   * memory and the file untouched. `change` may mutate its argument or return a new document.
   */
  update<R = void>(change: (draft: T) => R): R {
    const draft = structuredClone(this.value);
    const result = change(draft);
    this.value = draft;
    this.persist();
    return result;
  }

  /** Re-reads the file (e.g. after another process changed it). No-op in memory. */
  reload(): void {
    if (this.file && fs.existsSync(this.file)) this.value = this.load(this.file);
  }

  private load(file: string): T {
    const text = fs.readFileSync(file, 'utf8');
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new JsonStoreError(`data file ${file} is not valid JSON (${(err as Error).message}); fix or delete it`);
    }
  }

  private persist(): void {
    if (!this.file) return;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    // 0600: the files hold secret hashes.
    fs.writeFileSync(tmp, JSON.stringify(this.value, null, 2) + '\n', { mode: 0o600 });
    fs.renameSync(tmp, this.file);
  }
}
