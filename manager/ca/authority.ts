/**
 * The cluster's certificate authority: a root made at `cluster init` (or given by the user),
 * and the certificates it signs for the requests nodes and clients send. The root's key is
 * in the store, so whichever manager leads can sign.
 */
import { randomBytes, webcrypto, X509Certificate } from 'node:crypto';
type CryptoKey = webcrypto.CryptoKey;
import { FlotillaError } from '../../lib/errors.js';
import {
  certDigest,
  describeCert,
  importPrivateKey,
  KEY_ALGORITHM,
  newKeyPair,
  privateKeyPem,
  splitPem,
  type CertSubject,
} from '../../lib/pki.js';
import { x509 } from '../../lib/x509.js';
import type { RootCA } from '../../proto/gen/flotilla/RootCA.js';
import type { ExternalCA } from '../../proto/gen/flotilla/ExternalCA.js';
import { externalSign } from './external.js';
import { requestedKey } from './requests.js';
import { signCertificate, type SignedCertificate } from './signing.js';

export const DEFAULT_NODE_CERT_EXPIRY_MS = 90 * 24 * 3600_000;
export const ROOT_EXPIRY_MS = 20 * 365 * 24 * 3600_000;
// Clocks of nodes differ a little: a certificate is valid from a minute before it is made.
const BACKDATE_MS = 60_000;

const serial = () =>
  randomBytes(16)
    .toString('hex')
    .replace(/^[89a-f]/, '7');

// Each root has a name of its own: a root cross-signed by the one before must not look
// self-issued, or TLS would end its chain there.
const rootName = (clusterId: string) =>
  `CN=flotilla-root-ca-${randomBytes(4).toString('hex')}, O=${clusterId}`;

async function rootExtensions(publicKey: CryptoKey): Promise<x509.Extension[]> {
  return [
    new x509.BasicConstraintsExtension(true, 1, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    await x509.SubjectKeyIdentifierExtension.create(publicKey),
  ];
}

/** A new root: a key, and a certificate it signs itself. */
async function selfSignedRoot(
  clusterId: string,
): Promise<{ cert: string; key: string; publicKey: CryptoKey; name: string }> {
  const keys = await newKeyPair();
  const name = rootName(clusterId);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name,
    notBefore: new Date(Date.now() - BACKDATE_MS),
    notAfter: new Date(Date.now() + ROOT_EXPIRY_MS),
    keys,
    signingAlgorithm: KEY_ALGORITHM,
    extensions: await rootExtensions(keys.publicKey),
  });
  return {
    cert: `${cert.toString('pem')}\n`,
    key: await privateKeyPem(keys.privateKey),
    publicKey: keys.publicKey,
    name,
  };
}

export async function newRootCa(clusterId: string): Promise<RootCA> {
  const root = await selfSignedRoot(clusterId);
  return rootCa(root.cert, root.key);
}

/**
 * The next root of a rotation: a new key and self-signed certificate, trusted beside the
 * roots before it, and the same certificate signed by the current root (sent with what the
 * new root issues, so that nodes that trust only the current root accept it meanwhile).
 */
export async function nextRootCa(current: RootCA, clusterId: string): Promise<RootCA> {
  const next = await selfSignedRoot(clusterId);
  const signer = new x509.X509Certificate(splitPem(current.cert)[0]!);
  const crossSigned = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: next.name,
    issuer: signer.subject,
    notBefore: new Date(Date.now() - BACKDATE_MS),
    notAfter: signer.notAfter,
    publicKey: next.publicKey,
    signingKey: await importPrivateKey(current.key),
    signingAlgorithm: KEY_ALGORITHM,
    extensions: [
      ...(await rootExtensions(next.publicKey)),
      await x509.AuthorityKeyIdentifierExtension.create(signer),
    ],
  });
  return {
    ...(await rootCa(next.cert, next.key)),
    cert: `${next.cert}${current.cert}`,
    crossSigned: `${crossSigned.toString('pem')}\n`,
  };
}

/** A rotated root once every node holds a certificate it signed: only it is trusted from then on. */
export function settledRootCa(root: RootCA): RootCA {
  return { ...root, cert: splitPem(root.cert)[0]! + '\n', crossSigned: '' };
}

/** A root whose key is elsewhere: an external CA signs for it. */
export function externalRootCa(certPem: string, external: ExternalCA): RootCA {
  const first = splitPem(certPem)[0];
  if (!first || !new X509Certificate(first).ca) {
    throw new FlotillaError(
      'INVALID_ARGUMENT',
      'invalid --ca-cert: expected the PEM certificate of the external CA',
    );
  }
  return {
    cert: certPem,
    key: '',
    sealedKey: Buffer.alloc(0),
    digest: certDigest(first),
    crossSigned: '',
    external,
  };
}

/** A root from a certificate and its key (the user's own CA, or one just made). */
export async function rootCa(certPem: string, keyPem: string): Promise<RootCA> {
  const first = splitPem(certPem)[0];
  if (!first) throw new FlotillaError('INVALID_ARGUMENT', 'the CA certificate holds no PEM certificate');
  const cert = new X509Certificate(first);
  if (!cert.ca)
    throw new FlotillaError('INVALID_ARGUMENT', 'the CA certificate is not one that may sign others');
  const key = await importPrivateKey(keyPem).catch((err: unknown) => {
    throw new FlotillaError('INVALID_ARGUMENT', 'the CA key is not a PKCS#8 PEM ECDSA P-256 key', {
      cause: err,
    });
  });
  const probe = new Uint8Array([1, 2, 3]);
  const signature = await webcrypto.subtle.sign(KEY_ALGORITHM, key, probe);
  const publicKey = await new x509.X509Certificate(first).publicKey.export(KEY_ALGORITHM, ['verify']);
  if (!(await webcrypto.subtle.verify(KEY_ALGORITHM, publicKey, signature, probe))) {
    throw new FlotillaError('INVALID_ARGUMENT', 'the CA key does not belong to the CA certificate');
  }
  return {
    cert: certPem,
    key: keyPem,
    sealedKey: Buffer.alloc(0),
    digest: certDigest(first),
    crossSigned: '',
    external: null,
  };
}

export interface IssueOptions {
  expiryMs: number;
  /** Names the certificate also answers to (for peers that check hostnames, such as etcd). */
  altNames?: { ip?: string[]; dns?: string[] };
}

/** Signs (or has the external CA sign) a certificate for the key of `csrPem`, naming `subject`. */
export async function issue(
  ca: RootCA,
  csrPem: string,
  subject: CertSubject,
  opts: IssueOptions,
): Promise<string> {
  return (await issueDescribed(ca, csrPem, subject, opts)).cert;
}

/** What `issue` signs, with the expiry, issuer and serial the node record keeps of it. */
export async function issueDescribed(
  ca: RootCA,
  csrPem: string,
  subject: CertSubject,
  opts: IssueOptions,
): Promise<SignedCertificate> {
  const { spki } = requestedKey(csrPem);
  if (ca.external) {
    const cert = await externalSign(ca.external, ca.cert, csrPem, subject);
    const { expiresAtMs, issuer, serial } = describeCert(cert);
    return { cert, expiresAtMs, issuer, serial };
  }
  const now = Date.now();
  const signed = await signCertificate(ca, {
    subject,
    spki,
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(now + opts.expiryMs),
    altNames: opts.altNames,
  });
  // During a rotation the new root's cross-signed certificate follows, for nodes that trust only the old one.
  return { ...signed, cert: `${signed.cert}\n${ca.crossSigned}` };
}
