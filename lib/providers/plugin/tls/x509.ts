/**
 * X.509 v3 certificates from the DER encoder: the pieces every certificate here shares (names, extensions,
 * serial numbers, ECDSA P-256/SHA-256 signing). Only node:crypto and ./der, so the provider's start-up
 * stays light; the provider's own identity and the emulators' CA both build on it.
 */
import { randomBytes, sign, type KeyObject } from 'node:crypto';
import { bitString, boolean, explicit, objectIdentifier, octetString, sequence, set, smallInteger, unsignedInteger, utcTime, utf8String } from './der';

export const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

/** A distinguished name: O=<organization>, CN=<commonName>. */
export const x509Name = (organization: string, commonName: string): Buffer =>
  sequence(
    set(sequence(objectIdentifier(OID.organization), utf8String(organization))),
    set(sequence(objectIdentifier(OID.commonName), utf8String(commonName))),
  );

export const extension = (oid: string, critical: boolean, value: Buffer): Buffer =>
  sequence(objectIdentifier(oid), ...(critical ? [boolean(true)] : []), octetString(value));

/** 16 random bytes, positive and non-zero as RFC 5280 §4.1.2.2 asks. */
export function serialNumber(): Buffer {
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  return serial;
}

export interface CertificateFields {
  readonly issuer: Buffer;
  readonly subject: Buffer;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** SubjectPublicKeyInfo, DER. */
  readonly spkiDer: Buffer;
  readonly extensions: readonly Buffer[];
}

/** Signs the certificate with the issuer's EC key (ecdsa-with-SHA256); DER and PEM. */
export function signCertificate(fields: CertificateFields, issuerKey: KeyObject): { der: Buffer; pem: string } {
  const algorithm = sequence(objectIdentifier(OID.ecdsaWithSha256));
  const tbs = sequence(
    explicit(0, smallInteger(2)),
    unsignedInteger(serialNumber()),
    algorithm,
    fields.issuer,
    sequence(utcTime(fields.notBefore), utcTime(fields.notAfter)),
    fields.subject,
    fields.spkiDer,
    explicit(3, sequence(...fields.extensions)),
  );
  const der = sequence(tbs, algorithm, bitString(sign('sha256', tbs, issuerKey)));
  return { der, pem: `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n` };
}
