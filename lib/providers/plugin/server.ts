/**
 * The provider process: checks how it was started, serves gRPC over mTLS on a unix socket, prints the
 * handshake line, and exits on GRPCController/Shutdown or when terraform (its parent) goes away.
 * With `--serve` it runs long-lived for TF_REATTACH_PROVIDERS instead (serve-long-lived.ts).
 */
import { unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createServerIdentity } from './tls/certificate';
import type * as http2 from 'node:http2';
import { createGrpcServer } from './grpc';
import { checkStart, handshakeLine } from './handshake';
import { HclogLogger, levelFromEnv } from './log';
import { messages, methods } from './protobuf/messages';
import { ProviderService } from './provider-service';
import { pluginHandlers } from './services';
import { plainStart, takeStartupSettings } from './startup';
import { guardStdout } from './stdout-guard';
import { serveLongLived } from './serve-long-lived';
import type { ProviderDefinition } from './types';
import { logUncaught, watchParent } from './process';

/** How long a shutdown waits for terraform to close its connection (go-plugin kills us after 2 s). */
const SHUTDOWN_GRACE_MS = 500;

export interface RunningProvider {
  readonly socketPath: string;
  /** Resolves when the server has closed. */
  readonly closed: Promise<void>;
  /** Stops listening and removes the socket; open connections stay. */
  close(): void;
  /** close(), then ends every connection gracefully: resolves once what was sent is flushed (at most graceMs). */
  closeConnections(graceMs: number): Promise<void>;
}

/** Everything but process-level concerns (exit, signals, stdout guard): usable in tests too. */
export async function startProvider(
  definition: ProviderDefinition<any>,
  options: {
    clientCertPem: string;
    log: HclogLogger;
    /** GRPCController/Shutdown: called once its reply has been sent. */
    onShutdown: () => void;
    env?: NodeJS.ProcessEnv;
  },
): Promise<RunningProvider & { line: string }> {
  const identity = createServerIdentity();
  const providerHandlers = new ProviderService(definition, options.log, options.env).handlers();
  const handlers = pluginHandlers({
    provider: () => providerHandlers,
    // Answer first, then go: go-plugin (and any gRPC client) waits for the reply.
    shutdown: (call) => call.afterResponse(options.onShutdown),
  });
  const server = createGrpcServer({
    keyPem: identity.keyPem,
    certPem: identity.certPem,
    clientCertPem: options.clientCertPem,
    clientAuth: plainStart() ? 'ca' : 'pinned',
    onRefused: (error) => options.log.warn('TLS handshake refused', { error: error.message }),
    table: messages,
    methods,
    handlers,
    onError: (message) => options.log.error('rpc failed', { error: message }),
  });
  const socketPath = join(tmpdir(), `tfprov-${process.pid}-${randomBytes(4).toString('hex')}.sock`);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const closed = new Promise<void>((resolve) => server.once('close', () => resolve()));
  server.on('tlsClientError', (error) => options.log.warn('TLS handshake refused', { error: error.message }));
  const sessions = new Set<http2.Http2Session>();
  server.on('session', (session: http2.Http2Session) => {
    if (session.destroyed) return; // refused (grpc.ts)
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  const close = () => {
    server.close();
    try {
      unlinkSync(socketPath);
    } catch {
      // already gone
    }
  };
  return {
    socketPath,
    closed,
    line: handshakeLine(socketPath, identity.certDer),
    close,
    closeConnections: async (graceMs) => {
      close();
      const open = [...sessions].map(
        (session) =>
          new Promise<void>((resolve) => {
            // GOAWAY, then the socket's end: 'finish' once everything written has reached the kernel.
            session.once('close', () => resolve());
            session.socket.once('finish', () => resolve());
            session.close();
          }),
      );
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(open), new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
      clearTimeout(timer);
    },
  };
}

export function serve(definition: ProviderDefinition<any>): void {
  const { schema } = definition;
  if (process.argv.includes('--describe') && !process.env.TF_PLUGIN_MAGIC_COOKIE) {
    // For the build and the mirror installer (a human or a script, never terraform).
    process.stdout.write(JSON.stringify({ name: schema.name, source: schema.source, version: schema.version }) + '\n');
    return;
  }
  if (process.argv.includes('--serve')) return serveLongLived(definition, process.argv.slice(2));
  const start = checkStart(process.env, schema.name);
  if (!start.ok) {
    process.stderr.write(start.message);
    process.exitCode = 1;
    return;
  }
  takeStartupSettings();
  const log = new HclogLogger(`provider.terraform-provider-${schema.name}`, levelFromEnv());
  // Ctrl-C reaches the whole process group; terraform then calls StopProvider. Dying here loses state.
  process.on('SIGINT', () => log.debug('SIGINT ignored; waiting for terraform to stop the provider'));
  logUncaught(log);

  let provider: RunningProvider | undefined;
  const exit = (why: string) => {
    log.debug('exiting', { reason: why });
    provider?.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => exit('SIGTERM'));
  watchParent(() => exit('parent process went away'));
  // The Shutdown reply is on its way: let it (and anything else sent) reach terraform before exiting.
  const shutdown = () => {
    log.debug('exiting', { reason: 'shutdown requested' });
    void (provider ? provider.closeConnections(SHUTDOWN_GRACE_MS) : Promise.resolve()).then(() => process.exit(0));
  };

  startProvider(definition, { clientCertPem: start.clientCertPem, log, onShutdown: shutdown }).then(
    (running) => {
      provider = running;
      process.on('exit', () => running.close());
      process.stdout.write(running.line);
      guardStdout(log);
      log.debug('serving', { socket: running.socketPath });
    },
    (error: Error) => {
      process.stderr.write(`terraform-provider-${schema.name}: cannot start: ${error.message}\n`);
      process.exit(1);
    },
  );
}
