/**
 * Mutual TLS under the cluster's CA: the credentials a node or a client holds (renewed in
 * place, so servers and channels pick up a new certificate without restarting), who a
 * caller is by its certificate, and the first contact of a joining node, which trusts the
 * manager's CA only once its digest matches the join token's.
 */
import * as grpc from '@grpc/grpc-js';
import type { ServerSurfaceCall } from '@grpc/grpc-js/build/src/server-call.js';
import type {
  CaCertificateUpdateListener,
  IdentityCertificateUpdateListener,
} from '@grpc/grpc-js/build/src/certificate-provider.js';
import { X509Certificate } from 'node:crypto';
import * as tls from 'node:tls';
import { FlotillaError } from '../lib/errors.js';
import {
  certDigest,
  certSubject,
  subjectOf,
  x509Subject,
  type CertRole,
  type CertSubject,
} from '../lib/pki.js';

/** PEM: the roots to trust, and (but for a node still joining) a certificate chain and its key. */
export interface TlsMaterial {
  ca: string;
  cert?: string;
  key?: string;
}

/** Every certificate names this host; the cluster id in its subject is what is checked. */
export const TLS_SERVER_NAME = 'flotilla';

/**
 * A node's or a client's TLS identity and the roots it trusts, handed to grpc-js as a
 * certificate provider: `update()` reaches every server and channel made from it.
 */
export class TlsCredentials {
  private readonly caListeners = new Set<CaCertificateUpdateListener>();
  private readonly identityListeners = new Set<IdentityCertificateUpdateListener>();
  private server: grpc.ServerCredentials | undefined;
  private channel: grpc.ChannelCredentials | undefined;

  constructor(private current: TlsMaterial) {}

  get material(): TlsMaterial {
    return this.current;
  }

  /** Who this certificate names (undefined before a node has one). */
  get subject(): CertSubject | undefined {
    return this.current.cert ? certSubject(this.current.cert) : undefined;
  }

  update(material: TlsMaterial): void {
    this.current = material;
    for (const l of this.caListeners) l(this.caUpdate());
    for (const l of this.identityListeners) l(this.identityUpdate());
  }

  /** Server side: a client certificate is asked for but optional (joining nodes have none); each service's access rule decides. */
  serverCredentials(): grpc.ServerCredentials {
    return (this.server ??= grpc.experimental.createCertificateProviderServerCredentials(this, this, false));
  }

  channelCredentials(): grpc.ChannelCredentials {
    return (this.channel ??= grpc.experimental.createCertificateProviderChannelCredentials(
      this,
      this.current.cert ? this : null,
      { checkServerIdentity: (_host, cert) => checkPeer(cert, this.clusterId()) },
    ));
  }

  private clusterId(): string | undefined {
    // A node still joining has no certificate: the root it pinned is its only check.
    return this.subject?.clusterId;
  }

  private caUpdate() {
    return { caCertificate: Buffer.from(this.current.ca) };
  }

  private identityUpdate() {
    const { cert, key, ca } = this.current;
    // The chain a server sends ends with the roots, so a joining node can find the one its token names.
    return cert && key ? { certificate: Buffer.from(`${cert}${ca}`), privateKey: Buffer.from(key) } : null;
  }

  // grpc-js's CertificateProvider. A new listener hears the current material a microtask
  // later: grpc-js registers the server that waits for it only after adding the listener.
  addCaCertificateListener(listener: CaCertificateUpdateListener): void {
    this.caListeners.add(listener);
    queueMicrotask(() => this.caListeners.has(listener) && listener(this.caUpdate()));
  }
  removeCaCertificateListener(listener: CaCertificateUpdateListener): void {
    this.caListeners.delete(listener);
  }
  addIdentityCertificateListener(listener: IdentityCertificateUpdateListener): void {
    this.identityListeners.add(listener);
    queueMicrotask(() => this.identityListeners.has(listener) && listener(this.identityUpdate()));
  }
  removeIdentityCertificateListener(listener: IdentityCertificateUpdateListener): void {
    this.identityListeners.delete(listener);
  }
}

/** A server is one of this cluster's nodes (its chain to our roots is checked by TLS itself). */
function checkPeer(cert: tls.PeerCertificate, clusterId: string | undefined): Error | undefined {
  const subject = subjectOf(cert.subject);
  if (!subject || subject.role === 'admin')
    return new Error(`the server's certificate does not name a node: ${JSON.stringify(cert.subject)}`);
  if (clusterId && subject.clusterId !== clusterId) {
    return new Error(`the server belongs to cluster ${subject.clusterId}, not ${clusterId}`);
  }
  return undefined;
}

/** Who made a call over TCP: a certificate's holder, or nobody (no certificate, or one not of this cluster). */
export type Caller =
  | { kind: 'local'; address: 'local socket' }
  | { kind: 'anonymous'; address: string }
  | ({ kind: 'certified'; address: string } & CertSubject);

export function callerOverTls(call: ServerSurfaceCall): Caller {
  const socket = peerSocket(call);
  // A connection's address and certificate never change: its caller is made once, not per call.
  const known = socket && callersBySocket.get(socket);
  if (known) return known;
  const address = call.getPeer();
  const subject = certifiedSubject(call, socket);
  const caller: Caller = subject
    ? { kind: 'certified', address, ...subject }
    : { kind: 'anonymous', address };
  if (socket) callersBySocket.set(socket, caller);
  return caller;
}

/** Callers by the TLS connection they came in on. */
const callersBySocket = new WeakMap<tls.TLSSocket, Caller>();

/**
 * A small map that forgets the entry least recently used once it holds `max`: a Map keeps
 * its keys in insertion order, and an entry used is moved to the end.
 */
export class LruMap<K, V> {
  private readonly entries = new Map<K, V>();
  constructor(private readonly max: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as K);
  }
}

/**
 * Callers' subjects by their certificate's SHA-256 fingerprint (null: names no Flotilla
 * holder). The whole parse that grpc-js's getAuthContext() does on every call happens once
 * per certificate; whether its holder is still welcome is checked per call (see rpc.ts).
 */
export const callerSubjects = new LruMap<string, CertSubject | null>(10_000);

function certifiedSubject(
  call: ServerSurfaceCall,
  socket: tls.TLSSocket | undefined,
): CertSubject | undefined {
  if (!socket) {
    // grpc-js gives the certificate only when it verified against our roots.
    const cert = call.getAuthContext()?.sslPeerCertificate;
    return cert ? subjectOf(cert.subject) : undefined;
  }
  // Like getAuthContext(): a certificate counts only when it verified against our roots.
  const cert = socket.authorized ? socket.getPeerX509Certificate() : undefined;
  if (!cert) return undefined;
  const fingerprint = cert.fingerprint256;
  let subject = callerSubjects.get(fingerprint);
  if (subject === undefined) {
    subject = x509Subject(cert) ?? null;
    callerSubjects.set(fingerprint, subject);
  }
  return subject ?? undefined;
}

/**
 * The TLS connection a call came in on, reached through grpc-js's call objects past its
 * public types (it offers only getAuthContext(), which parses the whole certificate each
 * time); undefined, and the caller found the slow way, if a release of grpc-js changes them.
 */
function peerSocket(call: ServerSurfaceCall): tls.TLSSocket | undefined {
  type Link = { call?: Link; nextCall?: Link; stream?: { session?: { socket?: unknown } } };
  let link = (call as unknown as Link).call;
  for (let depth = 0; link && !link.stream && depth < 8; depth++) link = link.nextCall;
  const socket = link?.stream?.session?.socket;
  return socket instanceof tls.TLSSocket ? socket : undefined;
}

export type { CertRole };

/**
 * The first contact of a joining node: a TLS handshake (nothing sent but the hello) that
 * finds, in the chain the manager presents, the root whose digest the token names, and
 * checks that the manager's certificate is signed by it. Returns that root's PEM, and the
 * local address the connection left from.
 */
export function fetchTrustedCa(
  addr: string,
  digest: string,
  timeoutMs = 10_000,
): Promise<{ ca: string; localAddress: string }> {
  const i = addr.lastIndexOf(':');
  const host = addr.slice(0, i).replace(/^\[|\]$/g, '');
  const port = Number(addr.slice(i + 1));
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host,
      port,
      servername: TLS_SERVER_NAME,
      ALPNProtocols: ['h2'],
      // Not yet: the root to trust is what this handshake is for; it is checked below.
      rejectUnauthorized: false,
      timeout: timeoutMs,
    });
    const fail = (err: FlotillaError) => {
      socket.destroy();
      reject(err);
    };
    socket.once('timeout', () => fail(new FlotillaError('TIMEOUT', `${addr} did not answer in time`)));
    socket.once('error', (err) =>
      fail(new FlotillaError('UNAVAILABLE', `cannot reach ${addr}: ${err.message}`, { cause: err })),
    );
    socket.once('secureConnect', () => {
      try {
        // The address this machine reached the manager from: the others can likely reach it there too.
        const localAddress = socket.localAddress ?? '';
        resolve({ ca: rootFromChain(socket.getPeerCertificate(true), digest, addr), localAddress });
        socket.end();
      } catch (err) {
        fail(err as FlotillaError);
      }
    });
  });
}

function rootFromChain(leaf: tls.DetailedPeerCertificate, digest: string, addr: string): string {
  const chain: X509Certificate[] = [];
  for (let c: tls.DetailedPeerCertificate | undefined = leaf; c?.raw; c = c.issuerCertificate) {
    const cert = new X509Certificate(c.raw);
    if (chain.some((seen) => seen.fingerprint256 === cert.fingerprint256)) break;
    chain.push(cert);
  }
  const root = chain.find((c) => certDigest(c.toString()) === digest);
  const server = chain[0];
  if (!root || !server) {
    throw new FlotillaError(
      'PERMISSION_DENIED',
      `${addr} does not present the CA this join token names: it may be another cluster's manager, or someone in between; check the address and the token`,
    );
  }
  if (!server.checkIssued(root) || !server.verify(root.publicKey)) {
    throw new FlotillaError(
      'PERMISSION_DENIED',
      `${addr}'s certificate is not signed by the CA the join token names`,
    );
  }
  return root.toString();
}
