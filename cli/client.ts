/**
 * The CLI's connection to a manager: the local node's unix socket, or a manager at
 * --host / $CLUSTER_HOST (HOST:PORT or tcp://HOST:PORT) with the admin client certificate in --cert-path / $CLUSTER_CERT_PATH
 * (made by `cluster ca issue-client`).
 */
import { FlotillaError, invalidArgument } from '../lib/errors.js';
import { newKeyAndRequest } from '../lib/pki.js';
import type { ControlClient } from '../proto/gen/flotilla/Control.js';
import { wire } from '../proto/load.js';
import { acceptStaleReads, call, connect } from '../proto/rpc.js';
import { TlsCredentials } from '../proto/tls.js';
import { dataDirFrom, paths, readTlsDir } from '../daemon/index.js';

export interface Target {
  host?: string;
  dataDir?: string;
  certPath?: string;
  /** Without a quorum, reads answer from the manager's own copy (`--stale-ok`). */
  staleOk?: boolean;
}

const credentialsOf = new WeakMap<ControlClient, TlsCredentials>();

/** A manager's address as given to --host or $CLUSTER_HOST: HOST:PORT, or docker's tcp://HOST:PORT. */
export function managerAddress(given: string, field = '--host'): string {
  const addr = given.startsWith('tcp://') ? given.slice('tcp://'.length).replace(/\/$/, '') : given;
  if (!/^[^/:\s]+:\d+$/.test(addr) && !/^\[[0-9a-fA-F:.]+\]:\d+$/.test(addr)) {
    throw invalidArgument(field, 'HOST:PORT or tcp://HOST:PORT, such as tcp://10.0.0.1:4240', given);
  }
  return addr;
}

export function controlClient(t: Target): { client: ControlClient; addr: string } {
  const given = t.host ?? process.env.CLUSTER_HOST;
  const host = given && managerAddress(given, t.host === undefined ? '$CLUSTER_HOST' : '--host');
  const interceptors = t.staleOk ? [acceptStaleReads] : [];
  if (!host) {
    const addr = `unix:${paths(dataDirFrom(t.dataDir)).socket}`;
    return { client: connect(wire.flotilla.Control, addr, undefined, interceptors), addr };
  }
  const certPath = t.certPath ?? process.env.CLUSTER_CERT_PATH;
  if (!certPath) {
    throw new FlotillaError(
      'UNAUTHENTICATED',
      `talking to ${host} takes an admin client certificate: make one with \`cluster ca issue-client --out DIR\` on a manager, then pass --cert-path DIR (or set CLUSTER_CERT_PATH)`,
    );
  }
  const tls = new TlsCredentials(readTlsDir(certPath));
  const client = connect(wire.flotilla.Control, host, tls, interceptors);
  credentialsOf.set(client, tls);
  return { client, addr: host };
}

/** A short-lived admin certificate, for reaching nodes directly from a CLI on the local socket. */
const EPHEMERAL_EXPIRY_MS = 3600_000;

/**
 * What the CLI shows nodes it calls directly (node-local operations): its client
 * certificate, or one the local manager issues for this run.
 */
export async function adminCredentials(control: ControlClient): Promise<TlsCredentials> {
  const own = credentialsOf.get(control);
  if (own) return own;
  const { key, csr } = await newKeyAndRequest();
  const issued = await call(control, control.IssueClientCertificate, { csr, expiryMs: EPHEMERAL_EXPIRY_MS });
  return new TlsCredentials({ ...issued, key });
}
