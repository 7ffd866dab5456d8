/**
 * The plugin runtime against an independent gRPC client: @grpc/grpc-js with protobufjs reading
 * proto/*.proto (through @grpc/proto-loader), talking mutual TLS to the bundled fixture provider the way
 * go-plugin does (the handshake line's certificate as the root, terraform's client certificate). What
 * these check is gRPC's and go-plugin's contract, not our own reading of it: status codes, grpc-message
 * encoding, compression negotiation, health checking, and the Shutdown reply before the process exits.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { encode } from '@msgpack/msgpack';
import { createServerIdentity } from '../../../lib/providers/plugin/tls/certificate';
import { MAGIC_COOKIE_VALUE } from '../../../lib/providers/plugin/handshake';
import { firstStdoutLine } from '../../first-line';

jest.setTimeout(60_000);

const repo = join(__dirname, '../../..');
const tmp = mkdtempSync(join(tmpdir(), 'plugin-conformance-'));
const bundle = join(tmp, 'terraform-provider-fixture.js');
const terraform = createServerIdentity(); // plays terraform's client certificate

const definition = protoLoader.loadSync(['tfplugin6.proto', 'plugin.proto', 'health.proto'], {
  includeDirs: [join(repo, 'proto')],
  keepCase: true,
  longs: Number,
  enums: Number,
  defaults: false,
});
const loaded = grpc.loadPackageDefinition(definition) as any;

interface Provider {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  readonly stderr: () => string;
  client<T = any>(service: any, options?: grpc.ChannelOptions): T;
}

const started: Provider[] = [];
const clients: grpc.Client[] = [];

/** Starts the fixture provider as terraform does and connects to it as go-plugin does. */
async function startProvider(): Promise<Provider> {
  const child = spawn(bundle, [], {
    env: { PATH: process.env.PATH, TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE, PLUGIN_CLIENT_CERT: terraform.certPem, PLUGIN_PROTOCOL_VERSIONS: '5,6' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const line = await firstStdoutLine(child, 'fixture provider');
  const [, , network, address, , certBase64] = line.split('|');
  expect(network).toBe('unix');
  const serverCertPem = `-----BEGIN CERTIFICATE-----\n${Buffer.from(certBase64!, 'base64').toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
  const credentials = grpc.credentials.createSsl(Buffer.from(serverCertPem), Buffer.from(terraform.keyPem), Buffer.from(terraform.certPem));
  const provider: Provider = {
    child,
    exited,
    stderr: () => stderr,
    client: (Service, options = {}) => {
      const client = new Service(`unix:${address}`, credentials, { 'grpc.ssl_target_name_override': 'localhost', 'grpc.default_authority': 'localhost', ...options });
      clients.push(client);
      return client;
    },
  };
  started.push(provider);
  return provider;
}

/** A unary call as a promise; rejects with grpc-js's ServiceError. */
function call<T>(client: any, method: string, request: object): Promise<T> {
  return new Promise((resolve, reject) => client[method](request, (error: grpc.ServiceError | null, response: T) => (error ? reject(error) : resolve(response))));
}

async function callError(client: any, method: string, request: object): Promise<grpc.ServiceError> {
  try {
    await call(client, method, request);
  } catch (error) {
    return error as grpc.ServiceError;
  }
  throw new Error(`${method} succeeded where an error status was expected`);
}

let provider: Provider;

beforeAll(async () => {
  execFileSync(process.execPath, [join(repo, 'scripts/build-providers.mjs'), '--entry', `fixture=${join(__dirname, 'fixture/main.ts')}`, '--outdir', tmp], { stdio: 'pipe' });
  provider = await startProvider();
});

afterAll(() => {
  for (const client of clients) client.close();
  for (const p of started) p.child.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

describe('tfplugin6.Provider through @grpc/grpc-js', () => {
  it('serves the schema with its maps as maps', async () => {
    const schema: any = await call(provider.client(loaded.tfplugin6.Provider), 'GetProviderSchema', {});
    expect(Object.keys(schema.resource_schemas)).toEqual(['fixture_file']);
    expect(Object.keys(schema.data_source_schemas)).toEqual(['fixture_read']);
    const tokenWo = schema.resource_schemas.fixture_file.block.attributes.find((a: any) => a.name === 'token_wo');
    expect(tokenWo).toMatchObject({ write_only: true, sensitive: true, optional: true });
  });

  const config = (values: Record<string, unknown>) => ({
    msgpack: Buffer.from(encode({ id: null, path: 'a.json', content: 'x', label: null, secret: null, token_wo: null, tags: null, generation: null, ...values })),
  });

  it('refuses a write-only value from a client that does not allow write-only attributes', async () => {
    const client = provider.client(loaded.tfplugin6.Provider);
    const refused: any = await call(client, 'ValidateResourceConfig', { type_name: 'fixture_file', config: config({ token_wo: 'write-only-1234' }) });
    expect(refused.diagnostics).toEqual([
      expect.objectContaining({
        severity: 1,
        summary: 'WriteOnly Attribute Not Allowed',
        detail: expect.stringContaining('token_wo'),
        attribute: { steps: [{ attribute_name: 'token_wo' }] },
      }),
    ]);
    expect(JSON.stringify(refused)).not.toContain('write-only-1234');
    const allowed: any = await call(client, 'ValidateResourceConfig', {
      type_name: 'fixture_file',
      config: config({ token_wo: 'write-only-1234' }),
      client_capabilities: { write_only_attributes_allowed: true },
    });
    expect(allowed.diagnostics ?? []).toEqual([]);
    const unset: any = await call(client, 'ValidateResourceConfig', { type_name: 'fixture_file', config: config({}) });
    expect(unset.diagnostics ?? []).toEqual([]);
  });
});

describe('gRPC status and metadata', () => {
  it('shows grpc-message as sent: "/" and ":" are not percent-encoded (gRPC encodes only what is not printable ASCII, and "%")', async () => {
    const raw = (path: string) => ({ path, requestStream: false, responseStream: false, requestSerialize: (x: Buffer) => x, requestDeserialize: (x: Buffer) => x, responseSerialize: (x: Buffer) => x, responseDeserialize: (x: Buffer) => x });
    const Raw = grpc.makeGenericClientConstructor({ Nope: raw('/tfplugin6.Provider/Nope'), GetMetadata: raw('/tfplugin6.Provider/GetMetadata') }, 'Raw');
    const client = provider.client(Raw);
    const unknown = await callError(client, 'Nope', Buffer.alloc(0));
    expect(unknown.code).toBe(grpc.status.UNIMPLEMENTED);
    expect(unknown.details).toBe('unknown method /tfplugin6.Provider/Nope');
    const malformed = await callError(client, 'GetMetadata', Buffer.from([0x0a])); // field 1, length missing
    expect(malformed.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(malformed.details).toBe('cannot decode tfplugin6.GetMetadata.Request: truncated varint');
  });

  it('answers a compressed request UNIMPLEMENTED with grpc-accept-encoding, and the client then sends uncompressed', async () => {
    const client = provider.client(loaded.tfplugin6.Provider, { 'grpc.default_compression_algorithm': grpc.compressionAlgorithms.gzip });
    const error = await callError(client, 'GetMetadata', {});
    expect(error.code).toBe(grpc.status.UNIMPLEMENTED);
    expect(error.details).toMatch(/gzip/);
    // grpc-js learnt from grpc-accept-encoding that only identity is accepted.
    const metadata: any = await call(client, 'GetMetadata', {});
    expect(metadata.resources).toEqual([{ type_name: 'fixture_file' }]);
  });
});

describe('grpc.health.v1.Health', () => {
  it('is SERVING for the server ("") and for go-plugin\'s "plugin", NOT_FOUND for any other service', async () => {
    const health = provider.client(loaded.grpc.health.v1.Health);
    expect(await call(health, 'Check', { service: '' })).toEqual({ status: 1 });
    expect(await call(health, 'Check', { service: 'plugin' })).toEqual({ status: 1 });
    const error = await callError(health, 'Check', { service: 'no.such.Service' });
    expect(error.code).toBe(grpc.status.NOT_FOUND);
    expect(error.details).toContain('no.such.Service');
  });
});

describe('plugin.GRPCController/Shutdown', () => {
  it('replies, then the process exits 0', async () => {
    const own = await startProvider();
    const controller = own.client(loaded.plugin.GRPCController);
    await expect(call(controller, 'Shutdown', {})).resolves.toEqual({});
    expect(await own.exited).toBe(0);
  });
});
