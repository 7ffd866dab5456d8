/**
 * Long-lived mode (`terraform-provider-<name> --serve`): one provider process serves many terraform
 * commands through terraform's reattach mechanism (TF_REATTACH_PROVIDERS), so no command pays the
 * provider's start-up (3–5 starts per command otherwise).
 *
 * What terraform does differently with a reattached ("unmanaged") provider, from terraform's
 * unmanagedProviderFactory and go-plugin's Client.reattach:
 * - it dials the address in TF_REATTACH_PROVIDERS without TLS (no AutoMTLS, no client certificate), so
 *   this mode serves plaintext HTTP/2 on a unix socket inside a private (0700) directory;
 * - it checks that Pid is alive and the socket answers, and with `Test: true` it never stops the process
 *   (no GRPCController/Shutdown, no kill): the process stops on SIGTERM/SIGINT or after an idle time;
 * - every provider instance of every command is its own go-plugin client and so its own HTTP/2
 *   connection, each with its own ConfigureProvider (aliased providers, parallel commands). State that
 *   a normal provider keeps per process (configured client, StopProvider's abort, secrets to scrub) is
 *   therefore kept per connection here: one ProviderService per HTTP/2 session.
 */
import * as http2 from 'node:http2';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handleGrpcStreams, type UnaryHandler } from './grpc';
import { APP_PROTOCOL_VERSION } from './handshake';
import type { HclogLogger } from './log';
import { messages, methods } from './protobuf/messages';
import { ProviderService } from './provider-service';
import { pluginHandlers, type ProviderHandlers } from './services';
import type { ProviderDefinition } from './types';

/** One provider's value in TF_REATTACH_PROVIDERS (go-plugin's ReattachConfig as terraform parses it). */
export interface ReattachEntry {
  readonly Protocol: 'grpc';
  readonly ProtocolVersion: number;
  readonly Pid: number;
  /** true: terraform never stops or kills the process. */
  readonly Test: boolean;
  readonly Addr: { readonly Network: 'unix' | 'tcp'; readonly String: string };
}

export type ReattachProviders = Record<string, ReattachEntry>;

export function reattachEntry(socketPath: string, pid: number): ReattachEntry {
  return { Protocol: 'grpc', ProtocolVersion: APP_PROTOCOL_VERSION, Pid: pid, Test: true, Addr: { Network: 'unix', String: socketPath } };
}

/** The socket's file name; `providers stop` only signals processes whose socket is named like this. */
export const socketFileName = (providerName: string) => `terraform-provider-${providerName}.sock`;

export interface LongLivedOptions {
  readonly log: HclogLogger;
  /** Environment the providers' env fallbacks read (this process's, not each terraform command's). */
  readonly env?: NodeJS.ProcessEnv;
  /** Called once when no connection has been open for this long; 0 or absent: never. */
  readonly idleTimeoutMs?: number;
  readonly onIdle?: () => void;
}

export interface LongLivedProvider {
  readonly socketPath: string;
  /** This provider's TF_REATTACH_PROVIDERS map (one entry, keyed by its full source address). */
  readonly reattach: ReattachProviders;
  /** Connections (provider instances) served so far. */
  sessionsServed(): number;
  /** Stops accepting connections, lets in-flight calls finish (up to graceMs), then closes. */
  close(graceMs?: number): Promise<void>;
}

interface Session {
  readonly handlers: ProviderHandlers;
  /** API clients this connection configured; closed with it (they pool keep-alive sockets). */
  readonly clients: unknown[];
}

export async function startLongLivedProvider(definition: ProviderDefinition<any>, options: LongLivedOptions): Promise<LongLivedProvider> {
  const { log } = options;
  const sessions = new Map<http2.Http2Session, Session>();
  let served = 0;
  let inFlight = 0;
  let drained: (() => void) | undefined;

  const sessionFor = (http2Session: http2.Http2Session): Session => {
    let session = sessions.get(http2Session);
    if (!session) {
      const clients: unknown[] = [];
      const tracked: ProviderDefinition<any> = {
        ...definition,
        configure: async (config, ctx, fromEnv) => {
          const client = await definition.configure(config, ctx, fromEnv);
          clients.push(client);
          return client;
        },
      };
      const n = ++served;
      session = { handlers: new ProviderService(tracked, log.with({ tf_connection: n }), options.env).handlers(), clients };
      sessions.set(http2Session, session);
      http2Session.once('close', () => {
        for (const client of clients) (client as { close?: () => void } | undefined)?.close?.();
        sessions.delete(http2Session);
        log.debug('connection closed', { tf_connection: n });
      });
    }
    return session;
  };

  const tracked = async (run: () => Promise<any>) => {
    inFlight++;
    try {
      return await run();
    } finally {
      if (--inFlight === 0) drained?.();
    }
  };

  const handlers: Record<string, UnaryHandler> = pluginHandlers({
    provider: (call) => sessionFor(call.session).handlers,
    // Only a client that reattached with Test: false sends this; the process serves other commands still.
    shutdown: () => log.debug('shutdown request ignored: a long-lived provider stops on SIGTERM'),
  });
  for (const [path, handler] of Object.entries(handlers)) {
    if (path.startsWith('/tfplugin6.Provider/')) handlers[path] = (request, call) => tracked(() => handler(request, call));
  }

  const server = http2.createServer();
  handleGrpcStreams(server, { table: messages, methods, handlers, onError: (message) => log.error('rpc failed', { error: message }) });

  let idleTimer: NodeJS.Timeout | undefined;
  let closing: Promise<void> | undefined;
  const open = new Set<http2.Http2Session>();
  const armIdle = () => {
    if (!options.idleTimeoutMs || open.size > 0 || closing) return; // (sessions closed by close() must not re-arm it)
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => options.onIdle?.(), options.idleTimeoutMs);
  };
  server.on('session', (s: http2.Http2Session) => {
    clearTimeout(idleTimer);
    open.add(s);
    s.on('error', (error) => log.debug('connection error', { error: error.message }));
    s.once('close', () => {
      open.delete(s);
      armIdle();
    });
  });

  const dir = mkdtempSync(join(tmpdir(), 'tfprov-')); // 0700: only this user may connect
  const socketPath = join(dir, socketFileName(definition.schema.name));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  armIdle();

  return {
    socketPath,
    reattach: { [definition.schema.source]: reattachEntry(socketPath, process.pid) },
    sessionsServed: () => served,
    close: (graceMs = 10_000) =>
      (closing ??= (async () => {
        clearTimeout(idleTimer);
        server.close();
        if (inFlight > 0) {
          log.info('waiting for in-flight calls before exiting', { calls: inFlight });
          await new Promise<void>((resolve) => {
            drained = resolve;
            setTimeout(resolve, graceMs).unref();
          });
        }
        for (const s of open) s.destroy();
        rmSync(dir, { recursive: true, force: true });
      })()),
  };
}
