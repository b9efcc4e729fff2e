/**
 * Certificate requests (PKCS #10) with node:crypto: the CA's check of one (well formed, for a
 * P-256 ECDSA key, signed by that key), and a key with its request made in a fraction of a
 * millisecond, for the simulated nodes that join by the thousand. A request names no subject
 * that matters: the CA decides it.
 */
import { createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { FlotillaError } from '../../lib/errors.js';
import type { KeyAndRequest } from '../../lib/pki.js';
import {
  bitString,
  bodyOf,
  bytesOf,
  childrenOf,
  explicit,
  oid,
  readElement,
  sequence,
  set,
  TAG,
  utf8,
} from './der.js';

/** ecdsa-with-SHA256 (RFC 5758), the only signature nodes' requests carry. */
export const ECDSA_SHA256 = '1.2.840.10045.4.3.2';
const ECDSA_SHA256_DER = sequence(oid(ECDSA_SHA256));
const COMMON_NAME = '2.5.4.3';

const PEM =
  /-----BEGIN (?:NEW )?CERTIFICATE REQUEST-----([A-Za-z0-9+/=\s]+)-----END (?:NEW )?CERTIFICATE REQUEST-----/;

const refuse = (why: string, cause?: unknown) =>
  new FlotillaError('INVALID_ARGUMENT', `csr: ${why}`, cause === undefined ? undefined : { cause });

/** The key a request asks a certificate for (its SubjectPublicKeyInfo, and the key itself). */
export interface RequestedKey {
  spki: Buffer;
  key: KeyObject;
}

/** The SubjectPublicKeyInfo of every P-256 key, up to its uncompressed point (04, X, Y). */
const P256_SPKI_HEAD = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d03010703420004', 'hex');
const P256_SPKI_LENGTH = P256_SPKI_HEAD.length + 64;

/**
 * The P-256 key of a SubjectPublicKeyInfo, or undefined when it holds another kind of key.
 * A point as nodes send it is taken as JWK, which node:crypto reads several times faster
 * than DER (the point is checked either way).
 */
function p256KeyOf(spki: Buffer): KeyObject | undefined {
  if (spki.length === P256_SPKI_LENGTH && spki.subarray(0, P256_SPKI_HEAD.length).equals(P256_SPKI_HEAD)) {
    const point = spki.subarray(P256_SPKI_HEAD.length);
    const [x, y] = [point.subarray(0, 32), point.subarray(32)].map((b) => b.toString('base64url'));
    return createPublicKey({ key: { kty: 'EC', crv: 'P-256', x, y }, format: 'jwk' });
  }
  const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  const p256 = key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  return p256 ? key : undefined;
}

/**
 * The key `csrPem` asks for, once the request is one, for a P-256 ECDSA key, and signed by
 * that key with ECDSA and SHA-256.
 */
export function requestedKey(csrPem: string): RequestedKey {
  let info: Buffer, algorithm: Buffer, signature: Buffer, spki: Buffer, key: KeyObject | undefined;
  try {
    const der = Buffer.from(PEM.exec(csrPem)?.[1] ?? '', 'base64');
    const outer = readElement(der);
    const [infoEl, algEl, sigEl, ...extra] = childrenOf(der, outer);
    // CertificationRequestInfo: version, subject, subjectPKInfo, [0] attributes.
    const fields = childrenOf(der, infoEl!);
    if (outer.tag !== TAG.sequence || extra.length || sigEl?.tag !== TAG.bitString || fields.length < 3) {
      throw refuse('expected a PEM certificate request');
    }
    info = bytesOf(der, infoEl!);
    algorithm = bytesOf(der, algEl!);
    // A bit string's first byte counts unused bits: a signature has none.
    const sig = bodyOf(der, sigEl);
    if (sig[0] !== 0) throw refuse('expected a PEM certificate request');
    signature = sig.subarray(1);
    spki = Buffer.from(bytesOf(der, fields[2]!));
    key = p256KeyOf(spki);
  } catch (err) {
    throw refuse('expected a PEM certificate request', err);
  }
  if (!key) {
    throw refuse('expected a request for a P-256 ECDSA key, as nodes make');
  }
  if (!algorithm.equals(ECDSA_SHA256_DER) || !verify('sha256', info, key, signature)) {
    throw refuse('its signature does not match its key');
  }
  return { spki, key };
}

/** DER bytes as PEM, in lines of 64 characters. */
export const pemOf = (der: Buffer, label: string) =>
  `-----BEGIN ${label}-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;

/** A new P-256 key (PKCS #8 PEM) and a request, signed by it, to certify it. */
export function newKeyAndRequestSync(): KeyAndRequest {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const info = sequence(
    Buffer.from([TAG.integer, 1, 0]),
    sequence(set(sequence(oid(COMMON_NAME), utf8('flotilla-request')))),
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(0),
  );
  const csr = sequence(info, ECDSA_SHA256_DER, bitString(sign('sha256', info, privateKey)));
  return {
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    csr: pemOf(csr, 'CERTIFICATE REQUEST'),
  };
}
