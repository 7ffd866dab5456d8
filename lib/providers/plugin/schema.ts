/** Our schema (lib/schemas/types.ts) → tfplugin6.Schema messages; and per-block lookups every request uses. */
import type { AttributeSchema, BlockSchema, ProviderSchema } from '../../schemas/types';
import type { MessageInit } from './protobuf/codec';
import { StringKind, type GetProviderSchema_Response, type Schema, type Schema_Attribute } from './protobuf/messages';

const entries = new WeakMap<BlockSchema, readonly (readonly [string, AttributeSchema])[]>();

/** Object.entries(block.attributes), built once per block: every request walks them several times. */
export function attributeEntries(block: BlockSchema): readonly (readonly [string, AttributeSchema])[] {
  let list = entries.get(block);
  if (!list) {
    list = Object.entries(block.attributes);
    entries.set(block, list);
  }
  return list;
}

/**
 * Protocol flags of an attribute. A default makes it optional + computed (the runtime fills it), except in
 * the provider block, where terraform allows no computed attributes: the runtime fills it before configure.
 */
export function attributeFlags(attr: AttributeSchema, inProviderBlock: boolean): { required: boolean; optional: boolean; computed: boolean } {
  if (attr.required) return { required: true, optional: false, computed: false };
  if (attr.writeOnly) return { required: false, optional: true, computed: false };
  if (attr.default !== undefined) return { required: false, optional: true, computed: !inProviderBlock };
  return { required: false, optional: attr.optional === true, computed: attr.computed === true && !inProviderBlock };
}

export function wireAttribute(name: string, attr: AttributeSchema, inProviderBlock: boolean): MessageInit<Schema_Attribute> {
  return {
    name,
    type: Buffer.from(JSON.stringify(attr.type)),
    description: attr.description,
    description_kind: StringKind.MARKDOWN,
    ...attributeFlags(attr, inProviderBlock),
    sensitive: attr.sensitive === true || attr.writeOnly === true,
    deprecated: attr.deprecated !== undefined,
    write_only: attr.writeOnly === true,
  };
}

export function wireSchema(block: BlockSchema, inProviderBlock = false): MessageInit<Schema> {
  return {
    version: block.version,
    block: {
      version: block.version,
      description: block.description,
      description_kind: StringKind.MARKDOWN,
      attributes: Object.entries(block.attributes)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([name, attr]) => wireAttribute(name, attr, inProviderBlock)),
      block_types: [],
    },
  };
}

const wireSchemas = new WeakMap<ProviderSchema, MessageInit<GetProviderSchema_Response>>();

/** The GetProviderSchema response, built once per schema (every connection of a long-lived provider asks). */
export function wireProviderSchema(schema: ProviderSchema): MessageInit<GetProviderSchema_Response> {
  let wire = wireSchemas.get(schema);
  if (!wire) wireSchemas.set(schema, (wire = buildWireProviderSchema(schema)));
  return wire;
}

function buildWireProviderSchema(schema: ProviderSchema): MessageInit<GetProviderSchema_Response> {
  const map = (blocks: { readonly [type: string]: BlockSchema }) =>
    Object.fromEntries(Object.entries(blocks).map(([type, block]) => [type, wireSchema(block)]));
  return {
    provider: wireSchema(schema.provider, true),
    resource_schemas: map(schema.resources),
    data_source_schemas: map(schema.dataSources),
    diagnostics: [],
    server_capabilities: { get_provider_schema_optional: true },
  };
}
