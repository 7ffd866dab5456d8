/**
 * The protocol generator (scripts/codegen/protocol.ts): what it writes for a small .proto, and the
 * clear errors for what the runtime's codec cannot carry. (That the checked-in module is up to date with
 * proto/*.proto is test/bindings/generated.test.ts.)
 */
import { generateProtocol } from '../../../scripts/codegen/protocol';

const proto = (body: string) => [{ name: 'demo.proto', text: `syntax = "proto3";\npackage demo;\n${body}` }];

describe('generateProtocol', () => {
  it('writes the descriptor table, the message and enum types and the services', () => {
    const text = generateProtocol(
      proto(`
        message Thing {
          // What it is.
          enum Kind { NONE = 0; BIG = 1; }
          message Part { string name = 1; }
          Kind kind = 2;
          repeated Part parts = 1;
          map<string, bytes> blobs = 3;
          int64 size = 4;
        }
        service Things { rpc Get(Thing.Part) returns (Thing); }
      `),
    );
    expect(text).toContain("export const Thing_Kind = { NONE: 0, BIG: 1 } as const;");
    expect(text).toContain(`export interface Thing {
  parts: Thing_Part[];
  kind?: Thing_Kind;
  blobs: { [key: string]: Uint8Array };
  size?: number;
}`);
    expect(text).toContain(`  'demo.Thing': [
    { number: 1, name: 'parts', type: 'message', message: 'demo.Thing.Part', repeated: true },
    { number: 2, name: 'kind', type: 'enum' },
    { number: 3, name: 'blobs', type: 'map', value: 'bytes' },
    { number: 4, name: 'size', type: 'int64' },
  ],`);
    expect(text).toContain('Get: { request: Thing_Part; response: Thing };');
    expect(text).toContain("'/demo.Things/Get': { request: 'demo.Thing.Part', response: 'demo.Thing' },");
  });

  it.each([
    ['a type the codec does not encode', 'message M { double ratio = 1; }', 'demo.M.ratio: type double is not supported by the codec'],
    ['a map key other than string', 'message M { map<int32, string> byNumber = 1; }', 'demo.M.byNumber: map keys must be strings (got int32)'],
    ['a streaming RPC', 'message M {} service S { rpc Watch(M) returns (stream M); }', 'demo.S.Watch: streaming RPCs are not supported by the runtime (unary only)'],
    ['two names that meet in TypeScript', 'message A { message B {} } message A_B {}', 'would both be named A_B in TypeScript'],
    ['a syntax error', 'message M { string = 1; }', 'demo.proto:'],
  ])('refuses %s, saying where', (_what, body, message) => {
    expect(() => generateProtocol(proto(body))).toThrow(message);
  });
});
