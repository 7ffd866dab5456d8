/**
 * Every start-up trick of a provider process, in one place. terraform starts a provider 3 times for a
 * plan, 4 for an apply and 5 for a destroy, so what each start costs is paid over and over; each trick
 * below says what it saves, measured on the project's 2-core machines (re-run: `npm run bench -- --only
 * startup,libraries`, or the scripts those sections run, bench/provider-startup.mjs and
 * bench/runtime-libraries.mjs).
 *
 * WORKZONE_CPR_PLAIN_START=1 turns them all off, for debugging: the launcher leaves NODE_EXTRA_CA_CERTS to
 * Node, and the gRPC server verifies terraform's client certificate the standard way. Nothing else
 * changes (the provider does the same work, only slower to start).
 *
 * 1. NODE_EXTRA_CA_CERTS deferred (saves 40–80 ms per start on a quiet machine where the variable is set,
 *    as on our CI machines, whose file holds ~140 certificates; terraform passes its environment on). Node
 *    reads and parses those certificates at boot, before any of our code runs, so the bundle's first lines
 *    (SH_LAUNCHER, written by scripts/build-providers.mjs) are a sh/JavaScript polyglot: sh moves the
 *    variable to NODE_EXTRA_CA_CERTS_DEFERRED and execs node on the same file. takeStartupSettings() puts
 *    it back for child processes, and extraCaCertificates() gives the certificates, with Node's bundled
 *    roots, to the one HTTP client (lib/providers/http.ts), which passes them as its `ca`: read when the
 *    client is made (~3–6 ms), then parsed by Node on each new TLS connection (~30 ms for 166
 *    certificates, as for a `ca_file`). Starts that never configure the provider (schema, validate)
 *    never read them.
 * 2. mutual TLS without Node's root store (saves 20–45 ms per start on a quiet machine, ~90 ms at load 8).
 *    Any `ca` given to a TLS server, even terraform's one certificate, makes Node build its store of ~140
 *    bundled roots first. The gRPC server (grpc.ts) instead takes no CA, requests a client certificate and
 *    accepts a connection only if it presents exactly PLUGIN_CLIENT_CERT, checked when the connection's
 *    HTTP/2 session starts, before any call is read. (Stricter than CA verification, which also accepts
 *    other certificates signed by terraform's key.)
 *
 * With both off (WORKZONE_CPR_PLAIN_START=1) a provider started 90–145 ms later at load 4–8 (the
 * "start-up tricks off" row of bench/provider-startup.mjs).
 *
 * Not switchable, as they are the design rather than tricks: the hand-written gRPC server, protobuf codec
 * and certificate code (docs/decisions/0001-hand-written-plugin-runtime.md), and one esbuild bundle per
 * provider (no module resolution at start).
 */
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';

/** Set (to anything but an empty string) to turn every trick off. */
export const PLAIN_START_VARIABLE = 'WORKZONE_CPR_PLAIN_START';
/** Where the launcher moves NODE_EXTRA_CA_CERTS. */
export const DEFERRED_EXTRA_CA_VARIABLE = 'NODE_EXTRA_CA_CERTS_DEFERRED';

/**
 * The bundle's first two lines. For sh, line 2 defers NODE_EXTRA_CA_CERTS (unless plain start is asked
 * for) and execs node on this file; for node, line 1 is a hashbang and line 2 a string and a comment.
 * Node loads the file with require(), not as its main module: a mirror inside an ES module project
 * ("type": "module") would make `node <file>` take the bundle for an ES module and refuse its name
 * (`_v0.1.0`: unknown extension ".0"), while require() reads a file of any other extension as CommonJS.
 * process.argv is the same either way ([node, absolute file, ...args]).
 */
export const SH_LAUNCHER =
  '#!/bin/sh\n' +
  `":" //; [ -n "\${${PLAIN_START_VARIABLE}-}" ] || { export ${DEFERRED_EXTRA_CA_VARIABLE}="\${NODE_EXTRA_CA_CERTS-}"; unset NODE_EXTRA_CA_CERTS; }; exec node -e 'require(process.argv[1] = require("path").resolve(process.argv[1]))' "$0" "$@"\n`;
/** A plain hashbang: Node loads NODE_EXTRA_CA_CERTS itself (`build-providers.mjs --launcher=node`). */
export const NODE_LAUNCHER = '#!/usr/bin/env node\n';

let plain = false;
let extraCaFile: string | undefined;
let extraCa: string[] | undefined;

/** Reads the start-up settings once, first thing in a provider process: the switch and the deferred variable. */
export function takeStartupSettings(env: NodeJS.ProcessEnv = process.env): void {
  plain = (env[PLAIN_START_VARIABLE] ?? '') !== '';
  const deferred = env[DEFERRED_EXTRA_CA_VARIABLE];
  delete env[DEFERRED_EXTRA_CA_VARIABLE];
  extraCaFile = deferred || undefined;
  extraCa = undefined;
  if (extraCaFile) env.NODE_EXTRA_CA_CERTS = extraCaFile; // children (if any) load them the normal way
}

/** Whether the tricks are off (WORKZONE_CPR_PLAIN_START). */
export function plainStart(): boolean {
  return plain;
}

/**
 * Node's bundled roots plus the certificates of the deferred NODE_EXTRA_CA_CERTS, read on first use, for
 * an HTTP client's `ca`; undefined when nothing was deferred (Node's default trust, which includes
 * NODE_EXTRA_CA_CERTS whenever Node loaded it itself). Certificates already among the roots are left out:
 * Node parses every one on each new TLS connection.
 */
export function extraCaCertificates(): string[] | undefined {
  if (!extraCaFile) return undefined;
  if (!extraCa) {
    let extra: string[] = [];
    try {
      extra = readFileSync(extraCaFile, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    } catch (error) {
      // Node itself only warns when the file is unreadable; do the same.
      process.emitWarning(`Ignoring extra certs from \`${extraCaFile}\`, load failed: ${(error as Error).message}`);
    }
    const body = (pem: string) => pem.replace(/-----[^-]+-----|\s/g, '');
    const roots = new Set(rootCertificates.map(body));
    extraCa = [...rootCertificates, ...extra.filter((pem) => !roots.has(body(pem)))];
  }
  return extraCa;
}
