/**
 * `workzone-cpr emulators`: runs the WorkZone and KMD Logic emulators in the foreground until stopped.
 * Once both are ready it prints their URLs and seeded credentials (one JSON line with --json).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DataDirError, lockDataDir } from '../emulators/common/data-dir';
import { DataFileError } from '../emulators/common/data-file';
import { loadOrCreateCertificateAuthority } from '../emulators/common/tls';
import { startKmdLogicEmulator } from '../emulators/kmdlogic';
import { HealthSwitchError, parseHealthSwitch, parseVariantFile, startWorkZoneEmulator, VARIANTS, VariantError, variantByName, type WorkZoneVariant } from '../emulators/workzone';

export interface EmulatorsInfo {
  readonly workzone: {
    url: string;
    tokenUrl: string;
    username: string;
    password: string;
    /** How this WorkZone differs from docs/workzone-api.md: `default`, or a variant's name and differences. */
    variant: WorkZoneVariant;
  };
  readonly kmdLogic: {
    url: string;
    tokenUrl: string;
    clientId: string;
    clientSecret: string;
    subscriptionId: string;
    productId: string;
  };
  /** With --tls: the CA certificate to give the providers as ca_file (WORKZONE_CA_FILE, KMDLOGIC_CA_FILE). */
  readonly caFile?: string;
}

export const EMULATORS_USAGE = `Usage: workzone-cpr emulators [--data DIR] [--workzone-port N] [--logic-port N] [--host H] [--tls]
                             [--workzone-variant NAME[,NAME...] | FILE.json] [--unhealthy SERVICE:PART[=STATUS]]...
                             [--json] [--log]

Runs local emulators of WorkZone and KMD Logic until stopped (Ctrl-C).
  --data DIR          keep their data in DIR across restarts (default: in memory); one process at a time
  --workzone-port N   port of the WorkZone emulator (default: any free port)
  --logic-port N      port of the KMD Logic emulator (default: any free port)
  --host H            address to listen on (default: 127.0.0.1)
  --tls               serve HTTPS with a certificate from a generated CA, kept in DIR/tls (or a temp dir);
                      prints the CA file to give the providers as ca_file
  --workzone-variant  run a WorkZone that differs from docs/workzone-api.md on purpose, to try
                      \`workzone-cpr doctor\` and the provider settings against it: ${Object.keys(VARIANTS).join(', ')}
                      (several: a,b), or a JSON file with paths, rename, omit, forbidden, discovery
  --unhealthy S:P     start with part P of update service S not Healthy in its readiness report
                      (/<Service>/readiness): cpr or cvr, and self, OData or Logic; =Degraded for
                      that status (default Unhealthy); repeatable. Switch at run time with
                      PUT /_emulator/health {"service":"cvr","part":"Logic","status":"Unhealthy"}
  --json              print the URLs and seeded credentials as one JSON line
  --log               log one line per request to stderr (never secrets)`;

function port(value: string | undefined, option: string): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`${option} must be a port number from 0 to 65535, got ${JSON.stringify(value)}`);
  return n;
}

export class UsageError extends Error {}

export async function runEmulators(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      'workzone-port': { type: 'string' },
      'logic-port': { type: 'string' },
      host: { type: 'string' },
      tls: { type: 'boolean', default: false },
      'workzone-variant': { type: 'string' },
      unhealthy: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      log: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(EMULATORS_USAGE);
    return;
  }
  const ports = { workzone: port(values['workzone-port'], '--workzone-port'), logic: port(values['logic-port'], '--logic-port') };
  if (ports.workzone !== 0 && ports.workzone === ports.logic) {
    throw new UsageError(`--workzone-port and --logic-port are both ${ports.workzone}; each emulator needs its own port`);
  }
  const variant = values['workzone-variant'] === undefined ? undefined : workZoneVariant(values['workzone-variant']);
  const unhealthy = values.unhealthy ?? [];
  for (const spec of unhealthy) {
    try {
      parseHealthSwitch(spec);
    } catch (err) {
      if (err instanceof HealthSwitchError) throw new UsageError(`--unhealthy: ${err.message}`);
      throw err;
    }
  }
  const dataDir = values.data;
  const host = values.host ?? '127.0.0.1';
  const log = values.log ? (line: string) => process.stderr.write(`${line}\n`) : undefined;

  // The whole directory is this process's (the TLS files too); each emulator also locks its own part.
  const lock = dataDir === undefined ? undefined : withFlags(() => lockDataDir(dataDir), { dataDir });
  const running: { close(): Promise<void> }[] = [];
  let https: ReturnType<typeof serverCertificate> | undefined;
  const cleanUp = async () => {
    await Promise.all(running.map((r) => r.close()));
    // Without --data the CA (its private key included) lived in a temp dir for this run only.
    if (https?.temporary) rmSync(https.dir, { recursive: true, force: true });
    lock?.release();
  };
  let info: EmulatorsInfo;
  try {
    https = values.tls ? withFlags(() => serverCertificate(dataDir, values.host), { dataDir }) : undefined;
    const tls = https?.tls;
    const workzone = await withFlagsAsync(
      () => startWorkZoneEmulator({ tls, port: ports.workzone, host: values.host, dataDir: dataDir && join(dataDir, 'workzone'), log, variant, unhealthy }),
      { dataDir, port: ['--workzone-port', ports.workzone], host },
    );
    running.push(workzone);
    const logic = await withFlagsAsync(
      () => startKmdLogicEmulator({ tls, port: ports.logic, host: values.host, dataDir: dataDir && join(dataDir, 'kmdlogic'), log }),
      { dataDir, port: ['--logic-port', ports.logic], host },
    );
    running.push(logic);
    info = {
      workzone: { url: workzone.url, tokenUrl: workzone.tokenUrl, username: workzone.username, password: workzone.password, variant: workzone.variant },
      kmdLogic: {
        url: logic.url,
        tokenUrl: logic.tokenUrl,
        clientId: logic.clientId,
        clientSecret: logic.clientSecret,
        subscriptionId: logic.subscriptionId,
        productId: logic.productId,
      },
      ...(https && { caFile: https.caFile }),
    };
  } catch (err) {
    await cleanUp();
    throw err;
  }
  if (values.json) {
    console.log(JSON.stringify(info));
  } else {
    console.log(`WorkZone emulator   ${info.workzone.url}  (token URL ${info.workzone.tokenUrl})`);
    console.log(`  admin user        ${info.workzone.username}  password ${info.workzone.password}`);
    if (info.workzone.variant.name !== 'default') console.log(`  variant           ${info.workzone.variant.name}: ${info.workzone.variant.description}`);
    if (unhealthy.length > 0) console.log(`  not Healthy       ${unhealthy.join(', ')} (update services' readiness)`);
    console.log(`KMD Logic emulator  ${info.kmdLogic.url}  (token URL ${info.kmdLogic.tokenUrl})`);
    console.log(`  client id         ${info.kmdLogic.clientId}  secret ${info.kmdLogic.clientSecret}`);
    console.log(`  subscription id   ${info.kmdLogic.subscriptionId}`);
    console.log(`  product id        ${info.kmdLogic.productId}`);
    if (info.caFile) console.log(`HTTPS; CA file      ${info.caFile}  (provider setting ca_file, or WORKZONE_CA_FILE / KMDLOGIC_CA_FILE)`);
    console.log(dataDir ? `Data kept in ${dataDir}. Ctrl-C stops.` : 'Data in memory. Ctrl-C stops.');
  }
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void cleanUp().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** A preset name (or several, comma-separated), or a JSON file describing the variant. */
function workZoneVariant(spec: string): WorkZoneVariant {
  try {
    if (!spec.endsWith('.json')) return variantByName(spec);
    let text: string;
    try {
      text = readFileSync(spec, 'utf8');
    } catch (err) {
      throw new VariantError(`cannot read ${spec} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    return parseVariantFile(text, spec);
  } catch (err) {
    if (err instanceof VariantError) throw new UsageError(`--workzone-variant: ${err.message}`);
    throw err;
  }
}

/** The flags behind what is being started, to name in its errors. */
interface Flags {
  readonly dataDir?: string;
  readonly port?: readonly [flag: string, port: number];
  readonly host?: string;
}

function withFlags<T>(start: () => T, flags: Flags): T {
  try {
    return start();
  } catch (err) {
    throw explain(err, flags);
  }
}

async function withFlagsAsync<T>(start: () => Promise<T>, flags: Flags): Promise<T> {
  try {
    return await start();
  } catch (err) {
    throw explain(err, flags);
  }
}

/**
 * Turns what the system says (EADDRINUSE, EEXIST, EACCES, a bad data file) into an error naming the flag
 * to change and how; anything else is passed on as it is.
 */
function explain(err: unknown, flags: Flags): unknown {
  if (err instanceof DataDirError || err instanceof DataFileError) return new Error(`--data ${flags.dataDir}: ${err.message}`);
  const e = err as NodeJS.ErrnoException;
  if (flags.port && e.syscall === 'listen') {
    const [flag, n] = flags.port;
    if (e.code === 'EADDRINUSE') return new Error(`${flag} ${n}: port ${n} on ${flags.host} is already in use by another program; give a free port, or 0 for any free port`);
    if (e.code === 'EACCES') return new Error(`${flag} ${n}: not allowed to listen on port ${n} (ports below 1024 need privileges); give a port from 1024 up, or 0 for any free port`);
    if (e.code === 'EADDRNOTAVAIL') return new Error(`--host ${flags.host}: not an address of this machine; give one of its addresses, such as 127.0.0.1`);
  }
  if (flags.host && (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') && e.syscall === 'getaddrinfo') {
    return new Error(`--host ${flags.host}: no such host name (${e.code}); give an address of this machine, such as 127.0.0.1`);
  }
  // A file the data directory needs (e.g. DIR/tls) could not be written.
  if (flags.dataDir && typeof e.path === 'string' && ['EACCES', 'EPERM', 'EROFS', 'EEXIST', 'ENOTDIR', 'EISDIR'].includes(e.code ?? '')) {
    return new Error(`--data ${flags.dataDir}: cannot write ${e.path} (${e.code}); give a directory this user can write to`);
  }
  return err;
}

/**
 * The CA (kept across restarts in DIR/tls, so a ca_file handed out stays valid) and a fresh server
 * certificate for the listening address, localhost and the loopback addresses.
 */
function serverCertificate(dataDir: string | undefined, host: string | undefined) {
  const dir = dataDir ? join(dataDir, 'tls') : mkdtempSync(join(tmpdir(), 'workzone-cpr-tls-'));
  const { ca, caFile } = loadOrCreateCertificateAuthority(dir);
  const hosts = [...new Set([host ?? '127.0.0.1', 'localhost', '127.0.0.1', '::1'])].filter((h) => h !== '0.0.0.0' && h !== '::');
  return { caFile, dir, temporary: !dataDir, tls: ca.issueServerCertificate(hosts) };
}
