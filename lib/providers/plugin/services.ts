/**
 * The gRPC services a provider process serves, typed from the generated protocol module: tfplugin6.Provider
 * (a ProviderService), grpc.health.v1.Health and go-plugin's plugin.GRPCController.
 */
import { GrpcError, Status, type UnaryCall, type UnaryHandler } from './grpc';
import type { Message, MessageInit } from './protobuf/codec';
import { HealthCheckResponse_ServingStatus, rpcNames, type HealthCheckRequest, type ProviderRpcs, type Services } from './protobuf/messages';
import { showValue } from './show';

/** Handlers of a service's RPCs: each takes its request message (and the call) and returns its response message. */
export type RpcHandlers<Rpcs> = {
  [Rpc in keyof Rpcs]: Rpcs[Rpc] extends { request: infer Request; response: infer Response } ? (request: Request, call: UnaryCall) => Promise<MessageInit<Response>> : never;
};

/**
 * tfplugin6.Provider's handlers (ProviderService.handlers()). They take requests as decoded or as built
 * by hand (tests, the long-lived server): absent repeated and map fields read as empty.
 */
export type ProviderHandlers = {
  [Rpc in keyof ProviderRpcs]: (request: MessageInit<ProviderRpcs[Rpc]['request']>) => Promise<MessageInit<ProviderRpcs[Rpc]['response']>>;
};

/** One service's handlers keyed by gRPC path (`/<service>/<rpc>`), as the gRPC server looks them up. */
export function bindService<S extends keyof Services>(service: S, handlers: RpcHandlers<Services[S]>): Record<string, UnaryHandler> {
  const out: Record<string, UnaryHandler> = {};
  for (const [rpc, handler] of Object.entries(handlers)) out[`/${service}/${rpc}`] = handler as UnaryHandler;
  return out;
}

/** Health service names go-plugin's server knows: the whole server ("") and its plugin ("plugin"). */
const HEALTH_SERVICES: ReadonlySet<string> = new Set(['', 'plugin']);

/** grpc.health.v1: SERVING while the process serves; a service name it does not know is NOT_FOUND. */
export async function healthCheck(request: HealthCheckRequest) {
  const service = request.service ?? '';
  if (!HEALTH_SERVICES.has(service)) throw new GrpcError(Status.NOT_FOUND, `unknown service ${showValue(service)}; this server reports health for "" and "plugin"`);
  return { status: HealthCheckResponse_ServingStatus.SERVING };
}

export interface PluginServices {
  /** The tfplugin6.Provider handlers that answer this call (one set per process, or per connection). */
  provider(call: UnaryCall): ProviderHandlers;
  /** plugin.GRPCController/Shutdown: called with the call, after which the reply is sent. */
  shutdown(call: UnaryCall): void;
}

/** Every handler of a provider process, keyed by gRPC path. */
export function pluginHandlers(services: PluginServices): Record<string, UnaryHandler> {
  const provider: Record<string, UnaryHandler> = {};
  for (const rpc of rpcNames['tfplugin6.Provider']) {
    // Each RPC's handler takes its own request type; the codec decoded the one the path names.
    provider[`/tfplugin6.Provider/${rpc}`] = (request, call) => (services.provider(call)[rpc] as (request: Message) => Promise<Message>)(request);
  }
  return {
    ...provider,
    ...bindService('grpc.health.v1.Health', { Check: healthCheck }),
    ...bindService('plugin.GRPCController', {
      Shutdown: async (_request, call) => {
        services.shutdown(call);
        return {};
      },
    }),
  };
}
