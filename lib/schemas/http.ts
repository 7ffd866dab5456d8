/** The connection settings both providers share: how they reach their API over HTTP(S). */
import { positiveNumber } from './rules';
import type { AttributeSchema } from './types';

/** `ca_file`, `insecure_skip_verify`, `request_timeout_seconds`, `retry_max_seconds` for a provider. */
export function httpAttributes(service: string, envPrefix: string) {
  return {
    ca_file: {
      type: 'string',
      optional: true,
      env: [`${envPrefix}_CA_FILE`],
      description: `PEM file of CA certificates to trust for ${service}, in addition to the system ones. Also read from \`${envPrefix}_CA_FILE\`.`,
    },
    insecure_skip_verify: {
      type: 'bool',
      optional: true,
      default: false,
      description: `Do not verify ${service}'s TLS certificate. For tests only; the provider warns on every run while it is on.`,
    },
    request_timeout_seconds: {
      type: 'number',
      optional: true,
      default: 30,
      rules: [positiveNumber],
      description: 'Timeout of one HTTP request, in seconds.',
    },
    retry_max_seconds: {
      type: 'number',
      optional: true,
      default: 120,
      rules: [positiveNumber],
      description:
        'How long to keep retrying on 429, 5xx, timeouts and dropped connections before giving up, in seconds. A server that answers nothing for this long is taken as down for the rest of the run, and every request to it fails at once; refused connections (nothing listens) are retried for 10 s at most.',
    },
  } as const satisfies Record<string, AttributeSchema>;
}
