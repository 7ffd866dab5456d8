/** HTTP failures in the doctor's words: the shared client's message plus the settings to check. */
import { HttpRequestError } from '../providers/http';
import { isNotReached } from '../providers/reachability';
import type { Service } from './assumptions';
import { whereToSet } from './settings';

/** What went wrong reaching `service` and which settings fix it; `urlSetting` is the one that named the URL. */
export function transportProblem(err: HttpRequestError, service: Service, urlSetting: string): { summary: string; details: string[] } {
  const name = service === 'workzone' ? 'WorkZone' : 'KMD Logic';
  const set = (setting: string) => whereToSet(service, setting);
  switch (err.kind) {
    case 'tls':
      return /ALTNAME/.test(err.code ?? '')
        ? { summary: `${name}'s TLS certificate does not match the host name`, details: [err.message, `Use a host name the certificate lists in ${set(urlSetting)}.`] }
        : {
            summary: `${name}'s TLS certificate is not trusted`,
            details: [err.message, `Set ${set('ca_file')} to the PEM file of the CA that issued it (or, for tests only, ${set('insecure_skip_verify')}).`],
          };
    case 'unreachable':
      return {
        summary: `${name} is unreachable`,
        details: [
          err.message,
          isNotReached(err.code ?? '')
            ? `Check ${set(urlSetting)}, that ${name} is running, and that this machine may reach it (proxy, firewall).`
            : `${name} is down or overloaded: try again later, or raise ${set('retry_max_seconds')} / ${set('request_timeout_seconds')}.`,
        ],
      };
    case 'not-retryable':
      if (err.code === 'ENOTFOUND') return { summary: `${name}'s host name is not known`, details: [err.message, `Check ${set(urlSetting)}.`] };
      return { summary: `The request to ${name} failed`, details: [err.message] };
    case 'config':
      return { summary: `A ${name} setting is wrong`, details: [err.message] };
    default:
      return { summary: `${name} did not answer`, details: [err.message, `Check ${set(urlSetting)}, or raise ${set('retry_max_seconds')} / ${set('request_timeout_seconds')}.`] };
  }
}

export { HttpRequestError };
