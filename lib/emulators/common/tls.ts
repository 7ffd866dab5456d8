/**
 * A private certificate authority for the emulators' HTTPS: a CA certificate (what a provider's `ca_file`
 * points at) and server certificates it signs for the hosts the emulators answer on. EC P-256 keys from
 * node:crypto, certificates from the project's small DER encoder: no OpenSSL binary, no dependency.
 */
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { boolean, implicitPrimitive, objectIdentifier, octetString, sequence, smallInteger, tlv } from '../../providers/plugin/tls/der';
import { extension, OID, signCertificate as signX509, x509Name } from '../../providers/plugin/tls/x509';

const DAY_MS = 24 * 3600_000;

export interface CertificateAuthority {
  /** PEM of the CA certificate: what `ca_file` points at. */
  readonly certPem: string;
  /** PKCS#8 PEM of the CA key. */
  readonly keyPem: string;
  /** A server certificate for these host names and IP addresses, signed by this CA. */
  issueServerCertificate(hosts: readonly string[], options?: { now?: Date; days?: number }): ServerCertificate;
}

/** What node's https.createServer takes (and the emulators' `tls` option). */
export interface ServerCertificate {
  readonly key: string;
  /**
   * The chain the server sends: the leaf, then the CA. Sending the root lets a client without `ca_file`
   * say what is wrong ("self-signed certificate in certificate chain") instead of a vaguer failure.
   */
  readonly cert: string;
}

const name = (commonName: string) => x509Name('workzone-cpr emulators', commonName);

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
function keyIdentifier(spkiDer: Buffer): Buffer {
  // SubjectPublicKeyInfo ::= SEQUENCE { algorithm, BIT STRING }: the BIT STRING is the last TLV; its
  // content after the unused-bits byte is the key. For P-256 it is the last 65 bytes.
  return createHash('sha1').update(spkiDer.subarray(spkiDer.length - 65)).digest();
}

/** A GeneralName for a host: iPAddress [7] for IPv4/IPv6 literals, dNSName [2] otherwise. */
function generalName(host: string): Buffer {
  const bare = host.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 4) return implicitPrimitive(7, Buffer.from(bare.split('.').map(Number)));
  if (family === 6) return implicitPrimitive(7, ipv6Bytes(bare));
  if (!/^[A-Za-z0-9*]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(bare)) throw new Error(`not a host name or IP address: ${JSON.stringify(host)}`);
  return implicitPrimitive(2, Buffer.from(bare.toLowerCase(), 'ascii'));
}

function ipv6Bytes(address: string): Buffer {
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const groups = (s: string | undefined) => (s ? s.split(':') : []);
  const left = groups(head);
  const right = groups(tail);
  const all = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return Buffer.from(all.flatMap((g) => [(parseInt(g, 16) >> 8) & 0xff, parseInt(g, 16) & 0xff]));
}

interface Signed {
  readonly subject: string;
  readonly spkiDer: Buffer;
  readonly extensions: Buffer[];
  readonly now: Date;
  readonly days: number;
}

function signCertificate(cert: Signed, issuer: { name: string; key: KeyObject }): string {
  return signX509(
    {
      issuer: name(issuer.name),
      subject: name(cert.subject),
      notBefore: new Date(cert.now.getTime() - 5 * 60_000),
      notAfter: new Date(cert.now.getTime() + cert.days * DAY_MS),
      spkiDer: cert.spkiDer,
      extensions: cert.extensions,
    },
    issuer.key,
  ).pem;
}

function authority(certPem: string, key: KeyObject): CertificateAuthority {
  const caCert = new X509Certificate(certPem);
  const caName = /CN=([^\n]+)/.exec(caCert.subject)?.[1] ?? 'workzone-cpr emulators CA';
  const caKeyId = keyIdentifier(caCert.publicKey.export({ type: 'spki', format: 'der' }));
  return {
    certPem,
    keyPem: key.export({ type: 'pkcs8', format: 'pem' }) as string,
    issueServerCertificate(hosts, options = {}) {
      if (hosts.length === 0) throw new Error('a server certificate needs at least one host');
      const leaf = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      const spkiDer = leaf.publicKey.export({ type: 'spki', format: 'der' });
      const cert = signCertificate(
        {
          subject: hosts[0]!.replace(/^\[|\]$/g, ''),
          spkiDer,
          now: options.now ?? new Date(),
          days: options.days ?? 90,
          extensions: [
            extension(OID.basicConstraints, true, sequence()),
            // digitalSignature (bit 0): 0b10000000, 7 unused bits.
            extension(OID.keyUsage, true, tlv(0x03, Buffer.from([0x07, 0x80]))),
            extension(OID.extKeyUsage, false, sequence(objectIdentifier(OID.serverAuth))),
            extension(OID.subjectAltName, false, sequence(...hosts.map(generalName))),
            extension(OID.subjectKeyIdentifier, false, octetString(keyIdentifier(spkiDer))),
            extension(OID.authorityKeyIdentifier, false, sequence(implicitPrimitive(0, caKeyId))),
          ],
        },
        { name: caName, key },
      );
      return { key: leaf.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, cert: cert + certPem };
    },
  };
}

/** A new self-signed CA (10 years by default). */
export function createCertificateAuthority(options: { commonName?: string; now?: Date; days?: number } = {}): CertificateAuthority {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spkiDer = publicKey.export({ type: 'spki', format: 'der' });
  const commonName = options.commonName ?? `workzone-cpr emulators CA ${randomBytes(4).toString('hex')}`;
  const certPem = signCertificate(
    {
      subject: commonName,
      spkiDer,
      now: options.now ?? new Date(),
      days: options.days ?? 3650,
      extensions: [
        extension(OID.basicConstraints, true, sequence(boolean(true), smallInteger(0))),
        // keyCertSign (bit 5) and cRLSign (bit 6): 0b00000110, 1 unused bit.
        extension(OID.keyUsage, true, tlv(0x03, Buffer.from([0x01, 0x06]))),
        extension(OID.subjectKeyIdentifier, false, octetString(keyIdentifier(spkiDer))),
      ],
    },
    { name: commonName, key: privateKey },
  );
  return authority(certPem, privateKey);
}

export const CA_CERT_FILE = 'ca.pem';
const CA_KEY_FILE = 'ca-key.pem';

/**
 * The CA kept in `dir` (ca.pem, ca-key.pem), created on first use: restarting the emulators on the same
 * data keeps the CA, so a `ca_file` already handed to terraform stays valid.
 */
export function loadOrCreateCertificateAuthority(dir: string): { ca: CertificateAuthority; caFile: string; created: boolean } {
  const caFile = join(dir, CA_CERT_FILE);
  const keyFile = join(dir, CA_KEY_FILE);
  if (existsSync(caFile) && existsSync(keyFile)) {
    return { ca: authority(readFileSync(caFile, 'utf8'), createPrivateKey(readFileSync(keyFile))), caFile, created: false };
  }
  mkdirSync(dir, { recursive: true });
  const ca = createCertificateAuthority();
  writeFileSync(keyFile, ca.keyPem, { mode: 0o600 });
  writeFileSync(caFile, ca.certPem);
  return { ca, caFile, created: true };
}
