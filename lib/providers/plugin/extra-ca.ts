/**
 * NODE_EXTRA_CA_CERTS without its start-up cost. Node parses those certificates eagerly at boot (~80 ms
 * here), before any of our code runs, so the bundle's launcher line (scripts/build-providers.mjs) moves the
 * variable to DEFERRED_VARIABLE. This module honours it lazily: tls.connect calls that bring no trust
 * settings of their own (https, fetch, custom agents) get one shared context with Node's bundled roots plus
 * the extra certificates, built on the first connection.
 */
import { readFileSync } from 'node:fs';
import tls = require('node:tls');

export const DEFERRED_VARIABLE = 'NODE_EXTRA_CA_CERTS_DEFERRED';

let file: string | undefined;
let certificates: string[] | undefined;
let context: tls.SecureContext | undefined;

/** Node's bundled roots plus the deferred extra certificates; undefined when none were deferred. */
export function caCertificates(): string[] | undefined {
  if (!file) return undefined;
  if (!certificates) {
    let extra: string[] = [];
    try {
      extra = readFileSync(file, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    } catch (error) {
      // Node itself only warns when the file is unreadable; do the same.
      process.emitWarning(`Ignoring extra certs from \`${file}\`, load failed: ${(error as Error).message}`);
    }
    certificates = [...tls.rootCertificates, ...extra];
  }
  return certificates;
}

const TRUST_OPTIONS = ['ca', 'secureContext', 'pfx'] as const;

/** Call once at start-up: restores the variable for child processes and patches tls.connect lazily. */
export function installDeferredExtraCaCerts(env: NodeJS.ProcessEnv = process.env): void {
  const deferred = env[DEFERRED_VARIABLE];
  delete env[DEFERRED_VARIABLE];
  if (!deferred) return;
  file = deferred;
  env.NODE_EXTRA_CA_CERTS = deferred; // children (if any) load them the normal way
  const original = tls.connect;
  const patched = function (this: unknown, ...args: unknown[]) {
    const options = args.find((a): a is tls.ConnectionOptions => typeof a === 'object' && a !== null);
    if (options && !TRUST_OPTIONS.some((key) => options[key] !== undefined)) {
      if (options.key === undefined && options.cert === undefined) {
        context ??= tls.createSecureContext({ ca: caCertificates() });
        options.secureContext = context;
      } else {
        options.ca = caCertificates();
      }
    }
    return (original as (...a: unknown[]) => tls.TLSSocket).apply(this, args);
  };
  // The module object itself, which node's https and undici look `connect` up on at call time.
  (tls as { connect: typeof tls.connect }).connect = patched as typeof tls.connect;
}
