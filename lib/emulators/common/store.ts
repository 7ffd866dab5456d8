/**
 * A small JSON document persisted to `<dataDir>/<name>.json`, or kept in memory when there is no data dir.
 * The file is checked against the document's schema on load; writes are synchronous, atomic and durable
 * (data-file.ts), so a crash never leaves half a file and the order of writes is the order of calls.
 * Each write rewrites the whole document: for documents that stay small (settings, seeds, users). A
 * growing collection belongs in a KeyedStore, whose writes are proportional to the change.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { z } from 'zod';
import { readDataFile, writeFileAtomic, type DataFileDescription } from './data-file';

export interface JsonStoreOptions<T> extends DataFileDescription {
  /** Directory for the file; created when missing. Omit for an in-memory store. */
  readonly dataDir?: string;
  /** The document when no file exists yet (it is written at once, so seeds persist). */
  readonly initial: () => T;
  /** The document's shape, checked on load. */
  readonly schema: z.ZodType<T>;
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
      this.value = readDataFile(this.file, options.schema, options);
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
    this.persist(value);
    this.value = value;
  }

  /**
   * Applies `change` to a deep copy and persists the result, so a change that throws leaves both the
   * memory and the file untouched. `change` may mutate its argument or return a new document.
   */
  update<R = void>(change: (draft: T) => R): R {
    const draft = structuredClone(this.value);
    const result = change(draft);
    this.persist(draft);
    this.value = draft;
    return result;
  }

  private persist(value: T = this.value): void {
    if (!this.file) return;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    writeFileAtomic(this.file, JSON.stringify(value, null, 2) + '\n');
  }
}
