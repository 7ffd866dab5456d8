/**
 * The provider's TLS identity: a fresh EC P-256 key and a self-signed certificate for DNS:localhost,
 * made per process (go-plugin pins the certificate it receives in the handshake line).
 */
import { generateKeyPairSync } from 'node:crypto';
import { boolean, implicitPrimitive, objectIdentifier, sequence } from './der';
import { extension, OID, signCertificate, x509Name } from './x509';

export interface ServerIdentity {
  /** PKCS#8 PEM private key. */
  readonly keyPem: string;
  readonly certPem: string;
  readonly certDer: Buffer;
}

/** v3, CA (it is its own root for terraform), SAN DNS:localhost, for server and client auth. */
export function createServerIdentity(now = new Date()): ServerIdentity {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const name = x509Name('workzone-cpr plugin', 'localhost');
  const { der, pem } = signCertificate(
    {
      issuer: name,
      subject: name,
      notBefore: new Date(now.getTime() - 60_000), // tolerate small clock skew
      notAfter: new Date(now.getTime() + 365 * 24 * 3600_000),
      spkiDer: publicKey.export({ type: 'spki', format: 'der' }),
      extensions: [
        extension(OID.subjectAltName, false, sequence(implicitPrimitive(2, Buffer.from('localhost', 'ascii')))),
        extension(OID.basicConstraints, true, sequence(boolean(true))),
        // digitalSignature (bit 0) and keyCertSign (bit 5): 0b10000100, 2 unused bits.
        extension(OID.keyUsage, true, Buffer.from([0x03, 0x02, 0x02, 0x84])),
        extension(OID.extKeyUsage, false, sequence(objectIdentifier(OID.serverAuth), objectIdentifier(OID.clientAuth))),
      ],
    },
    privateKey,
  );
  return { keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, certPem: pem, certDer: der };
}
