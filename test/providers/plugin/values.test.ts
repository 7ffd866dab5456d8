import { encode } from '@msgpack/msgpack';
import { decodeDynamic, decodeObject, encodeDynamic, ValueError, valuesEqual, isWhollyKnown } from '../../../lib/providers/plugin/values';
import { Unknown, type Value } from '../../../lib/providers/plugin/types';
import type { AttributeType, BlockSchema } from '../../../lib/schemas/types';

const type: AttributeType = ['object', { name: 'string', n: 'number', on: 'bool', tags: ['map', 'string'], list: ['list', ['object', { a: 'string' }]], set: ['set', 'number'] }];

describe('value codec', () => {
  it('encodes Unknown as msgpack extension 0 (d4 00 00)', () => {
    expect(Buffer.from(encodeDynamic(Unknown, 'string').msgpack).toString('hex')).toBe('d40000');
    expect(Buffer.from(encodeDynamic(null, 'string').msgpack).toString('hex')).toBe('c0');
  });

  it('round-trips nested values with unknowns at any depth', () => {
    const value: Value = { name: 'x', n: 1.5, on: Unknown, tags: { a: 'b', c: Unknown }, list: [{ a: Unknown }, { a: 'z' }], set: [1, 2] };
    const back = decodeDynamic(encodeDynamic(value, type), type);
    expect(back).toEqual(value);
    expect(isWhollyKnown(back)).toBe(false);
  });

  it('treats any extension type as unknown (type 12 carries refinements)', () => {
    const refined = Buffer.from('c70312010203', 'hex'); // ext8, length 3, type 0x12
    expect(decodeDynamic({ msgpack: refined }, 'string')).toBe(Unknown);
    const type12 = Buffer.from('d40c00', 'hex');
    expect(decodeDynamic({ msgpack: type12 }, 'string')).toBe(Unknown);
  });

  it('gives objects exactly their attributes: missing → null, extra → error', () => {
    const block: BlockSchema = { version: 0, description: '', attributes: { a: { type: 'string', description: '' }, b: { type: 'number', description: '' } } };
    expect(decodeObject({ msgpack: encode({ a: 'x' }) }, block)).toEqual({ a: 'x', b: null });
    expect(() => decodeObject({ msgpack: encode({ a: 'x', zz: 1 }) }, block)).toThrow(/unsupported attribute "zz"/);
    expect(() => encodeDynamic({ a: 'x', zz: 1 }, ['object', { a: 'string' }])).toThrow(ValueError);
    expect(encodeDynamic({ a: 'x' }, ['object', { a: 'string', b: 'bool' }]).msgpack).toEqual(encode({ a: 'x', b: null }));
  });

  it('accepts JSON and decimal-string numbers', () => {
    expect(decodeDynamic({ json: Buffer.from('{"name":"j","n":3,"on":true,"tags":null,"list":[],"set":[1]}') }, type)).toEqual({
      name: 'j', n: 3, on: true, tags: null, list: [], set: [1],
    });
    expect(decodeDynamic({ msgpack: encode('12.5') }, 'number')).toBe(12.5);
  });

  it('rejects malformed input with a ValueError naming the path, never a crash', () => {
    expect(() => decodeDynamic({ msgpack: Buffer.from('c1', 'hex') }, 'string')).toThrow(ValueError);
    expect(() => decodeDynamic({ msgpack: Buffer.from('a5ab', 'hex') }, 'string')).toThrow(ValueError); // truncated str
    expect(() => decodeDynamic({ json: Buffer.from('{') }, 'string')).toThrow(ValueError);
    expect(() => decodeDynamic({ msgpack: encode({ name: 5 }) }, type)).toThrow(/name: expected a string, got a number/);
    expect(() => decodeDynamic({ msgpack: encode({ list: [{ a: true }] }) }, type)).toThrow(/list\[0\]\.a: expected a string/);
    expect(() => encodeDynamic(Number.NaN, 'number')).toThrow(ValueError);
  });

  it('compares values deeply', () => {
    expect(valuesEqual({ a: [1, { b: 'x' }] }, { a: [1, { b: 'x' }] })).toBe(true);
    expect(valuesEqual({ a: [1] }, { a: [2] })).toBe(false);
    expect(valuesEqual(Unknown, Unknown)).toBe(true);
    expect(valuesEqual(Unknown, null)).toBe(false);
  });
});
