/**
 * Provider settings shared by our providers (ca_file, insecure_skip_verify, request_timeout_seconds,
 * retry_max_seconds) turned into the options their API clients take, plus the two checks every
 * configure needs: connection settings known at plan time, and a loud warning while TLS checks are off.
 */
import type { HttpLog } from './http';
import { DiagnosticError, Unknown, type Context, type ObjectValue } from './plugin/types';

export interface HttpSettings {
  readonly caFile?: string;
  readonly insecureSkipVerify: boolean;
  readonly requestTimeoutSeconds?: number;
  readonly retryMaxSeconds?: number;
  readonly log: HttpLog;
  /** terraform's StopProvider: stop retrying and sending. */
  readonly signal: AbortSignal;
}

/** The HTTP options of a provider config (env fallbacks and defaults already applied by the runtime). */
export function httpSettings(config: ObjectValue, ctx: Context, service: string): HttpSettings {
  const insecure = config.insecure_skip_verify === true;
  if (insecure) {
    ctx.warn(
      `TLS certificate checks are off for ${service}`,
      'insecure_skip_verify = true: anyone on the network path can read the credentials sent. Use it for tests only; set ca_file for a private CA instead.',
      ['insecure_skip_verify'],
    );
  }
  return {
    caFile: typeof config.ca_file === 'string' ? config.ca_file : undefined,
    insecureSkipVerify: insecure,
    requestTimeoutSeconds: typeof config.request_timeout_seconds === 'number' ? config.request_timeout_seconds : undefined,
    retryMaxSeconds: typeof config.retry_max_seconds === 'number' ? config.retry_max_seconds : undefined,
    log: ctx.log,
    signal: ctx.signal,
  };
}

/**
 * Fails when a setting the provider needs before it can call anything is not known yet (it comes from a
 * resource created in the same run): the provider cannot plan without it, so say which and how to fix.
 */
export function requireKnown(config: ObjectValue, names: readonly string[], provider: string): void {
  for (const name of names) {
    if (config[name] === Unknown) {
      throw new DiagnosticError(
        `${provider} provider setting ${name} is not known until apply`,
        `The ${provider} provider needs ${name} at plan time. Pass it from a variable, a data source or the environment, not from a resource created in the same run.`,
        [name],
      );
    }
  }
}
