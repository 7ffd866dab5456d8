/**
 * Descriptor table of the messages in proto/*.proto (our subset of tfplugin6, go-plugin's controller and
 * grpc.health.v1). test/providers/plugin/proto.test.ts parses the .proto files and checks this table
 * against them, so the two cannot drift apart.
 */
import type { DescriptorTable, FieldDescriptor, ScalarType } from './descriptor';

const s = (number: number, name: string, type: ScalarType, repeated = false): FieldDescriptor => ({ number, name, type, repeated });
const m = (number: number, name: string, message: string, repeated = false): FieldDescriptor => ({
  number,
  name,
  type: 'message',
  message: `tfplugin6.${message}`,
  repeated,
});
const map = (number: number, name: string, value: ScalarType | string): FieldDescriptor => ({
  number,
  name,
  type: 'map',
  value: value === 'string' || value === 'bytes' ? value : { message: `tfplugin6.${value}` },
});

const DIAGNOSTICS = (number: number) => m(number, 'diagnostics', 'Diagnostic', true);

export const messages: DescriptorTable = {
  'tfplugin6.DynamicValue': [s(1, 'msgpack', 'bytes'), s(2, 'json', 'bytes')],
  'tfplugin6.Diagnostic': [s(1, 'severity', 'enum'), s(2, 'summary', 'string'), s(3, 'detail', 'string'), m(4, 'attribute', 'AttributePath')],
  'tfplugin6.AttributePath': [m(1, 'steps', 'AttributePath.Step', true)],
  'tfplugin6.AttributePath.Step': [s(1, 'attribute_name', 'string'), s(2, 'element_key_string', 'string'), s(3, 'element_key_int', 'int64')],
  'tfplugin6.StopProvider.Request': [],
  'tfplugin6.StopProvider.Response': [s(1, 'Error', 'string')],
  'tfplugin6.RawState': [s(1, 'json', 'bytes'), map(2, 'flatmap', 'string')],
  'tfplugin6.Schema': [s(1, 'version', 'int64'), m(2, 'block', 'Schema.Block')],
  'tfplugin6.Schema.Block': [
    s(1, 'version', 'int64'),
    m(2, 'attributes', 'Schema.Attribute', true),
    m(3, 'block_types', 'Schema.NestedBlock', true),
    s(4, 'description', 'string'),
    s(5, 'description_kind', 'enum'),
    s(6, 'deprecated', 'bool'),
  ],
  'tfplugin6.Schema.Attribute': [
    s(1, 'name', 'string'),
    s(2, 'type', 'bytes'),
    s(3, 'description', 'string'),
    s(4, 'required', 'bool'),
    s(5, 'optional', 'bool'),
    s(6, 'computed', 'bool'),
    s(7, 'sensitive', 'bool'),
    s(8, 'description_kind', 'enum'),
    s(9, 'deprecated', 'bool'),
    s(11, 'write_only', 'bool'),
  ],
  'tfplugin6.Schema.NestedBlock': [
    s(1, 'type_name', 'string'),
    m(2, 'block', 'Schema.Block'),
    s(3, 'nesting', 'int32'),
    s(4, 'min_items', 'int64'),
    s(5, 'max_items', 'int64'),
  ],
  'tfplugin6.ServerCapabilities': [s(1, 'plan_destroy', 'bool'), s(2, 'get_provider_schema_optional', 'bool'), s(3, 'move_resource_state', 'bool')],
  'tfplugin6.ClientCapabilities': [s(1, 'deferral_allowed', 'bool'), s(2, 'write_only_attributes_allowed', 'bool')],
  'tfplugin6.GetMetadata.Request': [],
  'tfplugin6.GetMetadata.Response': [
    m(1, 'server_capabilities', 'ServerCapabilities'),
    DIAGNOSTICS(2),
    m(3, 'data_sources', 'GetMetadata.DataSourceMetadata', true),
    m(4, 'resources', 'GetMetadata.ResourceMetadata', true),
  ],
  'tfplugin6.GetMetadata.DataSourceMetadata': [s(1, 'type_name', 'string')],
  'tfplugin6.GetMetadata.ResourceMetadata': [s(1, 'type_name', 'string')],
  'tfplugin6.GetProviderSchema.Request': [],
  'tfplugin6.GetProviderSchema.Response': [
    m(1, 'provider', 'Schema'),
    map(2, 'resource_schemas', 'Schema'),
    map(3, 'data_source_schemas', 'Schema'),
    DIAGNOSTICS(4),
    m(5, 'provider_meta', 'Schema'),
    m(6, 'server_capabilities', 'ServerCapabilities'),
  ],
  'tfplugin6.ValidateProviderConfig.Request': [m(1, 'config', 'DynamicValue')],
  'tfplugin6.ValidateProviderConfig.Response': [DIAGNOSTICS(2)],
  'tfplugin6.UpgradeResourceState.Request': [s(1, 'type_name', 'string'), s(2, 'version', 'int64'), m(3, 'raw_state', 'RawState')],
  'tfplugin6.UpgradeResourceState.Response': [m(1, 'upgraded_state', 'DynamicValue'), DIAGNOSTICS(2)],
  'tfplugin6.ValidateResourceConfig.Request': [s(1, 'type_name', 'string'), m(2, 'config', 'DynamicValue')],
  'tfplugin6.ValidateResourceConfig.Response': [DIAGNOSTICS(1)],
  'tfplugin6.ValidateDataResourceConfig.Request': [s(1, 'type_name', 'string'), m(2, 'config', 'DynamicValue')],
  'tfplugin6.ValidateDataResourceConfig.Response': [DIAGNOSTICS(1)],
  'tfplugin6.ConfigureProvider.Request': [
    s(1, 'terraform_version', 'string'),
    m(2, 'config', 'DynamicValue'),
    m(3, 'client_capabilities', 'ClientCapabilities'),
  ],
  'tfplugin6.ConfigureProvider.Response': [DIAGNOSTICS(1)],
  'tfplugin6.ReadResource.Request': [
    s(1, 'type_name', 'string'),
    m(2, 'current_state', 'DynamicValue'),
    s(3, 'private', 'bytes'),
    m(4, 'provider_meta', 'DynamicValue'),
    m(5, 'client_capabilities', 'ClientCapabilities'),
  ],
  'tfplugin6.ReadResource.Response': [m(1, 'new_state', 'DynamicValue'), DIAGNOSTICS(2), s(3, 'private', 'bytes')],
  'tfplugin6.PlanResourceChange.Request': [
    s(1, 'type_name', 'string'),
    m(2, 'prior_state', 'DynamicValue'),
    m(3, 'proposed_new_state', 'DynamicValue'),
    m(4, 'config', 'DynamicValue'),
    s(5, 'prior_private', 'bytes'),
    m(6, 'provider_meta', 'DynamicValue'),
    m(7, 'client_capabilities', 'ClientCapabilities'),
  ],
  'tfplugin6.PlanResourceChange.Response': [
    m(1, 'planned_state', 'DynamicValue'),
    m(2, 'requires_replace', 'AttributePath', true),
    s(3, 'planned_private', 'bytes'),
    DIAGNOSTICS(4),
  ],
  'tfplugin6.ApplyResourceChange.Request': [
    s(1, 'type_name', 'string'),
    m(2, 'prior_state', 'DynamicValue'),
    m(3, 'planned_state', 'DynamicValue'),
    m(4, 'config', 'DynamicValue'),
    s(5, 'planned_private', 'bytes'),
    m(6, 'provider_meta', 'DynamicValue'),
  ],
  'tfplugin6.ApplyResourceChange.Response': [m(1, 'new_state', 'DynamicValue'), s(2, 'private', 'bytes'), DIAGNOSTICS(3)],
  'tfplugin6.ImportResourceState.Request': [
    s(1, 'type_name', 'string'),
    s(2, 'id', 'string'),
    m(3, 'client_capabilities', 'ClientCapabilities'),
  ],
  'tfplugin6.ImportResourceState.ImportedResource': [s(1, 'type_name', 'string'), m(2, 'state', 'DynamicValue'), s(3, 'private', 'bytes')],
  'tfplugin6.ImportResourceState.Response': [m(1, 'imported_resources', 'ImportResourceState.ImportedResource', true), DIAGNOSTICS(2)],
  'tfplugin6.ReadDataSource.Request': [
    s(1, 'type_name', 'string'),
    m(2, 'config', 'DynamicValue'),
    m(3, 'provider_meta', 'DynamicValue'),
    m(4, 'client_capabilities', 'ClientCapabilities'),
  ],
  'tfplugin6.ReadDataSource.Response': [m(1, 'state', 'DynamicValue'), DIAGNOSTICS(2)],
  'tfplugin6.GetFunctions.Request': [],
  'tfplugin6.GetFunctions.Response': [DIAGNOSTICS(2)],
  'plugin.Empty': [],
  'grpc.health.v1.HealthCheckRequest': [s(1, 'service', 'string')],
  'grpc.health.v1.HealthCheckResponse': [s(1, 'status', 'enum')],
};

/** Request and response message of each RPC, keyed by gRPC path. */
export const methods: { readonly [path: string]: { readonly request: string; readonly response: string } } = {
  ...Object.fromEntries(
    [
      'GetMetadata',
      'GetProviderSchema',
      'ValidateProviderConfig',
      'ValidateResourceConfig',
      'ValidateDataResourceConfig',
      'UpgradeResourceState',
      'ConfigureProvider',
      'ReadResource',
      'PlanResourceChange',
      'ApplyResourceChange',
      'ImportResourceState',
      'ReadDataSource',
      'GetFunctions',
      'StopProvider',
    ].map((rpc) => [`/tfplugin6.Provider/${rpc}`, { request: `tfplugin6.${rpc}.Request`, response: `tfplugin6.${rpc}.Response` }]),
  ),
  '/plugin.GRPCController/Shutdown': { request: 'plugin.Empty', response: 'plugin.Empty' },
  '/grpc.health.v1.Health/Check': { request: 'grpc.health.v1.HealthCheckRequest', response: 'grpc.health.v1.HealthCheckResponse' },
};
