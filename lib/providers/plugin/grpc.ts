/**
 * A unary-only gRPC server on node:http2 (TLS, ALPN h2). Unary gRPC is a 5-byte length prefix and a
 * grpc-status trailer; @grpc/grpc-js would add 50–110 ms to every provider start for it
 * (docs/decisions/0001-hand-written-plugin-runtime.md).
 */
import { X509Certificate } from 'node:crypto';
import * as http2 from 'node:http2';
import type * as tls from 'node:tls';
import { decodeMessage, encodeMessage, ProtobufError, type Message } from './protobuf/codec';
import type { DescriptorTable } from './protobuf/descriptor';
import { shorten } from './show';

export const Status = { OK: 0, INVALID_ARGUMENT: 3, NOT_FOUND: 5, RESOURCE_EXHAUSTED: 8, UNIMPLEMENTED: 12, INTERNAL: 13 } as const;

/** Thrown by a handler (or the framing) to answer with a gRPC status other than OK. */
export class GrpcError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Extra response headers, such as grpc-accept-encoding. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** The only message encoding we read or write: gRPC clients fall back to it when told so. */
const ACCEPT_ENCODING = { 'grpc-accept-encoding': 'identity' } as const;

export interface UnaryCall {
  /** The client's HTTP/2 connection: one per go-plugin client (one provider instance). */
  readonly session: http2.Http2Session;
  /** Runs `fn` once the response has been handed to the connection and the stream has closed. */
  afterResponse(fn: () => void): void;
}

export type UnaryHandler = (request: Message, call: UnaryCall) => Promise<Message>;

export interface GrpcServerOptions extends GrpcHandlerOptions {
  readonly keyPem: string;
  readonly certPem: string;
  /** terraform's certificate (PLUGIN_CLIENT_CERT), which clients must present. */
  readonly clientCertPem: string;
  /**
   * 'pinned': exactly that certificate, checked without Node's root store (the fast start, startup.ts);
   * 'ca': any certificate it verifies as a CA (Node's standard verification, as go-plugin's).
   */
  readonly clientAuth: 'pinned' | 'ca';
  /** A 'pinned' refusal (a failed handshake is the server's 'tlsClientError' event). */
  readonly onRefused?: (error: Error) => void;
}

export interface GrpcHandlerOptions {
  readonly table: DescriptorTable;
  readonly methods: { readonly [path: string]: { readonly request: string; readonly response: string } };
  readonly handlers: { readonly [path: string]: UnaryHandler };
  readonly onError?: (message: string) => void;
  /** Largest request accepted, in bytes. */
  readonly maxMessageBytes?: number;
}

/** Frames one message: compressed flag 0, 4-byte big-endian length, payload. */
export function frame(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(5 + payload.length);
  out[0] = 0;
  out.writeUInt32BE(payload.length, 1);
  out.set(payload, 5);
  return out;
}

/** Encodes a message straight into its frame, without framing's copy. */
export function encodeFramed(table: DescriptorTable, name: string, message: Message): Uint8Array {
  const out = encodeMessage(table, name, message, 5);
  const length = out.length - 5;
  out[0] = 0;
  out[1] = length >>> 24;
  out[2] = (length >>> 16) & 0xff;
  out[3] = (length >>> 8) & 0xff;
  out[4] = length & 0xff;
  return out;
}

/** The single message of a unary request body. */
export function unframe(body: Buffer): Buffer {
  if (body.length === 0) return body; // an empty body is an empty message
  if (body.length < 5) throw new ProtobufError('truncated gRPC frame');
  if (body[0] !== 0) throw new GrpcError(Status.UNIMPLEMENTED, 'compressed gRPC messages are not supported: send them uncompressed (grpc-encoding identity)', ACCEPT_ENCODING);
  const length = body.readUInt32BE(1);
  if (body.length !== 5 + length) throw new ProtobufError('gRPC body is not exactly one message');
  return body.subarray(5);
}

/**
 * grpc-message as gRPC's HTTP/2 mapping encodes it: the UTF-8 bytes outside printable ASCII (0x20–0x7E),
 * and "%" itself, as %XX; everything else (such as "/" and ":") as it is.
 */
export function encodeGrpcMessage(message: string): string {
  let out = '';
  for (const byte of Buffer.from(message, 'utf8')) {
    out += byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * Ends a call with an error status: trailers-only (one header block), as gRPC servers answer errors; with
 * extra headers (grpc-accept-encoding) as response headers and then trailers instead, because clients
 * such as @grpc/grpc-js read those from response headers only.
 */
function respondError(stream: http2.ServerHttp2Stream, status: number, message: string, extra: { httpStatus?: number; headers?: Readonly<Record<string, string>> } = {}): void {
  if (stream.destroyed || stream.headersSent) return;
  const headers = { ':status': extra.httpStatus ?? 200, 'content-type': 'application/grpc+proto', ...extra.headers };
  const trailers = { 'grpc-status': String(status), 'grpc-message': encodeGrpcMessage(message) };
  if (!extra.headers || Object.keys(extra.headers).length === 0) {
    stream.respond({ ...headers, ...trailers }, { endStream: true });
    return;
  }
  stream.respond(headers, { waitForTrailers: true });
  stream.once('wantTrailers', () => stream.sendTrailers(trailers));
  stream.end();
}

export function createGrpcServer(options: GrpcServerOptions): http2.Http2SecureServer {
  const pinned = options.clientAuth === 'pinned';
  const server = http2.createSecureServer({
    key: options.keyPem,
    cert: options.certPem,
    // 'ca': Node verifies the client certificate against terraform's, as go-plugin does (and builds its
    // root store first). 'pinned': no CA, so no root store (startup.ts, trick 2); the client must still
    // present a certificate and prove its key, and onlyClientCertificate accepts just the one.
    ca: pinned ? [] : [options.clientCertPem],
    requestCert: true,
    rejectUnauthorized: !pinned,
    ALPNProtocols: ['h2'],
    minVersion: 'TLSv1.2',
  });
  if (pinned) onlyClientCertificate(server, options.clientCertPem, options.onRefused);
  handleGrpcStreams(server, options);
  return server;
}

/**
 * Closes every connection whose client certificate is not exactly `certPem` before it can make a call:
 * Node emits 'session' as it starts HTTP/2 on a connection whose TLS handshake has completed, before it
 * reads any frame from it, so the session is destroyed before a call can arrive.
 */
function onlyClientCertificate(server: http2.Http2SecureServer, certPem: string, onRefused: (error: Error) => void = () => undefined): void {
  const expected = new X509Certificate(certPem).raw;
  server.on('session', (session) => {
    // session.socket is a proxy that reads through to the TLS socket.
    const presented = (session.socket as tls.TLSSocket).getPeerCertificate();
    if (presented?.raw && presented.raw.equals(expected)) return;
    session.destroy(); // and its socket
    onRefused(new Error(presented?.raw ? 'client certificate is not the one terraform gave' : 'no client certificate'));
  });
}

/** Serves unary calls on any HTTP/2 server (the mTLS one above, or a plaintext one for reattach). */
export function handleGrpcStreams(server: http2.Http2Server | http2.Http2SecureServer, options: GrpcHandlerOptions): void {
  const max = options.maxMessageBytes ?? 64 * 1024 * 1024;

  server.on('stream', (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => {
    stream.on('error', () => {}); // a peer reset is not our crash
    const session = stream.session!; // captured now: a destroyed stream forgets it
    const afterResponse: (() => void)[] = [];
    stream.once('close', () => afterResponse.forEach((fn) => fn()));
    const call: UnaryCall = { session, afterResponse: (fn) => void afterResponse.push(fn) };
    const path = String(headers[':path'] ?? '');
    const method = options.methods[path];
    const handler = options.handlers[path];
    if (!method || !handler) {
      respondError(stream, Status.UNIMPLEMENTED, `unknown method ${shorten(path)}`);
      return;
    }
    // gRPC's HTTP/2 mapping: anything but application/grpc[+proto] is not a gRPC request (415).
    const contentType = String(headers['content-type'] ?? '');
    if (!/^application\/grpc(\+proto)?(;|$)/.test(contentType)) {
      respondError(stream, Status.INVALID_ARGUMENT, `content-type must be application/grpc, not ${JSON.stringify(contentType)}`, { httpStatus: 415 });
      return;
    }
    // gRPC's compression: an encoding the server does not support is UNIMPLEMENTED, naming those it does.
    const encoding = String(headers['grpc-encoding'] ?? 'identity');
    if (encoding !== 'identity') {
      respondError(stream, Status.UNIMPLEMENTED, `grpc-encoding ${encoding} is not supported: send messages uncompressed (identity)`, { headers: ACCEPT_ENCODING });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max + 5) chunks.push(chunk);
    });
    stream.on('end', () => {
      void (async () => {
        if (size > max + 5) return respondError(stream, Status.RESOURCE_EXHAUSTED, 'request too large');
        let request: Message;
        try {
          // Small requests arrive in one chunk: no copy then.
          request = decodeMessage(options.table, method.request, unframe(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
        } catch (error) {
          if (error instanceof GrpcError) return respondError(stream, error.status, error.message, { headers: error.headers });
          return respondError(stream, Status.INVALID_ARGUMENT, `cannot decode ${method.request}: ${(error as Error).message}`);
        }
        let framed: Uint8Array;
        try {
          framed = encodeFramed(options.table, method.response, await handler(request, call));
        } catch (error) {
          if (error instanceof GrpcError) return respondError(stream, error.status, error.message, { headers: error.headers });
          options.onError?.(`${path}: ${(error as Error).message}`);
          return respondError(stream, Status.INTERNAL, 'internal error in the provider; see the provider log');
        }
        if (stream.destroyed) return;
        stream.respond({ ':status': 200, 'content-type': 'application/grpc+proto', ...ACCEPT_ENCODING }, { waitForTrailers: true });
        stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        stream.end(framed);
      })();
    });
  });
}
