/**
 * The shape of our protobuf descriptor table: plain data, generated from proto/*.proto ahead of time
 * (scripts/codegen/protocol.ts), so the codec loads no schema at start-up (@grpc/proto-loader adds ~75–90 ms
 * to a provider start; docs/decisions/0001-hand-written-plugin-runtime.md).
 */
export type ScalarType = 'string' | 'bytes' | 'bool' | 'int64' | 'int32' | 'enum';

export interface ScalarField {
  readonly type: ScalarType;
  readonly repeated?: boolean;
}
export interface MessageField {
  readonly type: 'message';
  /** Fully qualified message name, a key of the table. */
  readonly message: string;
  readonly repeated?: boolean;
}
/** `map<string, V>`: on the wire a repeated entry message { key = 1; value = 2; }. */
export interface MapField {
  readonly type: 'map';
  readonly value: ScalarType | { readonly message: string };
}

export type FieldType = ScalarField | MessageField | MapField;
export type FieldDescriptor = FieldType & { readonly name: string; readonly number: number };
export type MessageDescriptor = readonly FieldDescriptor[];
export type DescriptorTable = { readonly [message: string]: MessageDescriptor };
