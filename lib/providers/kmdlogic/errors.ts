/** Errors of the KMD Logic client: diagnostics that say which setting or identifier to fix, never a secret. */
import type { HttpRequestError } from '../http';
import { isNotReached } from '../reachability';
import { scrubSecrets } from '../scrub';
import { DiagnosticError, type AttributePath, type SettingSources } from '../plugin/types';

export type KmdLogicErrorKind =
  | 'config' // a client setting is missing or malformed
  | 'credentials' // client_id / client_secret refused
  | 'token' // the token endpoint failed otherwise (scope, shape, status)
  | 'subscription' // unknown subscription, or one the credential may not use
  | 'not-found' // unknown configuration
  | 'invalid' // the API refused the data sent (400)
  | 'unavailable' // network, timeouts, retries exhausted, the server taken as down
  | 'outcome-unknown' // a create failed after it was sent: it may or may not have happened
  | 'unexpected'; // any other status or response shape

export class KmdLogicError extends DiagnosticError {
  constructor(
    readonly kind: KmdLogicErrorKind,
    summary: string,
    detail?: string,
    readonly status?: number,
    attribute?: AttributePath,
  ) {
    super(summary, detail, attribute);
    this.name = 'KmdLogicError';
  }
}

/** Removes every given secret, and credentials in HTTP auth header form, from text a server sent us, and caps its length. */
export function scrub(text: string, secrets: readonly (string | undefined)[]): string {
  const out = scrubSecrets(text, secrets).replace(/\s+/g, ' ').trim();
  return out.length > 300 ? `${out.slice(0, 300)}…` : out;
}

/** The human part of an error body, whatever dialect the server speaks (see docs/kmdlogic-api.md). */
export function serverMessage(body: unknown, text: string): string | undefined {
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    for (const key of ['message', 'title', 'detail', 'error_description', 'error']) {
      if (typeof b[key] === 'string' && b[key]) return b[key] as string;
    }
  }
  const t = text.trim();
  // A short plain-text body is a message; HTML error pages are noise.
  return t && t.length <= 300 && !t.startsWith('<') ? t : undefined;
}

/** The HTTP failure, plus which setting to check when the server could not be reached at all. */
export function withHint(err: HttpRequestError, setting: string): string {
  if (err.kind === 'tls') {
    return /ALTNAME/.test(err.code ?? '')
      ? `${err.message}. Check the provider setting ${setting}: its host must be one the certificate lists.`
      : `${err.message}. Set the provider setting ca_file (or KMDLOGIC_CA_FILE) to the PEM file of the CA that issued the certificate (or, for tests only, insecure_skip_verify = true).`;
  }
  if (err.kind === 'unreachable') {
    return isNotReached(err.code ?? '')
      ? `${err.message}. Check the provider setting ${setting} and that KMD Logic can be reached from here.`
      : `${err.message}. KMD Logic is down or overloaded: try again later, or raise retry_max_seconds / request_timeout_seconds.`;
  }
  return err.lastStatus === undefined && err.kind !== 'aborted' ? `${err.message}; check ${setting}` : err.message;
}

/** The summary of a failed call (`failed`), or `KMD Logic is unreachable (<unreachable>)` when the server was taken as down. */
export function transportSummary(err: HttpRequestError, failed: string, unreachable = failed): string {
  return err.kind === 'unreachable' ? `KMD Logic is unreachable (${unreachable})` : failed.charAt(0).toUpperCase() + failed.slice(1);
}

/**
 * Where the user set these provider settings, and where to correct them: environment variables, or the
 * provider configuration, where the value is often a Terraform variable (in a CDKTF stack, always).
 */
export function whereSet(settings: readonly string[], fromEnv: SettingSources | undefined): string {
  const list = (names: readonly string[]) => names.join(' and ');
  const fromConfig = settings.filter((name) => !fromEnv?.[name]);
  const fromVariables = settings.filter((name) => fromEnv?.[name]);
  const parts: string[] = [];
  if (fromConfig.length > 0) {
    const last = fromConfig[fromConfig.length - 1];
    parts.push(
      `${list(fromConfig)} ${fromConfig.length > 1 ? 'are' : 'is'} set in the provider configuration: correct ${fromConfig.length > 1 ? 'them' : 'it'} there ` +
        `(for \`${last} = var.NAME\`, the value of variable NAME, such as TF_VAR_NAME in a pipeline)`,
    );
  }
  if (fromVariables.length > 0) {
    const names = fromVariables.map((name) => fromEnv![name]);
    parts.push(`${list(fromVariables)} ${fromVariables.length > 1 ? 'come' : 'comes'} from the environment: correct ${list(names)}`);
  }
  return parts.join('; ');
}
