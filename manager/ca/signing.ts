/**
 * Signing node and client certificates with node:crypto. What stays the same for every
 * certificate of a root (its key opened, its name, the extensions, the authority key id) is
 * made once per root and kept; a certificate is then its few fields of its own in DER and one
 * ECDSA signature, cheap enough for thousands of joins a minute.
 */
import { createPrivateKey, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { splitPem, type CertSubject } from '../../lib/pki.js';
import { x509 } from '../../lib/x509.js';
import type { RootCA } from '../../proto/gen/flotilla/RootCA.js';
import {
  bitString,
  bytesOf,
  childrenOf,
  explicit,
  oid,
  readElement,
  sequence,
  set,
  time,
  unsignedInteger,
  utf8,
} from './der.js';
import { ECDSA_SHA256, pemOf } from './requests.js';

const SIGNATURE_ALGORITHM = sequence(oid(ECDSA_SHA256));
const VERSION_3 = explicit(0, Buffer.from([0x02, 0x01, 0x02]));
const NAME_OIDS = { CN: '2.5.4.3', OU: '2.5.4.11', O: '2.5.4.10' } as const;
/** Roots kept opened; a rotation adds one, so a few are plenty. */
const SIGNERS_KEPT = 4;

interface RootSigner {
  key: KeyObject;
  /** The root's subject, as the issuer of what it signs: DER, and as describeCert shows it. */
  issuer: Buffer;
  issuerText: string;
  /** Every certificate's extensions: not a CA; signing and key agreement; TLS server and client; the root's key id. */
  extensions: Buffer[];
}

const signers = new Map<string, Promise<RootSigner>>();

async function rootSigner(ca: RootCA): Promise<RootSigner> {
  const first = splitPem(ca.cert)[0]!;
  const cert = new X509Certificate(first);
  const der = cert.raw;
  const tbs = childrenOf(der, readElement(der))[0]!;
  const fields = childrenOf(der, tbs);
  // version [0] is there in v3 certificates; then serial, signature, issuer, validity, subject.
  const subject = fields[fields[0]!.tag === 0xa0 ? 5 : 4]!;
  const extensions = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
    await x509.AuthorityKeyIdentifierExtension.create(new x509.X509Certificate(first)),
  ];
  return {
    key: createPrivateKey(ca.key),
    issuer: Buffer.from(bytesOf(der, subject)),
    issuerText: cert.subject.replace(/\n/g, ', '),
    extensions: extensions.map((e) => Buffer.from(e.rawData)),
  };
}

/** The signer of `ca` (its key opened), made at its first use. */
function signerOf(ca: RootCA): Promise<RootSigner> {
  const id = `${ca.digest}:${ca.key}`;
  let signer = signers.get(id);
  if (!signer) {
    signer = rootSigner(ca);
    signers.set(id, signer);
    signer.catch(() => signers.delete(id));
    if (signers.size > SIGNERS_KEPT) signers.delete(signers.keys().next().value!);
  }
  return signer;
}

export interface SignedCertificate {
  /** PEM. */
  cert: string;
  expiresAtMs: number;
  issuer: string;
  /** Upper-case hex, as node:crypto shows it. */
  serial: string;
}

export interface CertificateFields {
  subject: CertSubject;
  /** The holder's key (SubjectPublicKeyInfo, DER), from its request. */
  spki: Buffer;
  notBefore: Date;
  notAfter: Date;
  altNames?: { ip?: string[]; dns?: string[] };
}

/** A certificate for `fields`, signed by `ca` (whose key is opened). */
export async function signCertificate(ca: RootCA, fields: CertificateFields): Promise<SignedCertificate> {
  const signer = await signerOf(ca);
  // Sixteen random bytes, the first between 0x40 and 0x7f: positive and of a fixed length.
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x3f) | 0x40;
  const { id, role, clusterId } = fields.subject;
  const rdn = (type: string, value: string) => set(sequence(oid(type), utf8(value)));
  const names = [
    ...(fields.altNames?.ip ?? []).map((value) => ({ type: 'ip' as const, value })),
    ...(fields.altNames?.dns ?? []).map((value) => ({ type: 'dns' as const, value })),
  ];
  const extensions = [...signer.extensions];
  if (names.length > 0) extensions.push(Buffer.from(new x509.SubjectAlternativeNameExtension(names).rawData));
  const tbs = sequence(
    VERSION_3,
    unsignedInteger(serial),
    SIGNATURE_ALGORITHM,
    signer.issuer,
    sequence(time(fields.notBefore), time(fields.notAfter)),
    sequence(rdn(NAME_OIDS.CN, id), rdn(NAME_OIDS.OU, role), rdn(NAME_OIDS.O, clusterId)),
    fields.spki,
    explicit(3, sequence(...extensions)),
  );
  const der = sequence(tbs, SIGNATURE_ALGORITHM, bitString(sign('sha256', tbs, signer.key)));
  return {
    cert: pemOf(der, 'CERTIFICATE').trimEnd(),
    // Certificates hold whole seconds.
    expiresAtMs: Math.floor(fields.notAfter.getTime() / 1000) * 1000,
    issuer: signer.issuerText,
    serial: serial.toString('hex').toUpperCase(),
  };
}
