import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeMessage, encodeMessage, ProtobufError } from '../../../lib/providers/plugin/protobuf/codec';
import { messages } from '../../../lib/providers/plugin/protobuf/messages';
import { wireProviderSchema } from '../../../lib/providers/plugin/schema';
import { workzoneSchema } from '../../../lib/schemas/workzone';
import { encodeFramed, encodeGrpcMessage, frame, unframe } from '../../../lib/providers/plugin/grpc';

describe('protobuf codec', () => {
  it('round-trips the provider schema response, maps included', () => {
    const response = wireProviderSchema(workzoneSchema);
    const back = decodeMessage(messages, 'tfplugin6.GetProviderSchema.Response', encodeMessage(messages, 'tfplugin6.GetProviderSchema.Response', response));
    const resources = back.resource_schemas as Record<string, any>;
    expect(Object.keys(resources)).toEqual(['workzone_oauth_client']);
    const attrs = resources.workzone_oauth_client.block.attributes as any[];
    const secret = attrs.find((a) => a.name === 'client_secret_wo');
    expect(secret).toMatchObject({ write_only: true, sensitive: true, optional: true });
    expect(secret.computed).toBeUndefined(); // proto3 default omitted
    expect(Buffer.from(secret.type).toString()).toBe('"string"');
    const named = attrs.find((a) => a.name === 'client_name');
    expect(named).toMatchObject({ optional: true, computed: true }); // a default makes it optional + computed
    expect((back.server_capabilities as any).get_provider_schema_optional).toBe(true);
    const provider = (back.provider as any).block.attributes.find((a: any) => a.name === 'odata_path');
    expect(provider.computed).toBeUndefined(); // provider blocks allow no computed attributes
  });

  it('round-trips int64 edge values and repeated messages', () => {
    const msg = { steps: [{ attribute_name: 'a' }, { element_key_int: 0 }, { element_key_int: -3 }, { element_key_int: 2 ** 40 }, { element_key_string: 'k' }] };
    const back = decodeMessage(messages, 'tfplugin6.AttributePath', encodeMessage(messages, 'tfplugin6.AttributePath', msg));
    expect(back.steps).toEqual([{ attribute_name: 'a' }, {}, { element_key_int: -3 }, { element_key_int: 2 ** 40 }, { element_key_string: 'k' }]);
  });

  it('skips unknown fields and rejects truncated input', () => {
    // field 99 (varint) then field 1 (string "x")
    const bytes = Buffer.from([0x98, 0x06, 0x01, 0x0a, 0x01, 0x78]);
    expect(decodeMessage(messages, 'tfplugin6.ImportResourceState.Request', bytes)).toMatchObject({ type_name: 'x' });
    expect(() => decodeMessage(messages, 'tfplugin6.ImportResourceState.Request', Buffer.from([0x0a, 0x05, 0x78]))).toThrow(ProtobufError);
    expect(() => decodeMessage(messages, 'tfplugin6.ImportResourceState.Request', Buffer.from([0x0a]))).toThrow(ProtobufError);
    expect(() => decodeMessage(messages, 'tfplugin6.ImportResourceState.Request', Buffer.from([0x08, 0x01]))).toThrow(/wire type/);
  });

  it('frames gRPC messages and refuses compressed or partial ones', () => {
    const payload = Buffer.from([1, 2, 3]);
    expect(unframe(frame(payload))).toEqual(payload);
    expect(() => unframe(Buffer.from([1, 0, 0, 0, 0]))).toThrow(/compressed/);
    expect(() => unframe(Buffer.from([0, 0, 0, 0, 9, 1]))).toThrow(ProtobufError);
  });

  it('percent-encodes grpc-message as gRPC does: only bytes outside printable ASCII, and "%"', () => {
    expect(encodeGrpcMessage('unknown method /tfplugin6.Provider/Nope: 100% sure')).toBe('unknown method /tfplugin6.Provider/Nope: 100%25 sure');
    expect(encodeGrpcMessage('Ærø\nline')).toBe('%C3%86r%C3%B8%0Aline');
    const printable = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).join('').replace('%', '');
    expect(encodeGrpcMessage(printable)).toBe(printable);
  });

  it('encodes a message straight into its frame, as frame(encodeMessage(...)) would', () => {
    const big = 'x'.repeat(70_000); // a length over 16 bits, and a writer that grew
    for (const summary of ['', 'short', big]) {
      const message = { diagnostics: [{ severity: 1, summary, detail: 'd' }] };
      const name = 'tfplugin6.ValidateResourceConfig.Response';
      expect(Buffer.from(encodeFramed(messages, name, message))).toEqual(frame(encodeMessage(messages, name, message)));
    }
  });
});

/** Parses our .proto files (the subset of syntax they use) into name → [number, name, type, repeated]. */
function parseProto(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const stack: string[] = [];
  let pkg = '';
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (!line) continue;
    const p = /^package ([\w.]+);/.exec(line);
    if (p) pkg = p[1]!;
    const open = /^(message|enum|service|oneof) (\w+) \{(\})?$/.exec(line);
    if (open) {
      if (!open[3]) stack.push(`${open[1]}:${open[2]}`);
      if (open[1] === 'message') out.set([pkg, ...stack.filter((s) => s.startsWith('message:')).map((s) => s.slice(8)), ...(open[3] ? [open[2]] : [])].join('.'), []);
      continue;
    }
    if (line === '}') {
      stack.pop();
      continue;
    }
    const field = /^(repeated )?(map<string, ?(\w+)>|[\w.]+) (\w+) = (\d+);/.exec(line);
    const inMessage = stack.filter((s) => s.startsWith('message:'));
    if (field && stack.length && !stack[stack.length - 1]!.startsWith('enum:')) {
      const name = [pkg, ...inMessage.map((s) => s.slice(8))].join('.');
      out.get(name)!.push(`${field[5]} ${field[4]} ${field[3] ? `map:${field[3]}` : field[2]}${field[1] ? ' repeated' : ''}`);
    }
  }
  return out;
}

describe('descriptor table', () => {
  it('agrees with proto/*.proto field for field', () => {
    const fromProto = new Map<string, string[]>();
    for (const file of ['tfplugin6.proto', 'plugin.proto', 'health.proto']) {
      for (const [k, v] of parseProto(readFileSync(join(__dirname, '../../../proto', file), 'utf8'))) fromProto.set(k, v);
    }
    const scalar = new Set(['string', 'bytes', 'bool', 'int64', 'int32']);
    const fromTable = new Map<string, string[]>();
    for (const [name, fields] of Object.entries(messages)) {
      fromTable.set(
        name,
        fields.map((f) => {
          let type: string;
          if (f.type === 'map') type = `map:${typeof f.value === 'string' ? f.value : f.value.message.split('.').pop()}`;
          else if (f.type === 'message') type = f.message;
          else type = f.type;
          return `${f.number} ${f.name} ${type}${'repeated' in f && f.repeated ? ' repeated' : ''}`;
        }),
      );
    }
    // Namespace-only messages (no fields, only nested messages) need no table entry.
    for (const [name, fields] of [...fromProto]) {
      if (fields.length === 0 && [...fromProto.keys()].some((k) => k.startsWith(`${name}.`))) fromProto.delete(name);
    }
    // Normalise proto types: message references to full names, enums to "enum".
    const names = [...fromProto.keys()];
    for (const [name, fields] of fromProto) {
      fromProto.set(
        name,
        fields.map((f) => {
          const [n, field, type, rep] = f.split(' ');
          let t = type!;
          if (!scalar.has(t) && !t.startsWith('map:')) {
            const scope = name.split('.');
            let resolved: string | undefined;
            for (let i = scope.length; i >= 0 && !resolved; i--) {
              const candidate = [...scope.slice(0, i), t].join('.');
              if (names.includes(candidate)) resolved = candidate;
            }
            t = resolved ?? 'enum';
          }
          return `${n} ${field} ${t}${rep ? ' repeated' : ''}`;
        }),
      );
    }
    expect(Object.fromEntries([...fromTable].sort())).toEqual(Object.fromEntries([...fromProto].sort()));
  });
});
