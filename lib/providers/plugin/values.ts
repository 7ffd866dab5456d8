/**
 * The value codec: DynamicValue (msgpack, or JSON) ⇄ Value, checked against the schema's type.
 * Unknown is msgpack extension type 0; any extension decodes as Unknown (type 12 carries refinements we
 * do not use). Objects carry exactly their type's attributes: missing ones become null, extra ones are an
 * error. Malformed input throws ValueError (never crashes the process).
 */
import { decode, encode, ExtData, ExtensionCodec } from '@msgpack/msgpack';
import type { AttributeType, BlockSchema } from '../../schemas/types';
import { Unknown, type AttributePath, type ObjectValue, type Value } from './types';

export class ValueError extends Error {
  constructor(
    message: string,
    readonly path: AttributePath,
  ) {
    super(path.length ? `${formatPath(path)}: ${message}` : message);
  }
}

export function formatPath(path: AttributePath): string {
  return path.map((step, i) => (typeof step === 'number' ? `[${step}]` : i === 0 ? step : `.${step}`)).join('');
}

export type ObjectType = readonly ['object', { readonly [name: string]: AttributeType }];

/** The object type of a block (its attributes). */
export function blockType(block: BlockSchema): ObjectType {
  return ['object', Object.fromEntries(Object.entries(block.attributes).map(([name, attr]) => [name, attr.type]))];
}

const extensionCodec = new ExtensionCodec();
extensionCodec.register({
  type: 0,
  encode: (input) => (input === Unknown ? new Uint8Array([0]) : null),
  decode: () => Unknown,
});

export interface DynamicValue {
  msgpack?: Uint8Array;
  json?: Uint8Array;
}

/** Decodes a DynamicValue; an absent or empty one is null. */
export function decodeDynamic(dv: DynamicValue | undefined, type: AttributeType): Value {
  if (dv?.msgpack && dv.msgpack.length > 0) {
    let raw: unknown;
    try {
      raw = decode(dv.msgpack, { extensionCodec });
    } catch (error) {
      throw new ValueError(`malformed msgpack value (${(error as Error).message})`, []);
    }
    return fromWire(raw, type, []);
  }
  if (dv?.json && dv.json.length > 0) return decodeJson(dv.json, type);
  return null;
}

export function decodeJson(bytes: Uint8Array, type: AttributeType): Value {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new ValueError('malformed JSON value', []);
  }
  return fromWire(raw, type, []);
}

export function encodeDynamic(value: Value, type: AttributeType): { msgpack: Uint8Array } {
  return { msgpack: encode(toWire(value, type, []), { extensionCodec }) };
}

export function decodeObject(dv: DynamicValue | undefined, block: BlockSchema): ObjectValue | null {
  const value = decodeDynamic(dv, blockType(block));
  if (value === Unknown) throw new ValueError('the whole object is unknown', []);
  return value as ObjectValue | null;
}

function describe(raw: unknown): string {
  if (raw === null) return 'null';
  if (Array.isArray(raw)) return 'a list';
  if (raw instanceof ExtData) return 'an extension';
  if (raw instanceof Uint8Array) return 'binary data';
  if (raw instanceof Date) return 'a timestamp';
  return typeof raw === 'object' ? 'an object' : `a ${typeof raw}`;
}

/** Converts a decoded msgpack/JSON value to a Value of the given type. */
export function fromWire(raw: unknown, type: AttributeType, path: AttributePath): Value {
  if (raw === null || raw === undefined) return null;
  if (raw === Unknown || raw instanceof ExtData) return Unknown;
  if (type === 'string') {
    if (typeof raw !== 'string') throw new ValueError(`expected a string, got ${describe(raw)}`, path);
    return raw;
  }
  if (type === 'bool') {
    if (typeof raw !== 'boolean') throw new ValueError(`expected a bool, got ${describe(raw)}`, path);
    return raw;
  }
  if (type === 'number') {
    // cty sends numbers that do not fit a float64 exactly as decimal strings.
    if (typeof raw === 'number') return raw;
    if (typeof raw === 'bigint') return Number(raw);
    if (typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
    throw new ValueError(`expected a number, got ${describe(raw)}`, path);
  }
  const [kind, inner] = type;
  if (kind === 'list' || kind === 'set') {
    if (!Array.isArray(raw)) throw new ValueError(`expected a ${kind}, got ${describe(raw)}`, path);
    return raw.map((item, i) => fromWire(item, inner, [...path, i]));
  }
  if (!isPlainObject(raw)) throw new ValueError(`expected ${kind === 'map' ? 'a map' : 'an object'}, got ${describe(raw)}`, path);
  const entries = raw instanceof Map ? [...raw.entries()] : Object.entries(raw as object);
  if (kind === 'map') {
    const out: { [key: string]: Value } = {};
    for (const [key, item] of entries) {
      if (typeof key !== 'string') throw new ValueError('map keys must be strings', path);
      // defineProperty: a key such as "__proto__" is data, not the object's prototype.
      Object.defineProperty(out, key, { value: fromWire(item, inner, [...path, key]), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  const out: ObjectValue = {};
  const attributes = inner;
  for (const [key] of entries) {
    if (!Object.prototype.hasOwnProperty.call(attributes, key)) throw new ValueError(`unsupported attribute "${String(key)}"`, path);
  }
  const source = Object.fromEntries(entries) as Record<string, unknown>;
  for (const [name, attrType] of Object.entries(attributes)) out[name] = fromWire(source[name], attrType, [...path, name]);
  return out;
}

/** A msgpack map or a JSON object; not a list, binary data or a timestamp (msgpack's extension -1 decodes to a Date). */
function isPlainObject(raw: unknown): raw is object {
  if (raw instanceof Map) return true;
  if (raw === null || typeof raw !== 'object') return false;
  const proto = Object.getPrototypeOf(raw);
  return proto === Object.prototype || proto === null;
}

/** Checks a Value against its type and shapes it for msgpack (objects get exactly their attributes). */
export function toWire(value: Value | undefined, type: AttributeType, path: AttributePath): unknown {
  if (value === null || value === undefined) return null;
  if (value === Unknown) return Unknown;
  if (type === 'string') {
    if (typeof value !== 'string') throw new ValueError(`expected a string, got ${describe(value)}`, path);
    return value;
  }
  if (type === 'bool') {
    if (typeof value !== 'boolean') throw new ValueError(`expected a bool, got ${describe(value)}`, path);
    return value;
  }
  if (type === 'number') {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new ValueError(`expected a finite number, got ${describe(value)}`, path);
    return value;
  }
  const [kind, inner] = type;
  if (kind === 'list' || kind === 'set') {
    if (!Array.isArray(value)) throw new ValueError(`expected a ${kind}, got ${describe(value)}`, path);
    return value.map((item, i) => toWire(item, inner, [...path, i]));
  }
  if (typeof value !== 'object' || Array.isArray(value)) throw new ValueError(`expected ${kind === 'map' ? 'a map' : 'an object'}, got ${describe(value)}`, path);
  const out: Record<string, unknown> = {};
  if (kind === 'map') {
    for (const [key, item] of Object.entries(value)) out[key] = toWire(item, inner, [...path, key]);
    return out;
  }
  for (const key of Object.keys(value)) {
    if (!Object.prototype.hasOwnProperty.call(inner, key)) throw new ValueError(`unsupported attribute "${key}"`, path);
  }
  for (const [name, attrType] of Object.entries(inner)) out[name] = toWire(value[name], attrType, [...path, name]);
  return out;
}

/** True when the value holds no Unknown at any depth. */
export function isWhollyKnown(value: Value): boolean {
  if (value === Unknown) return false;
  if (Array.isArray(value)) return value.every(isWhollyKnown);
  if (value !== null && typeof value === 'object') return Object.values(value).every(isWhollyKnown);
  return true;
}

/** Deep equality of Values (Unknown equals only Unknown). */
export function valuesEqual(a: Value | undefined, b: Value | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return (a ?? null) === (b ?? null);
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => valuesEqual(item, b[i]));
  }
  if (typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) if (!valuesEqual(a[key], b[key])) return false;
    return true;
  }
  return false;
}
