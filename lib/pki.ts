/**
 * Keys and certificates: what a node or a client makes for itself (a key and a request for
 * a certificate) and what it reads from certificates. Signing is the CA's (manager/ca/).
 * Keys are ECDSA P-256; certificates name the holder's id (CN), role (OU) and cluster (O).
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  KeyObject,
  webcrypto,
  X509Certificate,
} from 'node:crypto';
type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
import { FlotillaError } from './errors.js';

export const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** Who holds a certificate. Admin certificates are the remote CLI's. */
export type CertRole = 'manager' | 'worker' | 'admin';
const ROLES: readonly CertRole[] = ['manager', 'worker', 'admin'];

export interface CertSubject {
  id: string;
  role: CertRole;
  clusterId: string;
}

/** A private key and the certificate request for it, both PEM. */
export interface KeyAndRequest {
  key: string;
  csr: string;
}

export async function newKeyPair(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
}

export async function privateKeyPem(key: CryptoKey): Promise<string> {
  return KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' }) as string;
}

export function importPrivateKey(pem: string): Promise<CryptoKey> {
  const der = createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' });
  return webcrypto.subtle.importKey('pkcs8', der, KEY_ALGORITHM, false, ['sign']) as Promise<CryptoKey>;
}

/** A new key and a request to certify it. */
export async function newKeyAndRequest(): Promise<KeyAndRequest> {
  const key = await privateKeyPem((await newKeyPair()).privateKey);
  return { key, csr: await requestFor(key) };
}

/** A request to certify a key this node already has; the CA decides the subject, so it names none. */
export async function requestFor(keyPem: string): Promise<string> {
  const { x509 } = await import('./x509.js');
  const spki = createPublicKey(keyPem).export({ type: 'spki', format: 'der' });
  const keys = {
    privateKey: await importPrivateKey(keyPem),
    publicKey: (await webcrypto.subtle.importKey('spki', spki, KEY_ALGORITHM, true, ['verify'])) as CryptoKey,
  };
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: 'CN=flotilla-request',
    keys,
    signingAlgorithm: KEY_ALGORITHM,
  });
  return `${csr.toString('pem')}\n`;
}

/** The certificates of a PEM bundle, in order. */
export function splitPem(bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** The digest join tokens carry: sha256 of the certificate's DER, in base 36 (50 characters). */
export function certDigest(certPem: string): string {
  const der = new X509Certificate(certPem).raw;
  return BigInt(`0x${createHash('sha256').update(der).digest('hex')}`)
    .toString(36)
    .padStart(50, '0');
}

/** A short digest of a bundle of roots, by which nodes see that the roots to trust changed. */
export function trustDigest(bundle: string): string {
  return createHash('sha256').update(splitPem(bundle).join('\n')).digest('hex').slice(0, 16);
}

/** The holder named by a certificate's subject (as Node parses it), if it is one of ours. */
export function subjectOf(subject: Record<string, string | string[] | undefined>): CertSubject | undefined {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? undefined : v);
  const id = one(subject.CN);
  const role = one(subject.OU) as CertRole | undefined;
  const clusterId = one(subject.O);
  if (!id || !clusterId || !role || !ROLES.includes(role)) return undefined;
  return { id, role, clusterId };
}

/** The holder a PEM certificate (the first of a chain) names, if it is one of ours. */
export function certSubject(certPem: string): CertSubject | undefined {
  const first = splitPem(certPem)[0];
  if (!first) return undefined;
  return x509Subject(new X509Certificate(first));
}

/** The holder a parsed certificate names, if it is one of ours. */
export function x509Subject(cert: X509Certificate): CertSubject | undefined {
  const fields = cert.subject.split('\n').map((l) => l.split('=', 2) as [string, string]);
  return subjectOf(Object.fromEntries(fields));
}

/** The holder, expiry and issuer of a PEM certificate (its first, when a chain). */
export function describeCert(
  certPem: string,
): CertSubject & { expiresAtMs: number; issuer: string; serial: string } {
  const subject = certSubject(certPem);
  if (!subject) throw new FlotillaError('INVALID_ARGUMENT', 'not a Flotilla certificate');
  const cert = new X509Certificate(splitPem(certPem)[0]!);
  return {
    ...subject,
    expiresAtMs: Date.parse(cert.validTo),
    issuer: cert.issuer.replace(/\n/g, ', '),
    serial: cert.serialNumber,
  };
}
