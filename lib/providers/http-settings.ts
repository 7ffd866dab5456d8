/**
 * Provider settings shared by our providers (ca_file, insecure_skip_verify, request_timeout_seconds,
 * retry_max_seconds) turned into the options their API clients take, the HTTP client built from them
 * (its errors name these settings), plus the two checks every configure needs: connection settings known
 * at plan time, and a loud warning while TLS checks are off.
 */
import { httpAttributes } from '../schemas/http';
import { HttpClient, HttpRequestError, type HttpClientOptions, type HttpLog, type HttpSetting } from './http';
import { DiagnosticError, Unknown, type Context, type ObjectValue } from './plugin/types';

/** The provider setting behind each HTTP client option a user sets. */
export const HTTP_SETTING_NAMES: Readonly<Record<HttpSetting, string>> = {
  caFile: 'ca_file',
  timeoutMs: 'request_timeout_seconds',
  retryMaxMs: 'retry_max_seconds',
};

/** The defaults of the shared settings, as the schema gives them. */
const DEFAULTS = httpAttributes('', '');

/**
 * The HTTP client of a provider's API client, from the shared settings (left out: the schema's defaults);
 * `tuning` overrides (tests: short backoffs). A wrong setting (an unreadable ca_file) is a
 * DiagnosticError that names it.
 */
export function providerHttpClient(
  service: string,
  settings: { readonly caFile?: string; readonly insecureSkipVerify?: boolean; readonly requestTimeoutSeconds?: number; readonly retryMaxSeconds?: number },
  options: { readonly log?: HttpLog; readonly userAgent?: string; readonly tuning?: HttpClientOptions } = {},
): HttpClient {
  try {
    return new HttpClient({
      timeoutMs: (settings.requestTimeoutSeconds ?? DEFAULTS.request_timeout_seconds.default) * 1000,
      retryMaxMs: (settings.retryMaxSeconds ?? DEFAULTS.retry_max_seconds.default) * 1000,
      caFile: settings.caFile,
      insecureSkipVerify: settings.insecureSkipVerify,
      userAgent: options.userAgent,
      log: options.log,
      settingNames: HTTP_SETTING_NAMES,
      ...options.tuning,
    });
  } catch (err) {
    if (!(err instanceof HttpRequestError) || err.kind !== 'config') throw err;
    throw new DiagnosticError(`Invalid ${service} provider setting${err.setting ? ` ${err.setting}` : ''}`, err.message, err.setting ? [err.setting] : undefined);
  }
}

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
