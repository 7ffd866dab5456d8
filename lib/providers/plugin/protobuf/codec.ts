/**
 * A minimal proto3 encoder/decoder driven by a descriptor table. Decoded messages are plain objects keyed
 * by the proto field names; absent scalars decode to undefined, repeated fields to [], maps to {}.
 * Unknown fields are skipped, so newer peers stay compatible. Malformed input throws ProtobufError.
 */
import type { DescriptorTable, FieldDescriptor, MessageDescriptor, ScalarType } from './descriptor';

export class ProtobufError extends Error {}

// Wire types.
const VARINT = 0;
const I64 = 1;
const LEN = 2;
const I32 = 5;

export type Message = { [field: string]: unknown };

/**
 * A message as code builds it, to send or to hand to a handler (the generated interfaces are messages as
 * decoded): every field may be left out, and is then not encoded (proto3's default).
 */
export type MessageInit<T> = T extends Uint8Array
  ? T
  : T extends readonly (infer E)[]
    ? readonly MessageInit<E>[]
    : T extends object
      ? { [K in keyof T]?: MessageInit<T[K]> }
      : T;

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

class Writer {
  private buf = new Uint8Array(256);

  /** `pos`: bytes left free at the start, for a caller's prefix (the gRPC frame header). */
  constructor(private pos = 0) {}

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  varint(value: number): void {
    this.ensure(10);
    if (value < 0) {
      // Negative int32/int64 take ten bytes in two's complement.
      let big = BigInt.asUintN(64, BigInt(Math.trunc(value)));
      while (big > 0x7fn) {
        this.buf[this.pos++] = Number(big & 0x7fn) | 0x80;
        big >>= 7n;
      }
      this.buf[this.pos++] = Number(big);
      return;
    }
    let v = Math.trunc(value);
    while (v > 0x7f) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }

  tag(number: number, wire: number): void {
    this.varint(number * 8 + wire);
  }

  bytes(data: Uint8Array): void {
    this.varint(data.length);
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

function writeScalar(w: Writer, number: number, type: ScalarType, value: unknown, keepDefault: boolean): void {
  switch (type) {
    case 'string': {
      if (typeof value !== 'string') throw new ProtobufError(`expected a string, got ${typeof value}`);
      if (value === '' && !keepDefault) return;
      w.tag(number, LEN);
      w.bytes(textEncoder.encode(value));
      return;
    }
    case 'bytes': {
      if (!(value instanceof Uint8Array)) throw new ProtobufError('expected bytes');
      if (value.length === 0 && !keepDefault) return;
      w.tag(number, LEN);
      w.bytes(value);
      return;
    }
    case 'bool':
      if (!value && !keepDefault) return;
      w.tag(number, VARINT);
      w.varint(value ? 1 : 0);
      return;
    case 'int32':
    case 'int64':
    case 'enum': {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new ProtobufError('expected a number');
      if (value === 0 && !keepDefault) return;
      w.tag(number, VARINT);
      w.varint(value);
      return;
    }
  }
}

function writeField(w: Writer, table: DescriptorTable, field: FieldDescriptor, value: unknown): void {
  if (value === undefined || value === null) return;
  if (field.type === 'map') {
    for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
      const sub = new Writer();
      writeScalar(sub, 1, 'string', key, true);
      if (typeof field.value === 'string') writeScalar(sub, 2, field.value, entry, true);
      else {
        sub.tag(2, LEN);
        sub.bytes(encodeMessage(table, field.value.message, entry as Message));
      }
      w.tag(field.number, LEN);
      w.bytes(sub.finish());
    }
    return;
  }
  const values = field.repeated ? (value as unknown[]) : [value];
  if (field.repeated && !Array.isArray(value)) throw new ProtobufError(`${field.name} must be an array`);
  for (const item of values) {
    if (field.type === 'message') {
      w.tag(field.number, LEN);
      w.bytes(encodeMessage(table, field.message, item as Message));
    } else {
      writeScalar(w, field.number, field.type, item, field.repeated === true);
    }
  }
}

/** The message's bytes; with `prefix`, preceded by that many bytes for the caller to fill (saves a copy). */
export function encodeMessage(table: DescriptorTable, name: string, message: Message, prefix = 0): Uint8Array {
  const descriptor = table[name];
  if (!descriptor) throw new ProtobufError(`unknown message ${name}`);
  const w = new Writer(prefix);
  for (const field of descriptor) writeField(w, table, field, message[field.name]);
  return w.finish();
}

class Reader {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  varint(): number {
    let result = 0;
    let factor = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtobufError('truncated varint');
      const byte = this.buf[this.pos++]!;
      if (i === 9) {
        // The tenth byte only appears for negative numbers: decode those as two's complement int64.
        return this.negative(this.pos - 10);
      }
      result += (byte & 0x7f) * factor;
      factor *= 0x80;
      if ((byte & 0x80) === 0) return result;
    }
    throw new ProtobufError('varint too long');
  }

  private negative(start: number): number {
    let big = 0n;
    for (let i = 0; i < 10; i++) big |= BigInt(this.buf[start + i]! & 0x7f) << BigInt(7 * i);
    return Number(BigInt.asIntN(64, big));
  }

  lengthDelimited(): Uint8Array {
    const length = this.varint();
    if (length > this.end - this.pos) throw new ProtobufError('truncated length-delimited field');
    const out = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  skip(wire: number): void {
    switch (wire) {
      case VARINT:
        this.varint();
        return;
      case I64:
        this.advance(8);
        return;
      case LEN:
        this.lengthDelimited();
        return;
      case I32:
        this.advance(4);
        return;
      default:
        throw new ProtobufError(`unsupported wire type ${wire}`);
    }
  }

  private advance(n: number): void {
    if (this.pos + n > this.end) throw new ProtobufError('truncated field');
    this.pos += n;
  }
}

function readScalar(r: Reader, type: ScalarType, wire: number): unknown {
  switch (type) {
    case 'string':
      expectWire(wire, LEN);
      try {
        return textDecoder.decode(r.lengthDelimited());
      } catch (error) {
        if (error instanceof ProtobufError) throw error;
        throw new ProtobufError('invalid UTF-8 in a string field');
      }
    case 'bytes':
      expectWire(wire, LEN);
      return r.lengthDelimited().slice();
    case 'bool':
      expectWire(wire, VARINT);
      return r.varint() !== 0;
    case 'int32':
    case 'int64':
    case 'enum':
      expectWire(wire, VARINT);
      return r.varint();
  }
}

function expectWire(actual: number, expected: number): void {
  if (actual !== expected) throw new ProtobufError(`wire type ${actual} where ${expected} was expected`);
}

function scalarDefault(type: ScalarType): unknown {
  return type === 'string' ? '' : type === 'bytes' ? new Uint8Array(0) : type === 'bool' ? false : 0;
}

interface Layout {
  readonly byNumber: ReadonlyMap<number, FieldDescriptor>;
  /** The map fields and the repeated fields, in field order: they decode to {} and [] when absent. */
  readonly containers: readonly { readonly name: string; readonly map: boolean }[];
}

const layouts = new WeakMap<MessageDescriptor, Layout>();

/** A descriptor's field lookup, built once per message type rather than once per decoded message. */
function layoutOf(descriptor: MessageDescriptor): Layout {
  let layout = layouts.get(descriptor);
  if (!layout) {
    const byNumber = new Map<number, FieldDescriptor>();
    const containers: { name: string; map: boolean }[] = [];
    for (const field of descriptor) {
      byNumber.set(field.number, field);
      if (field.type === 'map') containers.push({ name: field.name, map: true });
      else if (field.repeated) containers.push({ name: field.name, map: false });
    }
    layout = { byNumber, containers };
    layouts.set(descriptor, layout);
  }
  return layout;
}

function decodeFrom(table: DescriptorTable, name: string, buf: Uint8Array, depth: number): Message {
  if (depth > 64) throw new ProtobufError('message nesting too deep');
  const descriptor = table[name];
  if (!descriptor) throw new ProtobufError(`unknown message ${name}`);
  const { byNumber, containers } = layoutOf(descriptor);
  const out: Message = {};
  for (const { name: field, map } of containers) out[field] = map ? {} : [];
  const r = new Reader(buf);
  while (r.pos < r.end) {
    const key = r.varint();
    const number = Math.floor(key / 8);
    const wire = key % 8;
    const field = byNumber.get(number);
    if (!field) {
      r.skip(wire);
      continue;
    }
    if (field.type === 'map') {
      expectWire(wire, LEN);
      const entry = new Reader(r.lengthDelimited());
      let k = '';
      let v: unknown = typeof field.value === 'string' ? scalarDefault(field.value) : {};
      while (entry.pos < entry.end) {
        const ek = entry.varint();
        const en = Math.floor(ek / 8);
        const ew = ek % 8;
        if (en === 1) k = readScalar(entry, 'string', ew) as string;
        else if (en === 2) {
          if (typeof field.value === 'string') v = readScalar(entry, field.value, ew);
          else {
            expectWire(ew, LEN);
            v = decodeFrom(table, field.value.message, entry.lengthDelimited(), depth + 1);
          }
        } else entry.skip(ew);
      }
      (out[field.name] as Record<string, unknown>)[k] = v;
      continue;
    }
    let value: unknown;
    if (field.type === 'message') {
      expectWire(wire, LEN);
      value = decodeFrom(table, field.message, r.lengthDelimited(), depth + 1);
    } else if (field.repeated && wire === LEN && field.type !== 'string' && field.type !== 'bytes') {
      // Packed repeated scalars.
      const packed = new Reader(r.lengthDelimited());
      while (packed.pos < packed.end) (out[field.name] as unknown[]).push(readScalar(packed, field.type, VARINT));
      continue;
    } else {
      value = readScalar(r, field.type, wire);
    }
    if (field.repeated) (out[field.name] as unknown[]).push(value);
    else out[field.name] = value;
  }
  return out;
}

export function decodeMessage(table: DescriptorTable, name: string, buf: Uint8Array): Message {
  return decodeFrom(table, name, buf, 0);
}
