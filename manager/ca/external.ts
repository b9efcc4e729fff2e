/**
 * Signing by an external CA (`cluster init --external-ca protocol=cfssl,url=URL`): the
 * request goes to its CFSSL sign API with the subject the managers decided; what comes back
 * is checked to be signed by the cluster's root and to name that subject before it is used.
 */
import { X509Certificate } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import { FlotillaError } from '../../lib/errors.js';
import { certSubject, splitPem, type CertSubject } from '../../lib/pki.js';
import type { ExternalCA } from '../../proto/gen/flotilla/ExternalCA.js';

const TIMEOUT_MS = 15_000;

interface SignResponse {
  success?: boolean;
  result?: { certificate?: string };
  errors?: { message?: string }[];
}

export async function externalSign(
  ca: ExternalCA,
  rootPem: string,
  csr: string,
  subject: CertSubject,
): Promise<string> {
  const body = {
    certificate_request: csr,
    subject: { CN: subject.id, names: [{ O: subject.clusterId, OU: subject.role }] },
  };
  const res = (await postJson(ca, body)) as SignResponse;
  const cert = res.result?.certificate;
  if (!res.success || !cert) {
    const why = res.errors?.map((e) => e.message).join('; ') || 'no certificate in its answer';
    throw new FlotillaError('UNAVAILABLE', `the external CA at ${ca.url} did not sign: ${why}`);
  }
  checkIssued(ca.url, cert, rootPem, subject);
  return cert.endsWith('\n') ? cert : `${cert}\n`;
}

/** What the external CA returned must chain to the cluster's root and name whom it was asked for. */
function checkIssued(url: string, certPem: string, rootPem: string, subject: CertSubject): void {
  const cert = new X509Certificate(certPem);
  const root = new X509Certificate(splitPem(rootPem)[0]!);
  if (!cert.checkIssued(root) || !cert.verify(root.publicKey)) {
    throw new FlotillaError(
      'UNAVAILABLE',
      `the external CA at ${url} signed with another key than the cluster's root (--ca-cert)`,
    );
  }
  const named = certSubject(certPem);
  if (named?.id !== subject.id || named.role !== subject.role || named.clusterId !== subject.clusterId) {
    throw new FlotillaError(
      'UNAVAILABLE',
      `the external CA at ${url} did not keep the subject it was given (CN=${subject.id}, OU=${subject.role}, O=${subject.clusterId}): check that its profile allows the sign request's subject`,
    );
  }
}

function postJson(ca: ExternalCA, body: unknown): Promise<unknown> {
  const url = new URL(ca.url);
  const data = JSON.stringify(body);
  const options: https.RequestOptions = {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
    timeout: TIMEOUT_MS,
    ...(ca.serverCa ? { ca: ca.serverCa } : {}),
  };
  const send = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const fail = (why: string) =>
      reject(new FlotillaError('UNAVAILABLE', `cannot reach the external CA at ${ca.url}: ${why}`));
    const req = send(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch {
          fail(`HTTP ${res.statusCode} with an answer that is not JSON`);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer in ${TIMEOUT_MS / 1000} s`)));
    req.on('error', (err) => fail(err.message));
    req.end(data);
  });
}
