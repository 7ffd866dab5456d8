/**
 * The HTTP(S) server shell shared by the emulators: listening, body reading with a size limit, fault
 * injection with its admin route, error helpers (OData and OAuth shapes) and request logging that never
 * prints secrets (only method, path without query, status and duration are logged).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { FaultConfigError, FaultInjector } from './faults';

export const FAULTS_PATH = '/_emulator/faults';
const DEFAULT_BODY_LIMIT = 1024 * 1024;

export interface EmulatorRequest {
  readonly method: string;
  /** Path, percent-encoded as received, without the query. */
  readonly path: string;
  readonly url: URL;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  readonly raw: http.IncomingMessage;
}

export type Handler = (req: EmulatorRequest, res: http.ServerResponse) => void | Promise<void>;

/**
 * Formats the body of an error the server raises itself (oversized body, injected fault, crash). Each
 * emulator speaks its API's error dialect; `path` lets a token endpoint speak OAuth's (`oauthError`).
 */
export type ErrorFormatter = (status: number, code: string, message: string, path: string) => unknown;

/** Thrown by handlers for an expected failure; the server answers with it. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    /** A complete body, replacing the formatter's (e.g. OAuth's {"error": ...}). */
    readonly body?: unknown,
  ) {
    super(message);
  }
}

export interface StartServerOptions {
  readonly port?: number;
  readonly host?: string;
  /** PEM key and certificate: serve HTTPS. */
  readonly tls?: { readonly key: string | Buffer; readonly cert: string | Buffer };
  readonly handler: Handler;
  readonly faults?: FaultInjector;
  readonly errorFormat?: ErrorFormatter;
  readonly bodyLimitBytes?: number;
  /** One line per request; nothing logged when omitted. */
  readonly log?: (line: string) => void;
  /** Prefix of log lines, e.g. "workzone". */
  readonly name?: string;
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:38211 (no trailing slash). */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** OData v4 error body. */
export const odataError: ErrorFormatter = (_status, code, message) => ({ error: { code, message } });

/**
 * RFC 6749 §5.2 error body, for a token endpoint. §5.2 defines codes for requests only: a server-side
 * failure gets the codes of §4.1.2.1 (`temporarily_unavailable` for overload, `server_error` otherwise).
 */
export const oauthError: ErrorFormatter = (status, _code, message) => ({
  error: status === 429 || status === 503 ? 'temporarily_unavailable' : status >= 500 ? 'server_error' : 'invalid_request',
  error_description: message,
});

/** OData's code for a status: Node's reason phrase without spaces ("Payload Too Large" → "PayloadTooLarge"). */
export function statusCode(status: number): string {
  return (http.STATUS_CODES[status] ?? `Status${status}`).replace(/[^A-Za-z0-9]/g, '');
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendEmpty(res: http.ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Length': 0, ...headers });
  res.end();
}

/** Parses a JSON request body; 415 for another content type, 400 for malformed JSON. */
export function parseJsonBody(req: EmulatorRequest): unknown {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') {
    throw new HttpError(415, statusCode(415), `request body must be application/json (got ${type ? JSON.stringify(type) : 'no Content-Type'})`);
  }
  try {
    return JSON.parse(req.body.toString('utf8'));
  } catch (err) {
    throw new HttpError(400, statusCode(400), `request body is not valid JSON: ${(err as Error).message}`);
  }
}

/** Parses an application/x-www-form-urlencoded body; null when the content type is another one. */
export function parseFormBody(req: EmulatorRequest): URLSearchParams | null {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') return null;
  return new URLSearchParams(req.body.toString('utf8'));
}

/** Decodes `Authorization: Basic`; undefined when absent, null when present but malformed. */
export function parseBasicAuth(header: string | undefined): { user: string; password: string } | null | undefined {
  if (header === undefined) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The abort reason of every request's `gone` signal: abort() without one builds a DOMException (and its stack) per request. */
const CLIENT_GONE = new Error('the response is over or the client went away');

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const format = options.errorFormat ?? odataError;
  const limit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;
  const log = options.log;
  const prefix = options.name ? `[${options.name}] ` : '';

  const sendError = (res: http.ServerResponse, path: string, err: HttpError) => {
    if (res.headersSent) return void res.destroy();
    sendJson(res, err.status, err.body ?? format(err.status, err.code, err.message, path), err.headers);
  };

  const listener = async (raw: http.IncomingMessage, res: http.ServerResponse) => {
    const started = Date.now();
    const method = raw.method ?? 'GET';
    const url = new URL(raw.url ?? '/', 'http://emulator');
    const gone = new AbortController();
    res.on('close', () => {
      gone.abort(CLIENT_GONE);
      const status = res.writableFinished ? String(res.statusCode) : 'dropped';
      log?.(`${prefix}${method} ${url.pathname} ${status} ${Date.now() - started}ms`);
    });
    try {
      const body = await readBody(raw, limit);
      const req: EmulatorRequest = { method, path: url.pathname, url, headers: raw.headers, body, raw };
      if (options.faults && url.pathname === FAULTS_PATH) return faultsRoute(options.faults, req, res);
      // Admin routes (/_emulator/...) are never faulted: tests must be able to read and reset state.
      if (options.faults && !url.pathname.startsWith('/_emulator/')) {
        const decision = options.faults.decide();
        await options.faults.delay(gone.signal);
        if (gone.signal.aborted) return;
        if (decision.kind === 'drop') return void raw.socket.destroy();
        if (decision.kind === 'error') {
          const headers: Record<string, string> = decision.retryAfterSeconds !== undefined ? { 'Retry-After': String(decision.retryAfterSeconds) } : {};
          return sendError(res, url.pathname, new HttpError(decision.status, statusCode(decision.status), 'injected fault', headers));
        }
      }
      if (res.destroyed) return;
      if (options.faults && options.faults.answerDelayMs > 0 && !url.pathname.startsWith('/_emulator/')) delayAnswer(res, options.faults.answerDelayMs);
      await options.handler(req, res);
    } catch (err) {
      if (err instanceof HttpError) return sendError(res, url.pathname, err);
      // Unexpected: log the message (handlers never put secrets in errors), answer 500.
      log?.(`${prefix}internal error on ${method} ${url.pathname}: ${(err as Error).message}`);
      sendError(res, url.pathname, new HttpError(500, statusCode(500), 'internal emulator error'));
    }
  };

  const server: http.Server = options.tls
    ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, listener)
    : http.createServer(listener);
  // Requests node's parser rejects (bad request line, bad headers) get a plain 400.
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `${options.tls ? 'https' : 'http'}://${host}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive and in-flight (delayed) connections would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      return reject(new HttpError(413, statusCode(413), `request body is larger than ${limit} bytes`, { Connection: 'close' }));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        return reject(new HttpError(413, statusCode(413), `request body is larger than ${limit} bytes`, { Connection: 'close' }));
      }
      chunks.push(chunk);
    });
    req.on('end', () => !failed && resolve(Buffer.concat(chunks)));
    // A body cut off or malformed on the wire (bad chunked encoding, a client gone) is the client's fault.
    req.on('error', (err) => reject(new HttpError(400, statusCode(400), `request body could not be read: ${err.message}`, { Connection: 'close' })));
  });
}

function faultsRoute(faults: FaultInjector, req: EmulatorRequest, res: http.ServerResponse): void {
  if (req.method === 'GET') return sendJson(res, 200, faults.snapshot());
  if (req.method === 'PUT') {
    const body = parseJsonBody(req);
    try {
      faults.set(body as object);
    } catch (err) {
      if (err instanceof FaultConfigError) throw new HttpError(400, statusCode(400), err.message);
      throw err;
    }
    return sendJson(res, 200, faults.snapshot());
  }
  if (req.method === 'DELETE') {
    faults.reset();
    faults.resetCounters();
    return sendJson(res, 200, faults.snapshot());
  }
  throw new HttpError(405, statusCode(405), `${req.method} is not allowed on ${FAULTS_PATH}; use GET, PUT or DELETE`, { Allow: 'GET, PUT, DELETE' });
}

/** Holds back the answer the handler sends by `ms`: the handler's work is done, its answer is late. */
function delayAnswer(res: http.ServerResponse, ms: number): void {
  const end = res.end.bind(res) as (...args: unknown[]) => http.ServerResponse;
  res.end = ((...args: unknown[]) => {
    setTimeout(() => {
      if (!res.destroyed) end(...args);
    }, ms);
    return res;
  }) as typeof res.end;
}
