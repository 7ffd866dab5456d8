/**
 * The emulators' data files: atomic, durable writes (temp file, fsync, rename, fsync of the directory) and
 * loads that check the content against a zod schema. A file that is not what the emulator wrote stops the
 * start with its path, every problem (where, what was expected, what type was found; never a value: the
 * files hold secrets) and the fix.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';

/** What a data file holds, for messages. */
export interface DataFileDescription {
  /** e.g. "the WorkZone emulator's OAuth clients". */
  readonly holds: string;
  /** What happens when the file is deleted, e.g. "the emulator starts with no OAuth clients". */
  readonly ifDeleted: string;
}

export class DataFileError extends Error {
  constructor(
    readonly file: string,
    problem: string,
    description: DataFileDescription,
  ) {
    super(`data file ${file} (${description.holds}) ${problem}\nFix it, or delete it: ${description.ifDeleted}.`);
    this.name = 'DataFileError';
  }
}

/** Reads and checks a JSON data file. */
export function readDataFile<T>(file: string, schema: z.ZodType<T>, description: DataFileDescription): T {
  return checkDocument(file, parseJson(file, fs.readFileSync(file, 'utf8'), description), schema, description);
}

export function parseJson(file: string, text: string, description: DataFileDescription, where = ''): unknown {
  if (text.trim() === '') throw new DataFileError(file, `${where}is empty`, description);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new DataFileError(file, `${where}is not valid JSON (${(err as Error).message})`, description);
  }
}

export function checkDocument<T>(file: string, document: unknown, schema: z.ZodType<T>, description: DataFileDescription, where = ''): T {
  const result = schema.safeParse(document);
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 10).map((issue) => `  - ${describeIssue(issue, document, where ? 'line' : 'file')}`);
  const more = result.error.issues.length > 10 ? [`  - and ${result.error.issues.length - 10} more`] : [];
  throw new DataFileError(file, `${where}does not have the expected shape:\n${[...problems, ...more].join('\n')}`, description);
}

/** Writes a file so that a crash leaves either the old or the new content, never a mix, and the new one lasts. */
export function writeFileAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    // 0600: the files hold secrets or their hashes.
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      fs.writeFileSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  syncDirectory(path.dirname(file));
}

/** Makes a rename or a new file in `dir` durable. Not every platform can open a directory: then it is skipped. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Windows cannot open a directory; there the rename is as durable as the platform makes it.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * An object whose every own property is checked with `value`. Unlike z.record, it checks (and keeps) keys
 * such as "__proto__", which JSON.parse makes own properties; the output is the input object itself.
 */
export function recordOf<V>(value: z.ZodType<V>) {
  return z
    .custom<Record<string, V>>(isPlainObject, { message: 'expected an object' })
    .superRefine((record, ctx) => {
      for (const [key, item] of Object.entries(record)) {
        const result = value.safeParse(item);
        if (!result.success) for (const issue of result.error.issues) ctx.addIssue({ ...issue, path: [key, ...issue.path] } as never);
      }
    });
}

function describeIssue(issue: z.core.$ZodIssue, document: unknown, unit: 'file' | 'line'): string {
  const where = issue.path.length ? issue.path.map(String).join('.') : `(the whole ${unit})`;
  if (issue.code === 'invalid_type') return `${where}: expected ${issue.expected}, found ${typeOf(valueAt(document, issue.path))}`;
  if (issue.code === 'unrecognized_keys') return `${where}: unknown ${issue.keys.length === 1 ? 'property' : 'properties'} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  return `${where}: ${issue.message}`;
}

function typeOf(value: unknown): string {
  if (value === undefined) return 'nothing (missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function valueAt(document: unknown, at: readonly PropertyKey[]): unknown {
  let current = document;
  for (const key of at) {
    if (!isPlainObject(current) && !Array.isArray(current)) return undefined;
    current = Object.prototype.hasOwnProperty.call(current, key) ? (current as Record<PropertyKey, unknown>)[key] : undefined;
  }
  return current;
}
