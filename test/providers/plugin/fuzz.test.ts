/**
 * The providers' RPC handlers fed malformed input: random msgpack bytes, truncated and nasty encodings,
 * wrong types, missing and extra attributes, wrong-shape JSON state, garbage import ids. With the real
 * workzone and kmdlogic definitions against their emulators, directly and over the real gRPC server:
 * the answer is always diagnostics (a clear error, never a JavaScript error's text), never a throw, an
 * unhandled rejection or a hang; bad gRPC frames get a gRPC error status and the server stays up.
 */
import * as http2 from 'node:http2';
import * as tls from 'node:tls';
import fc from 'fast-check';
import { decode, encode, ExtensionCodec } from '@msgpack/msgpack';
import { startKmdLogicEmulator, type KmdLogicEmulator } from '../../../lib/emulators/kmdlogic';
import { startWorkZoneEmulator, type WorkZoneEmulator } from '../../../lib/emulators/workzone';
import { kmdlogicProvider } from '../../../lib/providers/kmdlogic/provider';
import { frame } from '../../../lib/providers/plugin/grpc';
import { HclogLogger } from '../../../lib/providers/plugin/log';
import { decodeMessage, encodeMessage } from '../../../lib/providers/plugin/protobuf/codec';
import { messages, methods } from '../../../lib/providers/plugin/protobuf/messages';
import { ProviderService } from '../../../lib/providers/plugin/provider-service';
import { startProvider, type RunningProvider } from '../../../lib/providers/plugin/server';
import { createServerIdentity } from '../../../lib/providers/plugin/tls/certificate';
import type { ProviderDefinition } from '../../../lib/providers/plugin/types';
import { blockType, encodeDynamic } from '../../../lib/providers/plugin/values';
import { workzoneProvider } from '../../../lib/providers/workzone/provider';
import type { AttributeType, BlockSchema } from '../../../lib/schemas/types';

jest.setTimeout(120_000);

const RUNS = 120;
const CALL_TIMEOUT_MS = 15_000;
/** Text of a JavaScript error that escaped a handler: never acceptable in a diagnostic. */
const JS_ERROR = /TypeError|ReferenceError|RangeError|Cannot read propert|Cannot convert|is not a function|is not iterable|undefined is not|Maximum call stack|\bat .*\.ts:\d+/;

const rejections: unknown[] = [];
const onRejection = (reason: unknown) => rejections.push(reason);
const counts: Record<string, number> = {};
const count = (what: string) => (counts[what] = (counts[what] ?? 0) + 1);

let wz: WorkZoneEmulator;
let logic: KmdLogicEmulator;
const logLines: string[] = [];
const log = new HclogLogger('provider.fuzz', 'trace', undefined, {}, (l) => logLines.push(l));

/** A handler called with whatever the fuzzer makes, bypassing the request types on purpose. */
type RpcHandler = (request: Record<string, unknown>) => Promise<unknown>;

interface Target {
  readonly name: string;
  readonly definition: ProviderDefinition<any>;
  readonly config: () => Record<string, unknown>;
  handlers: Record<string, RpcHandler>;
}

const full = (block: BlockSchema, values: Record<string, unknown>) =>
  Object.fromEntries(Object.keys(block.attributes).map((name) => [name, values[name] ?? null]));

const targets: Target[] = [
  {
    name: 'workzone',
    definition: workzoneProvider,
    config: () => ({ url: wz.url, username: wz.username, password: wz.password, request_timeout_seconds: 5, retry_max_seconds: 1 }),
    handlers: {},
  },
  {
    name: 'kmdlogic',
    definition: kmdlogicProvider,
    config: () => ({
      client_id: logic.clientId,
      client_secret: logic.clientSecret,
      token_url: logic.tokenUrl,
      api_url: logic.url,
      scope: logic.scope,
      request_timeout_seconds: 5,
      retry_max_seconds: 1,
    }),
    handlers: {},
  },
];

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  wz = await startWorkZoneEmulator({ port: 0 });
  logic = await startKmdLogicEmulator({ port: 0 });
  for (const target of targets) {
    target.handlers = new ProviderService(target.definition, log, {}).handlers();
    const provider = target.definition.schema.provider;
    const res: any = await target.handlers.ConfigureProvider!({ config: encodeDynamic(full(provider, target.config()) as any, blockType(provider)) });
    expect(res.diagnostics.filter((d: any) => d.severity === 1)).toEqual([]);
  }
});

afterAll(async () => {
  process.off('unhandledRejection', onRejection);
  await Promise.all([wz?.close(), logic?.close()]);
  // The figures for the report: inputs tried per target.
  console.log(`fuzz inputs: ${JSON.stringify(counts)}`);
});

afterEach(() => expect(rejections).toEqual([]));

/** A handler call that must settle in time. */
async function settle<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${CALL_TIMEOUT_MS} ms`)), CALL_TIMEOUT_MS);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Calls an RPC; checks the answer is a well-formed response with clear diagnostics. */
async function call(target: Target, rpc: string, request: Record<string, unknown>, mustError: boolean): Promise<any> {
  count(`${target.name}.${rpc}`);
  const response: any = await settle(target.handlers[rpc]!(request), `${target.name} ${rpc}`);
  // terraform must be able to receive it: it encodes as the RPC's response message.
  expect(() => encodeMessage(messages, methods[`/tfplugin6.Provider/${rpc}`]!.response, response)).not.toThrow();
  expect(Array.isArray(response.diagnostics)).toBe(true);
  for (const d of response.diagnostics) {
    expect([1, 2]).toContain(d.severity);
    expect(typeof d.summary).toBe('string');
    expect(d.summary.trim()).not.toBe('');
    expect(`${d.summary}\n${d.detail ?? ''}`).not.toMatch(JS_ERROR);
  }
  if (mustError) expect(response.diagnostics.filter((d: any) => d.severity === 1).length).toBeGreaterThan(0);
  return response;
}

// ---------- inputs ----------

const extensionCodec = new ExtensionCodec();
extensionCodec.register({ type: 0, encode: () => null, decode: () => null });
const decodes = (bytes: Uint8Array): boolean => {
  try {
    decode(bytes, { extensionCodec });
    return true;
  } catch {
    return false;
  }
};

const hex = (h: string) => Buffer.from(h.replace(/\s/g, ''), 'hex');
/** Hand-written nasty msgpack: truncations, lying lengths, deep nesting, odd keys and extensions. */
const NASTY_MSGPACK: Buffer[] = [
  hex('c1'), // never used
  hex('dbffffffff61'), // str32 claiming 4 GiB
  hex('dfffffffff'), // map32 claiming 4 billion entries
  hex('ddffffffff'), // array32 likewise
  hex('81a3'), // map, truncated key
  hex('c4'), // bin8 without length
  hex('d6ff00000000'), // timestamp extension
  hex('d40000'), // Unknown extension as the whole value
  hex('c0c0'), // two values
  hex('cb7ff8000000000000'), // NaN
  hex('cf ffffffffffffffff'), // uint64 max
  hex('81 01 c0'), // integer map key
  hex('81 c0 c0'), // nil map key
  hex('81 a9 5f5f70726f746f5f5f 81 a1 78 01'), // {"__proto__": {"x": 1}}
  Buffer.concat([Buffer.alloc(100_000, 0x91), hex('c0')]), // 100 000 nested lists
  Buffer.concat([Buffer.alloc(50_000, 0x81).map((b, i) => (i % 2 ? 0xa0 : 0x81)), hex('c0')]), // deeply nested maps
  Buffer.alloc(0x10000, 0x90), // many empty lists
];

/** Values of the right type for an attribute type (the rules may still refuse them). */
function typed(type: AttributeType): fc.Arbitrary<unknown> {
  if (type === 'string') return fc.string({ maxLength: 20 });
  if (type === 'bool') return fc.boolean();
  if (type === 'number') return fc.integer();
  const [kind, inner] = type;
  if (kind === 'list' || kind === 'set') return fc.array(typed(inner as AttributeType), { maxLength: 2 });
  if (kind === 'map') return fc.dictionary(fc.string({ maxLength: 5 }), typed(inner as AttributeType), { maxKeys: 2 });
  return fc.record(Object.fromEntries(Object.entries(inner as Record<string, AttributeType>).map(([k, t]) => [k, fc.option(typed(t), { nil: null })])));
}

/** A value of another type than `type`. */
function wrongTyped(type: AttributeType): fc.Arbitrary<unknown> {
  const scalars = { string: fc.string({ minLength: 1, maxLength: 5 }), bool: fc.boolean(), number: fc.double({ noNaN: true, noDefaultInfinity: true }) };
  const all = [scalars.string, scalars.bool, scalars.number, fc.constant([1, 2]), fc.constant({ nested: 'object' })];
  if (type === 'string') return fc.oneof(scalars.bool, scalars.number, fc.constant([1]), fc.constant({ a: 1 }));
  if (type === 'bool') return fc.oneof(scalars.number, fc.constantFrom('true', 'yes', '1'), fc.constant([true]));
  if (type === 'number') return fc.oneof(fc.constantFrom('', ' ', 'abc', '1e', '0x'), scalars.bool, fc.constant([1]));
  const [kind] = type;
  if (kind === 'list' || kind === 'set' || kind === 'map' || kind === 'object') return fc.oneof(...all.slice(0, 3));
  return fc.oneof(...all);
}

/** An object of a block with exactly one thing wrong; `attribute` is the attribute to blame. */
function brokenObject(block: BlockSchema): fc.Arbitrary<{ value: Record<string, unknown>; attribute?: string; why: string }> {
  const names = Object.keys(block.attributes);
  const base = fc.record(Object.fromEntries(names.map((n) => [n, fc.option(typed(block.attributes[n]!.type), { nil: null })])));
  return fc.oneof(
    fc.tuple(base, fc.constantFrom(...names)).chain(([value, name]) =>
      wrongTyped(block.attributes[name]!.type).map((bad) => ({ value: { ...value, [name]: bad }, attribute: name, why: 'wrong type' })),
    ),
    fc.tuple(base, fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !names.includes(k))).map(([value, extra]) => ({
      value: { ...value, [extra]: 'x' },
      why: 'extra attribute',
    })),
  );
}

/** A DynamicValue that must not decode. */
const brokenDynamic = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 64 }).filter((b) => !decodes(b)).map((msgpack) => ({ msgpack })),
  fc.constantFrom(...NASTY_MSGPACK.filter((b) => !decodes(b))).map((msgpack) => ({ msgpack })),
  fc.string({ minLength: 1, maxLength: 30 }).filter((s) => {
    try {
      JSON.parse(s);
      return false;
    } catch {
      return true;
    }
  }).map((s) => ({ json: Buffer.from(s) })),
  fc.constantFrom('[', '{"a":', '\u0000', '{}}', 'nul').map((s) => ({ json: Buffer.from(s) })),
  fc.constantFrom(...['"str"', '5', '[]', 'true'].map((s) => ({ json: Buffer.from(s) }))),
  fc.constantFrom(...[encode('str'), encode(5), encode([1, 2]), encode(true)].map((msgpack) => ({ msgpack }))),
);

/** Any DynamicValue at all: random bytes (that may happen to decode), nasty ones, typed garbage. */
const anyDynamic = fc.oneof(
  fc.uint8Array({ maxLength: 64 }).map((msgpack) => ({ msgpack })),
  fc.constantFrom(...NASTY_MSGPACK).map((msgpack) => ({ msgpack })),
  fc.anything({ maxDepth: 2 }).map((v) => ({ msgpack: encode(v, { ignoreUndefined: true }) })),
  fc.constant(undefined),
);

const dvMustFail = (dv: { msgpack?: Uint8Array; json?: Uint8Array } | undefined) =>
  dv?.msgpack && dv.msgpack.length > 0 ? !decodes(dv.msgpack) : false;

type Kind = 'provider' | 'resource' | 'data';
const blocksOf = (target: Target): { kind: Kind; type?: string; block: BlockSchema }[] => [
  { kind: 'provider', block: target.definition.schema.provider },
  ...Object.entries(target.definition.schema.resources).map(([type, block]) => ({ kind: 'resource' as const, type, block })),
  ...Object.entries(target.definition.schema.dataSources).map(([type, block]) => ({ kind: 'data' as const, type, block })),
];

describe.each(targets.map((t) => [t.name, t] as const))('%s provider handlers', (_name, target) => {
  const resourceTypes = () => Object.keys(target.definition.schema.resources);
  const dataTypes = () => Object.keys(target.definition.schema.dataSources);

  test('validate RPCs: undecodable values, wrong types and extra attributes are error diagnostics on the attribute', async () => {
    for (const { kind, type, block } of blocksOf(target)) {
      const rpc = kind === 'provider' ? 'ValidateProviderConfig' : kind === 'resource' ? 'ValidateResourceConfig' : 'ValidateDataResourceConfig';
      await fc.assert(
        fc.asyncProperty(brokenDynamic, async (config) => {
          await call(target, rpc, { type_name: type, config }, true);
        }),
        { numRuns: RUNS / 2 },
      );
      await fc.assert(
        fc.asyncProperty(brokenObject(block), async ({ value, attribute }) => {
          const res = await call(target, rpc, { type_name: type, config: { msgpack: encode(value) } }, true);
          if (attribute) {
            const paths = res.diagnostics.map((d: any) => d.attribute?.steps?.[0]?.attribute_name);
            expect(paths).toContain(attribute);
          } else {
            expect(res.diagnostics.map((d: any) => d.detail).join('\n')).toMatch(/unsupported attribute|not allowed/);
          }
        }),
        { numRuns: RUNS },
      );
    }
  });

  test('every RPC with random or nasty values answers with diagnostics, an error whenever the value cannot be decoded', async () => {
    const rpcs: [string, (type: string) => fc.Arbitrary<[Record<string, unknown>, boolean]>][] = [
      ['ValidateProviderConfig', () => anyDynamic.map((config) => [{ config }, dvMustFail(config)])],
      ['ValidateResourceConfig', (t) => anyDynamic.map((config) => [{ type_name: t, config }, dvMustFail(config)])],
      ['ReadResource', (t) => anyDynamic.map((current_state) => [{ type_name: t, current_state, private: Buffer.from('{not json') }, dvMustFail(current_state)])],
      [
        'PlanResourceChange',
        (t) =>
          fc.tuple(anyDynamic, anyDynamic, anyDynamic).map(([prior_state, proposed_new_state, config]) => [
            { type_name: t, prior_state, proposed_new_state, config },
            dvMustFail(prior_state) || dvMustFail(proposed_new_state),
          ]),
      ],
      [
        'ApplyResourceChange',
        (t) =>
          fc.tuple(anyDynamic, anyDynamic, anyDynamic).map(([prior_state, planned_state, config]) => [
            { type_name: t, prior_state, planned_state, config, planned_private: Buffer.from([0xff, 0x00]) },
            dvMustFail(prior_state) || dvMustFail(planned_state) || dvMustFail(config),
          ]),
      ],
    ];
    for (const [rpc, request] of rpcs) {
      for (const type of rpc === 'ValidateProviderConfig' ? ['-'] : resourceTypes()) {
        await fc.assert(
          fc.asyncProperty(request(type), async ([req, mustError]) => void (await call(target, rpc, req, mustError))),
          { numRuns: RUNS },
        );
      }
    }
    for (const type of dataTypes()) {
      await fc.assert(
        fc.asyncProperty(anyDynamic, async (config) => void (await call(target, 'ReadDataSource', { type_name: type, config }, dvMustFail(config) || config === undefined))),
        { numRuns: RUNS },
      );
    }
  });

  test('UpgradeResourceState: wrong-shape JSON state, newer versions, legacy flatmap are clear errors', async () => {
    const notAnObject = fc.oneof(
      fc.constantFrom('null', '[]', '[{}]', '5', '"state"', 'true', '{"a":1}{', '\u0000{}', '{"__proto__":5}'),
      fc.string({ maxLength: 40 }),
      fc.jsonValue({ maxDepth: 2 }).filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)).map((v) => JSON.stringify(v)),
    );
    for (const type of resourceTypes()) {
      const block = target.definition.schema.resources[type]!;
      await fc.assert(
        fc.asyncProperty(notAnObject, async (json) => {
          let isObject = false;
          try {
            const parsed = JSON.parse(json);
            isObject = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed);
          } catch {
            // not JSON at all
          }
          await call(target, 'UpgradeResourceState', { type_name: type, version: block.version, raw_state: { json: Buffer.from(json) } }, !isObject && json.length > 0);
        }),
        { numRuns: RUNS },
      );
      // Wrong types inside an object state: an error naming the attribute.
      await fc.assert(
        fc.asyncProperty(brokenObject(block), async ({ value, attribute }) => {
          const res = await call(target, 'UpgradeResourceState', { type_name: type, version: block.version, raw_state: { json: Buffer.from(JSON.stringify(value)) } }, attribute !== undefined && !block.attributes[attribute]!.writeOnly);
          if (attribute && !block.attributes[attribute]!.writeOnly) {
            expect(res.diagnostics.map((d: any) => d.attribute?.steps?.[0]?.attribute_name)).toContain(attribute);
          }
        }),
        { numRuns: RUNS },
      );
      const deep = '['.repeat(200_000) + ']'.repeat(200_000);
      await call(target, 'UpgradeResourceState', { type_name: type, version: 0, raw_state: { json: Buffer.from(deep) } }, true);
      const newer = await call(target, 'UpgradeResourceState', { type_name: type, version: block.version + 1, raw_state: { json: Buffer.from('{}') } }, true);
      expect(newer.diagnostics[0].summary).toBe('State written by a newer provider');
      const legacy = await call(target, 'UpgradeResourceState', { type_name: type, version: 0, raw_state: { flatmap: { id: 'x' } } }, true);
      expect(legacy.diagnostics[0].summary).toBe('Unsupported legacy state');
      for (const version of [-1, Number.MAX_SAFE_INTEGER, 2n ** 63n - 1n, 'x']) {
        await call(target, 'UpgradeResourceState', { type_name: type, version, raw_state: { json: Buffer.from('{}') } }, version !== -1 && version !== 'x');
      }
    }
  });

  test('ImportResourceState: garbage ids are errors that say what an id looks like', async () => {
    const garbage = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.constantFrom('', ' ', '/', '//', "'", "''", '%', '%zz', '..', '../..', '?x=1', '#', '\u0000', 'a\nb', '${var.x}', '*', 'null', '\ud800'),
      fc.string({ minLength: 300, maxLength: 400 }),
      fc.uuid().map((u) => `${u}/${u}/${u}`),
    );
    for (const type of resourceTypes()) {
      await fc.assert(
        fc.asyncProperty(garbage, async (id) => {
          const res = await call(target, 'ImportResourceState', { type_name: type, id }, true);
          expect(res.diagnostics.find((d: any) => d.severity === 1).summary).toMatch(/import|not found|no |invalid/i);
        }),
        { numRuns: RUNS },
      );
    }
  });

  test('unknown type names and missing request fields are errors, not crashes', async () => {
    const names = ['', 'nope', '__proto__', 'constructor', 'toString', `${target.name}_`, 'x'.repeat(10_000)];
    const rpcs = ['ValidateResourceConfig', 'ValidateDataResourceConfig', 'UpgradeResourceState', 'ReadResource', 'PlanResourceChange', 'ApplyResourceChange', 'ImportResourceState', 'ReadDataSource'];
    for (const rpc of rpcs) {
      for (const type_name of [...names, undefined]) await call(target, rpc, { type_name }, true);
      await call(target, rpc, {}, true);
    }
    await call(target, 'ValidateProviderConfig', {}, true);
    // An unconfigured provider refuses, whatever it is sent.
    const fresh = { ...target, handlers: new ProviderService(target.definition, log, {}).handlers() };
    await call(fresh, 'ConfigureProvider', { config: { msgpack: hex('c1') } }, true);
    await call(fresh, 'ConfigureProvider', { config: { msgpack: encode({ nope: 1 }) } }, true);
    await call(fresh, 'ReadDataSource', { type_name: dataTypes()[0], config: { msgpack: encode({}) } }, true);
  });
});

// ---------- over the real gRPC server ----------

describe('over gRPC (mTLS on a unix socket)', () => {
  const client = createServerIdentity();
  let running: RunningProvider;
  let session: http2.ClientHttp2Session;

  beforeAll(async () => {
    const env = { WORKZONE_URL: wz.url, WORKZONE_USERNAME: wz.username, WORKZONE_PASSWORD: wz.password };
    running = await startProvider(workzoneProvider, { clientCertPem: client.certPem, log, onShutdown: () => undefined, env });
    session = connect();
  });
  afterAll(() => {
    session?.close();
    running?.close();
  });

  const connect = () =>
    http2.connect('https://localhost', {
      createConnection: () =>
        tls.connect({ path: running.socketPath, key: client.keyPem, cert: client.certPem, rejectUnauthorized: false, ALPNProtocols: ['h2'], servername: 'localhost' }),
    });

  interface Reply {
    status: number | undefined;
    grpcStatus: string | undefined;
    grpcMessage: string;
    body: Buffer;
  }

  /** One unary call with raw bytes and headers; resolves with what came back. */
  function raw(path: string, body: Buffer, headers: Record<string, string> = {}): Promise<Reply> {
    count(`grpc ${path.split('/').pop()}`);
    return settle(
      new Promise<Reply>((resolve, reject) => {
        const stream = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers', ...headers });
        const chunks: Buffer[] = [];
        let status: number | undefined;
        let grpc: { status?: string; message?: string } = {};
        stream.on('response', (h) => {
          status = Number(h[':status']);
          if (h['grpc-status'] !== undefined) grpc = { status: String(h['grpc-status']), message: String(h['grpc-message'] ?? '') };
        });
        stream.on('trailers', (t) => (grpc = { status: String(t['grpc-status']), message: String(t['grpc-message'] ?? '') }));
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => resolve({ status, grpcStatus: grpc.status, grpcMessage: decodeURIComponent(grpc.message ?? ''), body: Buffer.concat(chunks) }));
        stream.on('error', reject);
        stream.end(body);
      }),
      `gRPC ${path}`,
    );
  }

  const rpc = (name: string, message: Record<string, unknown>) => {
    const path = `/tfplugin6.Provider/${name}`;
    return raw(path, frame(encodeMessage(messages, methods[path]!.request, message)));
  };
  const responseOf = (name: string, reply: Reply) => decodeMessage(messages, methods[`/tfplugin6.Provider/${name}`]!.response, reply.body.subarray(5));

  async function stillServing(): Promise<void> {
    const reply = await rpc('GetProviderSchema', {});
    expect(reply.grpcStatus).toBe('0');
    expect(responseOf('GetProviderSchema', reply)).toHaveProperty('provider');
  }

  test('malformed values inside well-formed messages come back as diagnostics with status OK', async () => {
    const block = workzoneProvider.schema.resources.workzone_oauth_client!;
    await fc.assert(
      fc.asyncProperty(fc.oneof(brokenDynamic, brokenObject(block).map(({ value }) => ({ msgpack: encode(value) }))), async (config) => {
        const reply = await rpc('ValidateResourceConfig', { type_name: 'workzone_oauth_client', config });
        expect(reply.grpcStatus).toBe('0');
        const response = responseOf('ValidateResourceConfig', reply) as { diagnostics: { severity: number; summary: string }[] };
        expect(response.diagnostics.some((d) => d.severity === 1)).toBe(true);
      }),
      { numRuns: 60 },
    );
    const upgrade = await rpc('UpgradeResourceState', { type_name: 'workzone_oauth_client', version: 0, raw_state: { json: Buffer.from('[1,2]') } });
    expect(upgrade.grpcStatus).toBe('0');
    expect((responseOf('UpgradeResourceState', upgrade) as any).diagnostics[0].summary).toBe('Corrupt resource state');
  });

  test('malformed frames and protobuf get a gRPC error status; the server stays up', async () => {
    const path = '/tfplugin6.Provider/ValidateResourceConfig';
    const good = frame(encodeMessage(messages, methods[path]!.request, { type_name: 'workzone_oauth_client', config: { msgpack: encode({}) } }));
    const cases: [string, Buffer, Record<string, string>, string][] = [
      ['truncated header', good.subarray(0, 3), {}, '3'],
      ['truncated message', good.subarray(0, good.length - 2), {}, '3'],
      ['length larger than the body', Buffer.concat([hex('00 00 00 10 00'), good.subarray(5)]), {}, '3'],
      ['two messages', Buffer.concat([good, good]), {}, '3'],
      // gRPC: compression the server does not support is UNIMPLEMENTED (with grpc-accept-encoding).
      ['compressed flag', Buffer.concat([hex('01'), good.subarray(1)]), {}, '12'],
      ['gzip grpc-encoding', good, { 'grpc-encoding': 'gzip' }, '12'],
      ['protobuf with a bad wire type', frame(hex('0f 01')), {}, '3'],
      ['protobuf with a length past the end', frame(hex('12 7f 00')), {}, '3'],
      ['protobuf with an endless varint', frame(Buffer.alloc(20, 0xff)), {}, '3'],
      ['wrong content type', good, { 'content-type': 'application/json' }, '3'],
    ];
    for (const [why, body, headers, status] of cases) {
      const reply = await raw(path, body, headers);
      expect({ why, status: reply.grpcStatus }).toEqual({ why, status });
      expect(reply.grpcMessage).not.toBe('');
    }
    const unknown = await raw('/tfplugin6.Provider/NoSuchRpc', good);
    expect(unknown.grpcStatus).toBe('12');
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
        const reply = await raw(path, Buffer.from(bytes));
        expect(reply.grpcStatus).toBeDefined();
        if (reply.grpcStatus === '0') expect((responseOf('ValidateResourceConfig', reply) as any).diagnostics.length).toBeGreaterThan(0);
      }),
      { numRuns: 100 },
    );
    await stillServing();
  });

  test('a stream reset half-way and a dropped connection leave the server serving', async () => {
    const stream = session.request({ ':method': 'POST', ':path': '/tfplugin6.Provider/GetProviderSchema', 'content-type': 'application/grpc' });
    stream.on('error', () => undefined);
    stream.write(hex('00 00 00 00'));
    stream.close(http2.constants.NGHTTP2_CANCEL);
    await stillServing();
    session.destroy();
    session = connect();
    await stillServing();
  });
});
