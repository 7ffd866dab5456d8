import { X509Certificate, createPublicKey } from 'node:crypto';
import { objectIdentifier, smallInteger, tlv, unsignedInteger, utcTime } from '../../../lib/providers/plugin/tls/der';
import { createServerIdentity } from '../../../lib/providers/plugin/tls/certificate';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('DER encoder', () => {
  it('encodes short and long lengths', () => {
    expect(hex(tlv(0x04, Buffer.alloc(3)))).toBe('0403000000');
    expect(hex(tlv(0x04, Buffer.alloc(200))).slice(0, 6)).toBe('0481c8');
    expect(hex(tlv(0x04, Buffer.alloc(300))).slice(0, 8)).toBe('0482012c');
  });

  it('encodes OIDs with multi-byte arcs', () => {
    expect(hex(objectIdentifier('1.2.840.10045.4.3.2'))).toBe('06082a8648ce3d040302');
    expect(hex(objectIdentifier('2.5.29.17'))).toBe('0603551d11');
    expect(() => objectIdentifier('1')).toThrow(RangeError);
  });

  it('encodes integers minimally and positive', () => {
    expect(hex(smallInteger(0))).toBe('020100');
    expect(hex(smallInteger(2))).toBe('020102');
    expect(hex(unsignedInteger(Uint8Array.from([0x80])))).toBe('02020080');
    expect(hex(unsignedInteger(Uint8Array.from([0, 0, 0x7f])))).toBe('02017f');
  });

  it('encodes UTCTime', () => {
    expect(Buffer.from(utcTime(new Date(Date.UTC(2025, 0, 2, 3, 4, 5)))).subarray(2).toString()).toBe('250102030405Z');
  });
});

describe('server certificate', () => {
  const identity = createServerIdentity();
  const cert = new X509Certificate(identity.certPem);

  it('is a self-signed EC P-256 CA for DNS:localhost that OpenSSL parses', () => {
    expect(cert.subjectAltName).toBe('DNS:localhost');
    expect(cert.ca).toBe(true);
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.checkIssued(cert)).toBe(true);
  });

  it('matches its private key and the DER given in the handshake', () => {
    expect(cert.checkPrivateKey(require('node:crypto').createPrivateKey(identity.keyPem))).toBe(true);
    expect(Buffer.compare(cert.raw, identity.certDer)).toBe(0);
    expect(createPublicKey(identity.keyPem).export({ format: 'der', type: 'spki' })).toEqual(cert.publicKey.export({ format: 'der', type: 'spki' }));
  });

  it('is valid now and gets a fresh key every time', () => {
    expect(new Date(cert.validFrom).getTime()).toBeLessThanOrEqual(Date.now());
    expect(new Date(cert.validTo).getTime()).toBeGreaterThan(Date.now() + 24 * 3600_000);
    expect(createServerIdentity().certPem).not.toBe(identity.certPem);
  });
});
