/**
 * The provider's TLS identity: a fresh EC P-256 key and a self-signed certificate for DNS:localhost,
 * made per process (go-plugin pins the certificate it receives in the handshake line).
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import {
  bitString,
  boolean,
  explicit,
  implicitPrimitive,
  objectIdentifier,
  octetString,
  sequence,
  set,
  smallInteger,
  unsignedInteger,
  utcTime,
  utf8String,
} from './der';

export interface ServerIdentity {
  /** PKCS#8 PEM private key. */
  readonly keyPem: string;
  readonly certPem: string;
  readonly certDer: Buffer;
}

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
};

const name = (commonName: string) =>
  sequence(
    set(sequence(objectIdentifier(OID.organization), utf8String('workzone-cpr plugin'))),
    set(sequence(objectIdentifier(OID.commonName), utf8String(commonName))),
  );

const extension = (oid: string, critical: boolean, value: Buffer) =>
  sequence(objectIdentifier(oid), ...(critical ? [boolean(true)] : []), octetString(value));

/** Builds the TBSCertificate: v3, CA (it is its own root for terraform), SAN DNS:localhost. */
export function tbsCertificate(spkiDer: Buffer, now: Date, serial: Buffer): Buffer {
  const notBefore = new Date(now.getTime() - 60_000); // tolerate small clock skew
  const notAfter = new Date(now.getTime() + 365 * 24 * 3600_000);
  const algorithm = sequence(objectIdentifier(OID.ecdsaWithSha256));
  return sequence(
    explicit(0, smallInteger(2)),
    unsignedInteger(serial),
    algorithm,
    name('localhost'),
    sequence(utcTime(notBefore), utcTime(notAfter)),
    name('localhost'),
    spkiDer,
    explicit(
      3,
      sequence(
        extension(OID.subjectAltName, false, sequence(implicitPrimitive(2, Buffer.from('localhost', 'ascii')))),
        extension(OID.basicConstraints, true, sequence(boolean(true))),
        // digitalSignature (bit 0) and keyCertSign (bit 5): 0b10000100, 2 unused bits.
        extension(OID.keyUsage, true, Buffer.from([0x03, 0x02, 0x02, 0x84])),
        extension(OID.extKeyUsage, false, sequence(objectIdentifier(OID.serverAuth), objectIdentifier(OID.clientAuth))),
      ),
    ),
  );
}

export function createServerIdentity(now = new Date()): ServerIdentity {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const serial = randomBytes(16);
  serial[0]! &= 0x7f; // positive, and never all-zero in practice
  serial[0]! |= 0x01;
  const tbs = tbsCertificate(publicKey.export({ type: 'spki', format: 'der' }), now, serial);
  const signature = sign('sha256', tbs, privateKey); // DER-encoded ECDSA signature
  const certDer = sequence(tbs, sequence(objectIdentifier(OID.ecdsaWithSha256)), bitString(signature));
  const base64 = certDer.toString('base64');
  const certPem = `-----BEGIN CERTIFICATE-----\n${base64.replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n`;
  return { keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, certPem, certDer };
}
