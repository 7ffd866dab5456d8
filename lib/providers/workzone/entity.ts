/**
 * OData entity bodies ↔ values by attribute name, through a wire table (wire.ts): the one place where the
 * WorkZone client turns names on the wire into schema attribute names and back, and checks the JSON
 * types of what WorkZone answers. A property renamed on a real WorkZone is a change of the table only.
 */
import type { AttributeNameOf, BlockSchema } from '../../schemas/types';
import type { EdmType, WireProperty } from './wire';

export type WireTable = { readonly [attribute: string]: WireProperty };

/** The JavaScript value of an OData primitive type. */
type JsOf<E extends EdmType> = E extends 'Edm.String' ? string : E extends 'Edm.Boolean' ? boolean : number;

/** What an entity reads back, by attribute: every property but the write-only ones. */
export type EntityOf<W extends WireTable> = {
  -readonly [K in keyof W as W[K] extends { readonly writeOnly: true } ? never : K]:
    | JsOf<W[K]['type']>
    | (W[K] extends { readonly nullable: true } ? null : never)
    | (W[K] extends { readonly optional: true } ? undefined : never);
};

/** What a request may send, by attribute: every property but the read-only ones. */
export type EntityWriteOf<W extends WireTable> = {
  -readonly [K in keyof W as W[K] extends { readonly readOnly: true } ? never : K]?: JsOf<W[K]['type']>;
};

/** The attributes both sent and read back: the settings of an entity (neither key, nor read-only, nor write-only). */
export type SettingOf<W extends WireTable> = {
  [K in keyof W]: W[K] extends { readonly key: true } | { readonly readOnly: true } | { readonly writeOnly: true } ? never : K;
}[keyof W] &
  string;

export function settingsOf<W extends WireTable>(table: W): SettingOf<W>[] {
  return Object.keys(table).filter((name) => {
    const p = table[name];
    return !p.key && !p.readOnly && !p.writeOnly;
  }) as SettingOf<W>[];
}

/** The attributes of `block` that an entity reads back (the table's, but write-only ones), in the order of the table. */
export function reportedOf<W extends WireTable, B extends BlockSchema>(table: W, block: B): Extract<keyof EntityOf<W>, AttributeNameOf<B>>[] {
  return Object.keys(table).filter((name) => !table[name].writeOnly && name in block.attributes) as Extract<keyof EntityOf<W>, AttributeNameOf<B>>[];
}


/** The request body for `values`: each attribute under its property name; undefined ones are left out. */
export function toEntity<W extends WireTable>(table: W, values: EntityWriteOf<W>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const p = table[name];
    if (p === undefined || p.readOnly) throw new Error(`${name} is not a writable property of the wire table`);
    body[p.property] = value;
  }
  return body;
}

const JSON_TYPE: Record<EdmType, { readonly is: (v: unknown) => boolean; readonly name: string }> = {
  'Edm.String': { is: (v) => typeof v === 'string', name: 'a string' },
  'Edm.Boolean': { is: (v) => typeof v === 'boolean', name: 'a boolean' },
  'Edm.Int32': { is: Number.isInteger, name: 'an integer' },
  'Edm.Int64': { is: Number.isInteger, name: 'an integer' },
};

/**
 * The values of an entity body, by attribute; `invalid(property, expected)` makes the error for a property
 * that is missing or of another type.
 */
export function fromEntity<W extends WireTable>(table: W, body: Readonly<Record<string, unknown>>, invalid: (property: string, expected: string) => Error): EntityOf<W> {
  const out: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(table)) {
    if (p.writeOnly) continue;
    const found = [p.property, ...(p.aliases ?? [])].find((n) => body[n] !== undefined);
    let value = found === undefined ? undefined : body[found];
    const type = JSON_TYPE[p.type];
    if (p.numberAsString && p.type === 'Edm.String' && typeof value === 'number') value = String(value);
    if (value === null && p.nullable) out[name] = null;
    else if ((value === undefined || value === null) && p.optional) out[name] = undefined;
    else if (type.is(value)) out[name] = value;
    else throw invalid(p.property, `${type.name}${p.nullable ? ' or null' : ''}`);
  }
  return out as EntityOf<W>;
}
