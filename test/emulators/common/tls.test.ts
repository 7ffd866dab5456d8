/**
 * The emulators' private CA: certificates that OpenSSL and node accept for the hosts they name and refuse
 * for others, a CA kept across restarts, and the HTTP client's errors against it (no CA, wrong CA, wrong host).
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startServer, sendJson, type RunningServer } from '../../../lib/emulators/common/server';
import { createCertificateAuthority, loadOrCreateCertificateAuthority, type CertificateAuthority } from '../../../lib/emulators/common/tls';
import { HttpClient, HttpRequestError } from '../../../lib/providers/http';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emulator-tls-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const firstPem = (chain: string) => chain.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/g)!;

describe('createCertificateAuthority', () => {
  const ca = createCertificateAuthority({ commonName: 'test CA' });
  const caCert = new X509Certificate(ca.certPem);
  const chain = ca.issueServerCertificate(['127.0.0.1', 'localhost', '::1']);
  const [leafPem, sentCa] = firstPem(chain.cert);
  const leaf = new X509Certificate(leafPem!);

  test('the CA is a self-signed CA certificate', () => {
    expect(caCert.ca).toBe(true);
    expect(caCert.subject).toContain('CN=test CA');
    expect(caCert.checkIssued(caCert)).toBe(true);
    expect(caCert.verify(caCert.publicKey)).toBe(true);
  });

  test('the server certificate is signed by the CA, for exactly the hosts asked, and sent with the CA', () => {
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(caCert)).toBe(true);
    expect(leaf.verify(caCert.publicKey)).toBe(true);
    expect(leaf.verify(new X509Certificate(createCertificateAuthority().certPem).publicKey)).toBe(false);
    expect(leaf.subjectAltName).toBe('IP Address:127.0.0.1, DNS:localhost, IP Address:0:0:0:0:0:0:0:1');
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.checkHost('localhost')).toBe('localhost');
    expect(leaf.checkHost('example.com')).toBeUndefined();
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // serverAuth
    expect(sentCa).toBe(ca.certPem);
  });

  test('OpenSSL verifies the chain for TLS servers, and refuses it against another CA', () => {
    fs.writeFileSync(path.join(dir, 'ca.pem'), ca.certPem);
    fs.writeFileSync(path.join(dir, 'other-ca.pem'), createCertificateAuthority().certPem);
    fs.writeFileSync(path.join(dir, 'leaf.pem'), leafPem!);
    const verify = (caFile: string) => {
      try {
        return execFileSync('openssl', ['verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', path.join(dir, caFile), path.join(dir, 'leaf.pem')], { stdio: 'pipe' }).toString();
      } catch (e) {
        return `failed: ${(e as { stdout: Buffer }).stdout}${(e as { stderr: Buffer }).stderr}`;
      }
    };
    expect(verify('ca.pem')).toMatch(/leaf\.pem: OK/);
    expect(verify('other-ca.pem')).toMatch(/^failed: .*unable to get local issuer certificate/s);
  });

  test('refuses a host that is neither a name nor an address', () => {
    expect(() => ca.issueServerCertificate(['bad host'])).toThrow('not a host name or IP address: "bad host"');
    expect(() => ca.issueServerCertificate([])).toThrow(/at least one host/);
  });
});

describe('loadOrCreateCertificateAuthority', () => {
  test('creates the CA once, keeps its key private, and loads the same CA afterwards', () => {
    const tlsDir = path.join(dir, 'data', 'tls');
    const first = loadOrCreateCertificateAuthority(tlsDir);
    expect(first.created).toBe(true);
    expect(first.caFile).toBe(path.join(tlsDir, 'ca.pem'));
    expect(fs.statSync(path.join(tlsDir, 'ca-key.pem')).mode & 0o077).toBe(0);
    const again = loadOrCreateCertificateAuthority(tlsDir);
    expect(again.created).toBe(false);
    expect(again.ca.certPem).toBe(first.ca.certPem);
    // Certificates issued after the reload chain to the CA file handed out before it.
    const leaf = new X509Certificate(firstPem(again.ca.issueServerCertificate(['localhost']).cert)[0]!);
    expect(leaf.verify(new X509Certificate(fs.readFileSync(first.caFile)).publicKey)).toBe(true);
  });
});

describe('the HTTP client against an HTTPS server with a generated CA', () => {
  let ca: CertificateAuthority;
  let good: RunningServer;
  let wrongHost: RunningServer;
  const caFile = () => path.join(dir, 'client-ca.pem');
  const otherCaFile = () => path.join(dir, 'client-other-ca.pem');
  const handler = (_req: unknown, res: import('node:http').ServerResponse) => sendJson(res, 200, { ok: true });

  beforeAll(async () => {
    ca = createCertificateAuthority();
    fs.writeFileSync(caFile(), ca.certPem);
    fs.writeFileSync(otherCaFile(), createCertificateAuthority().certPem);
    good = await startServer({ tls: ca.issueServerCertificate(['127.0.0.1', 'localhost']), handler });
    wrongHost = await startServer({ tls: ca.issueServerCertificate(['wz.example.dk']), handler });
  });
  afterAll(async () => {
    await good?.close();
    await wrongHost?.close();
  });

  const get = async (url: string, options: ConstructorParameters<typeof HttpClient>[0]) => {
    const client = new HttpClient({ retryMaxMs: 1000, initialBackoffMs: 10, ...options });
    try {
      return await client.request({ method: 'GET', url: `${url}/x?token=secret` });
    } catch (e) {
      return e as HttpRequestError;
    } finally {
      client.close();
    }
  };

  test('succeeds with the CA file', async () => {
    expect(good.url).toMatch(/^https:\/\/127\.0\.0\.1:/);
    const res = await get(good.url, { caFile: caFile() });
    expect(res).not.toBeInstanceOf(Error);
    expect((res as { status: number }).status).toBe(200);
  });

  test.each([
    ['no CA file', {}],
    ['a different CA', { caFile: otherCaFile() }],
  ])('fails at once with %s, saying why and for which host', async (_label, options) => {
    const err = await get(good.url, options);
    expect(err).toBeInstanceOf(HttpRequestError);
    const e = err as HttpRequestError;
    expect(e.kind).toBe('tls');
    expect(e.attempts).toBe(1);
    expect(e.code).toBe('SELF_SIGNED_CERT_IN_CHAIN');
    const host = new URL(good.url).host;
    expect(e.message).toBe(
      `GET ${good.url}/x?… failed: self-signed certificate in certificate chain (server ${host}): TLS certificate not accepted (SELF_SIGNED_CERT_IN_CHAIN); trust the server's CA with a CA file, or (tests only) skip verification`,
    );
  });

  test('a certificate for another host fails with a host name hint, even with the right CA', async () => {
    const e = (await get(wrongHost.url, { caFile: caFile() })) as HttpRequestError;
    expect(e).toBeInstanceOf(HttpRequestError);
    expect(e.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(e.message).toMatch(/Hostname\/IP does not match certificate's altnames: IP: 127\.0\.0\.1 is not in the cert's list/);
    expect(e.message).toMatch(/the certificate is not issued for this host name/);
  });

  test('skipping verification connects (tests only)', async () => {
    expect(((await get(good.url, { insecureSkipVerify: true })) as { status: number }).status).toBe(200);
  });
});
