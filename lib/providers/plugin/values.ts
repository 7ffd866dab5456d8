/**
 * The value codec: DynamicValue (msgpack, or JSON) ⇄ Value, checked against the schema's type.
 * Unknown is msgpack extension type 0; any extension decodes as Unknown (type 12 carries refinements we
 * do not use). Objects carry exactly their type's attributes: missing ones become null, extra ones are an
 * error. Malformed input throws ValueError (never crashes the process).
 */
import { Decoder, Encoder, ExtData, ExtensionCodec } from '@msgpack/msgpack';
import type { AttributeType, BlockSchema } from '../../schemas/types';
import type { DynamicValue } from './protobuf/messages';
import { showValue } from './show';
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

const blockTypes = new WeakMap<BlockSchema, ObjectType>();

/** The object type of a block (its attributes); built once per block, as every request needs it. */
export function blockType(block: BlockSchema): ObjectType {
  let type = blockTypes.get(block);
  if (!type) {
    type = ['object', Object.fromEntries(Object.entries(block.attributes).map(([name, attr]) => [name, attr.type]))];
    blockTypes.set(block, type);
  }
  return type;
}

const extensionCodec = new ExtensionCodec();
extensionCodec.register({
  type: 0,
  encode: (input) => (input === Unknown ? new Uint8Array([0]) : null),
  decode: () => Unknown,
});
// One encoder and decoder for the process: msgpack's encode()/decode() build a new one (and its buffers)
// per call. Both clone themselves if ever re-entered, so sharing them is safe.
const encoder = new Encoder({ extensionCodec });
const decoder = new Decoder({ extensionCodec });

/** Decodes a DynamicValue; an absent or empty one is null. */
export function decodeDynamic(dv: DynamicValue | undefined, type: AttributeType): Value {
  if (dv?.msgpack && dv.msgpack.length > 0) {
    let raw: unknown;
    try {
      raw = decoder.decode(dv.msgpack);
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
  return { msgpack: encoder.encode(toWire(value, type, [])) };
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
  return fromWireAt(raw, type, path, NO_STEP);
}

/** No step: the value is at `path` itself. */
const NO_STEP = Symbol('no step');
type Step = string | number | typeof NO_STEP;

/** `path` + `step`, built only when needed (an error, or a nested value): most values are scalars without errors. */
const at = (path: AttributePath, step: Step): AttributePath => (step === NO_STEP ? path : [...path, step]);

/** fromWire of the value at `path` + `step`. */
function fromWireAt(raw: unknown, type: AttributeType, parent: AttributePath, step: Step): Value {
  if (raw === null || raw === undefined) return null;
  if (raw === Unknown || raw instanceof ExtData) return Unknown;
  if (type === 'string') {
    if (typeof raw !== 'string') throw new ValueError(`expected a string, got ${describe(raw)}`, at(parent, step));
    return raw;
  }
  if (type === 'bool') {
    if (typeof raw !== 'boolean') throw new ValueError(`expected a bool, got ${describe(raw)}`, at(parent, step));
    return raw;
  }
  if (type === 'number') {
    // cty sends numbers that do not fit a float64 exactly as decimal strings.
    if (typeof raw === 'number') return raw;
    if (typeof raw === 'bigint') return Number(raw);
    if (typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
    throw new ValueError(`expected a number, got ${describe(raw)}`, at(parent, step));
  }
  const path = at(parent, step);
  const [kind, inner] = type;
  if (kind === 'list' || kind === 'set') {
    if (!Array.isArray(raw)) throw new ValueError(`expected a ${kind}, got ${describe(raw)}`, path);
    return raw.map((item, i) => fromWireAt(item, inner, path, i));
  }
  if (!isPlainObject(raw)) throw new ValueError(`expected ${kind === 'map' ? 'a map' : 'an object'}, got ${describe(raw)}`, path);
  if (kind === 'map') {
    const entries = raw instanceof Map ? [...raw.entries()] : Object.entries(raw as object);
    const out: { [key: string]: Value } = {};
    for (const [key, item] of entries) {
      if (typeof key !== 'string') throw new ValueError('map keys must be strings', path);
      // defineProperty: a key such as "__proto__" is data, not the object's prototype.
      Object.defineProperty(out, key, { value: fromWireAt(item, inner, path, key), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  const out: ObjectValue = {};
  const attributes = inner;
  const keys = raw instanceof Map ? raw.keys() : Object.keys(raw);
  for (const key of keys) {
    if (!Object.prototype.hasOwnProperty.call(attributes, key)) throw new ValueError(`unsupported attribute ${showValue(String(key))}`, path);
  }
  // A JSON object is read as it is; a msgpack map becomes an object first (as Object.fromEntries keys it).
  const source = (raw instanceof Map ? Object.fromEntries(raw) : raw) as Record<string, unknown>;
  for (const name in attributes) {
    if (Object.prototype.hasOwnProperty.call(attributes, name)) out[name] = fromWireAt(source[name], attributes[name]!, path, name);
  }
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
  return toWireAt(value, type, path, NO_STEP);
}

/** toWire of the value at `path` + `step`. */
function toWireAt(value: Value | undefined, type: AttributeType, parent: AttributePath, step: Step): unknown {
  if (value === null || value === undefined) return null;
  if (value === Unknown) return Unknown;
  if (type === 'string') {
    if (typeof value !== 'string') throw new ValueError(`expected a string, got ${describe(value)}`, at(parent, step));
    return value;
  }
  if (type === 'bool') {
    if (typeof value !== 'boolean') throw new ValueError(`expected a bool, got ${describe(value)}`, at(parent, step));
    return value;
  }
  if (type === 'number') {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new ValueError(`expected a finite number, got ${describe(value)}`, at(parent, step));
    return value;
  }
  const path = at(parent, step);
  const [kind, inner] = type;
  if (kind === 'list' || kind === 'set') {
    if (!Array.isArray(value)) throw new ValueError(`expected a ${kind}, got ${describe(value)}`, path);
    return value.map((item, i) => toWireAt(item, inner, path, i));
  }
  if (typeof value !== 'object' || Array.isArray(value)) throw new ValueError(`expected ${kind === 'map' ? 'a map' : 'an object'}, got ${describe(value)}`, path);
  const out: Record<string, unknown> = {};
  if (kind === 'map') {
    for (const [key, item] of Object.entries(value)) out[key] = toWireAt(item, inner, path, key);
    return out;
  }
  for (const key of Object.keys(value)) {
    if (!Object.prototype.hasOwnProperty.call(inner, key)) throw new ValueError(`unsupported attribute ${showValue(key)}`, path);
  }
  for (const name in inner) {
    if (Object.prototype.hasOwnProperty.call(inner, name)) out[name] = toWireAt(value[name], inner[name]!, path, name);
  }
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
