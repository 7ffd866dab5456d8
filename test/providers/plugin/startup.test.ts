/**
 * The start-up tricks (lib/providers/plugin/startup.ts) through the real launcher: a program bundled like a
 * provider, started by sh the way terraform starts one, trusts the certificates of NODE_EXTRA_CA_CERTS for
 * HTTPS whether the launcher deferred them (the default) or Node loaded them itself (plain start, or the
 * node launcher), and children see the variable as it was set.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { extraCaCertificates, NODE_LAUNCHER, PLAIN_START_VARIABLE, SH_LAUNCHER, takeStartupSettings } from '../../../lib/providers/plugin/startup';
import { createServerIdentity } from '../../../lib/providers/plugin/tls/certificate';

jest.setTimeout(60_000);

const tmp = mkdtempSync(join(tmpdir(), 'plugin-startup-'));
const caFile = join(tmp, 'extra-ca.pem');
const identity = createServerIdentity(); // self-signed for localhost: its own CA
let server: Server;
let url: string;
const probes: Record<'sh' | 'node', string> = { sh: join(tmp, 'probe-sh'), node: join(tmp, 'probe-node') };

beforeAll(async () => {
  writeFileSync(caFile, identity.certPem);
  const bundle = await build({ entryPoints: [join(__dirname, 'fixture/https-probe.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', write: false, logLevel: 'warning' });
  for (const [launcher, file] of Object.entries(probes)) {
    writeFileSync(file, (launcher === 'sh' ? SH_LAUNCHER : NODE_LAUNCHER) + bundle.outputFiles[0]!.text);
    chmodSync(file, 0o755);
  }
  server = createServer({ key: identity.keyPem, cert: identity.certPem }, (_req, res) => res.end('{}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://localhost:${(server.address() as { port: number }).port}/`;
});

afterAll(() => {
  server?.close();
  rmSync(tmp, { recursive: true, force: true });
  takeStartupSettings({}); // this worker's runtime back to the default
});

interface Probe {
  deferred: boolean;
  plain: boolean;
  childExtraCa: string | null;
  status?: number;
  error?: string;
}

function probe(launcher: 'sh' | 'node', extra: NodeJS.ProcessEnv): Promise<Probe> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, ...extra };
  return new Promise((resolve, reject) =>
    execFile(probes[launcher], [url], { env }, (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as Probe))),
  );
}

describe('NODE_EXTRA_CA_CERTS', () => {
  it('is deferred by the sh launcher and still trusted for HTTPS; children get the variable back', async () => {
    expect(await probe('sh', { NODE_EXTRA_CA_CERTS: caFile })).toEqual({ deferred: true, plain: false, childExtraCa: caFile, status: 200 });
  });

  it(`is left to Node with ${PLAIN_START_VARIABLE}=1, and trusted the same`, async () => {
    expect(await probe('sh', { NODE_EXTRA_CA_CERTS: caFile, [PLAIN_START_VARIABLE]: '1' })).toEqual({ deferred: false, plain: true, childExtraCa: caFile, status: 200 });
  });

  it('is left to Node by the node launcher, and trusted the same', async () => {
    expect(await probe('node', { NODE_EXTRA_CA_CERTS: caFile })).toEqual({ deferred: false, plain: false, childExtraCa: caFile, status: 200 });
  });

  it('is the only reason the certificate is trusted', async () => {
    const result = await probe('sh', {});
    expect(result).toMatchObject({ childExtraCa: null });
    expect(result.error).toMatch(/certificate/);
  });

  it('adds to Node\'s bundled roots, leaving out those already among them', () => {
    const roots = require('node:tls').rootCertificates as string[];
    const bundle = join(tmp, 'with-a-root.pem');
    writeFileSync(bundle, `${roots[0]}\n${identity.certPem}`);
    takeStartupSettings({ NODE_EXTRA_CA_CERTS_DEFERRED: bundle });
    expect(extraCaCertificates()).toEqual([...roots, identity.certPem.trim()]);
    takeStartupSettings({});
    expect(extraCaCertificates()).toBeUndefined();
  });
});
