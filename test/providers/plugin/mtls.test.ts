/**
 * The gRPC server takes calls only from the client certificate terraform named (PLUGIN_CLIENT_CERT):
 * another certificate, or none, gets no answer, and the refusal is logged. The same holds with the start-up
 * tricks off (WORKZONE_CPR_PLAIN_START), where Node verifies the certificate against terraform's.
 */
import * as http2 from 'node:http2';
import * as tls from 'node:tls';
import { frame } from '../../../lib/providers/plugin/grpc';
import { HclogLogger } from '../../../lib/providers/plugin/log';
import { decodeMessage, encodeMessage } from '../../../lib/providers/plugin/protobuf/codec';
import { messages, methods } from '../../../lib/providers/plugin/protobuf/messages';
import { startProvider, type RunningProvider } from '../../../lib/providers/plugin/server';
import { createServerIdentity } from '../../../lib/providers/plugin/tls/certificate';
import { PLAIN_START_VARIABLE, takeStartupSettings } from '../../../lib/providers/plugin/startup';
import { workzoneProvider } from '../../../lib/providers/workzone/provider';

const terraform = createServerIdentity();
const stranger = createServerIdentity();
const lines: string[] = [];
let running: RunningProvider;

beforeAll(async () => {
  const log = new HclogLogger('test', 'warn', undefined, {}, (line) => lines.push(line));
  running = await startProvider(workzoneProvider, { clientCertPem: terraform.certPem, log, onShutdown: () => undefined, env: {} });
});
afterAll(() => running?.close());

const PATH = '/tfplugin6.Provider/GetMetadata';

/** One GetMetadata call presenting `identity` (or no certificate): the response, or the error. */
function getMetadata(identity?: { keyPem: string; certPem: string }): Promise<{ ok: true; resources: unknown } | { ok: false; error: string }> {
  return new Promise((resolve) => {
    const session = http2.connect('https://localhost', {
      createConnection: () =>
        tls.connect({ path: running.socketPath, ...(identity ? { key: identity.keyPem, cert: identity.certPem } : {}), rejectUnauthorized: false, ALPNProtocols: ['h2'], servername: 'localhost' }),
    });
    const done = (result: { ok: true; resources: unknown } | { ok: false; error: string }) => {
      session.destroy();
      resolve(result);
    };
    session.on('error', (error) => done({ ok: false, error: error.message }));
    session.on('close', () => done({ ok: false, error: 'connection closed' }));
    const stream = session.request({ ':method': 'POST', ':path': PATH, 'content-type': 'application/grpc', te: 'trailers' });
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', (error) => done({ ok: false, error: error.message }));
    stream.on('end', () => {
      const body = Buffer.concat(chunks);
      if (body.length < 5) return done({ ok: false, error: 'no response message' });
      done({ ok: true, resources: decodeMessage(messages, methods[PATH]!.response, body.subarray(5)).resources });
    });
    stream.end(frame(encodeMessage(messages, methods[PATH]!.request, {})));
  });
}

test('the certificate terraform named gets answers', async () => {
  const result = await getMetadata(terraform);
  expect(result).toEqual({ ok: true, resources: expect.arrayContaining([{ type_name: 'workzone_oauth_client' }]) });
});

test('another certificate gets no answer, and the refusal is logged', async () => {
  lines.length = 0;
  const result = await getMetadata(stranger);
  expect(result.ok).toBe(false);
  expect(lines.join('')).toContain('client certificate is not the one terraform gave');
});

test('no certificate gets no answer', async () => {
  lines.length = 0;
  const result = await getMetadata();
  expect(result.ok).toBe(false);
  expect(lines.join('')).toContain('TLS handshake refused');
});

test('the right certificate still works after refusals', async () => {
  expect((await getMetadata(terraform)).ok).toBe(true);
});

describe(`with ${PLAIN_START_VARIABLE}=1 (Node's own verification, terraform's certificate as the CA)`, () => {
  let pinned: RunningProvider;
  beforeAll(async () => {
    pinned = running;
    takeStartupSettings({ [PLAIN_START_VARIABLE]: '1' });
    const log = new HclogLogger('test', 'warn', undefined, {}, (line) => lines.push(line));
    running = await startProvider(workzoneProvider, { clientCertPem: terraform.certPem, log, onShutdown: () => undefined, env: {} });
  });
  afterAll(() => {
    running.close();
    running = pinned;
    takeStartupSettings({});
  });

  test('the certificate terraform named gets answers; another one or none is refused and logged', async () => {
    expect((await getMetadata(terraform)).ok).toBe(true);
    lines.length = 0;
    expect((await getMetadata(stranger)).ok).toBe(false);
    expect((await getMetadata()).ok).toBe(false);
    expect(lines.filter((l) => l.includes('TLS handshake refused'))).toHaveLength(2);
    expect((await getMetadata(terraform)).ok).toBe(true);
  });
});
