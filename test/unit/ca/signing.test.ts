/**
 * Certificates signed with node:crypto and requests checked the same way: what the CA signs
 * chains to its root and says what the node record keeps of it; requests that are not a P-256
 * key's own are refused naming why. (TLS with these certificates: authority.test.ts.)
 */
import test from 'ava';
import { createPrivateKey, generateKeyPairSync, sign, X509Certificate } from 'node:crypto';
import { issueDescribed, newRootCa } from '../../../manager/ca/authority.js';
import { newKeyAndRequestSync, pemOf, requestedKey } from '../../../manager/ca/requests.js';
import { bitString, childrenOf, explicit, readElement, sequence } from '../../../manager/ca/der.js';
import { describeCert, newKeyAndRequest, splitPem } from '../../../lib/pki.js';

const subject = { id: 'n1', role: 'worker' as const, clusterId: 'c1' };
const DAY = 24 * 3600_000;

test('a node certificate chains to the root, holds the requested key and is described as describeCert reads it', async (t) => {
  const root = await newRootCa('c1');
  for (const { key, csr } of [newKeyAndRequestSync(), await newKeyAndRequest()]) {
    const signed = await issueDescribed(root, csr, subject, { expiryMs: 90 * DAY });
    const cert = new X509Certificate(splitPem(signed.cert)[0]!);
    const ca = new X509Certificate(root.cert);
    t.true(cert.checkIssued(ca) && cert.verify(ca.publicKey));
    t.true(cert.checkPrivateKey(createPrivateKey(key)));
    t.false(cert.checkPrivateKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey));
    t.false(cert.ca);
    t.is(cert.keyUsage?.join(','), '1.3.6.1.5.5.7.3.1,1.3.6.1.5.5.7.3.2');
    const { expiresAtMs, issuer, serial } = describeCert(signed.cert);
    t.deepEqual(
      { expiresAtMs, issuer, serial },
      { expiresAtMs: signed.expiresAtMs, issuer: signed.issuer, serial: signed.serial },
    );
    t.like(describeCert(signed.cert), subject);
  }
});

test('alternative names are written when asked for, and expiry dates from 2050 on are kept', async (t) => {
  const root = await newRootCa('c1');
  const { csr } = newKeyAndRequestSync();
  const signed = await issueDescribed(root, csr, subject, {
    expiryMs: 40 * 365 * DAY,
    altNames: { ip: ['127.0.0.1'], dns: ['etcd-1'] },
  });
  const cert = new X509Certificate(splitPem(signed.cert)[0]!);
  t.is(cert.subjectAltName, 'IP Address:127.0.0.1, DNS:etcd-1');
  t.true(new Date(cert.validTo).getUTCFullYear() >= 2060);
  t.is(Date.parse(cert.validTo), signed.expiresAtMs);
});

test('a request is refused when it is not one, not for a P-256 key, or not signed by its key', (t) => {
  t.throws(() => requestedKey('garbage'), { message: /^csr: expected a PEM certificate request/ });
  const { csr } = newKeyAndRequestSync();
  const der = Buffer.from(csr.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const [info, alg] = childrenOf(der, readElement(der));
  const resigned = (signature: Buffer) =>
    pemOf(
      sequence(
        der.subarray(info!.start, info!.end),
        der.subarray(alg!.start, alg!.end),
        bitString(signature),
      ),
      'CERTIFICATE REQUEST',
    );
  t.throws(() => requestedKey(resigned(Buffer.from('3006020101020101', 'hex'))), {
    message: /^csr: its signature does not match its key/,
  });
  // A P-384 key's request, well formed and signed by its key.
  const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const p384Info = sequence(
    Buffer.from([0x02, 0x01, 0x00]),
    sequence(),
    p384.publicKey.export({ type: 'spki', format: 'der' }),
    explicit(0),
  );
  const p384Request = sequence(
    p384Info,
    der.subarray(alg!.start, alg!.end),
    bitString(sign('sha256', p384Info, p384.privateKey)),
  );
  t.throws(() => requestedKey(pemOf(p384Request, 'CERTIFICATE REQUEST')), {
    message: /^csr: expected a request for a P-256 ECDSA key/,
  });
  t.truthy(requestedKey(csr).key);
});
