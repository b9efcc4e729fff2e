/**
 * What a node keeps in its data dir: its identity (node.json), the manager's Raft log and snapshots, the
 * daemon's log, the local control socket and the runtime drivers' state.
 */
import { readFileSync } from 'node:fs';
import { readFile, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { FlotillaError } from '../lib/errors.js';

/** A node's own settings, as `cluster init` and `join` take them: what it offers and serves, how it runs containers. */
export interface NodeSettings {
  /** Named resources this node offers (`--generic-resource gpu=2`), reported in its description. */
  genericResources?: Record<string, number>;
  /** Labels of this node's runtime (`--engine-label k=v`), matched by engine.labels constraints. */
  engineLabels?: Record<string, string>;
  /** containerd's socket (`--containerd-socket`; "" for none); unset: the default one if it exists. */
  containerdSocket?: string;
  /** How containers are networked (`--container-network`: bridge, bridge:NAME:CIDR or host); unset: bridge. */
  containerNetwork?: string;
  /** The group that may use the local control socket besides the daemon's user (`--socket-group`). */
  socketGroup?: string;
  /** The largest image archive this node takes, in bytes (`--max-image-size`); unset: 2 GiB. */
  maxImageSize?: number;
  /**
   * Where the node serves its Prometheus metrics (`--metrics-addr`, HOST:PORT; "" for nowhere);
   * unset: its advertised address's host, port 9323.
   */
  metricsAddr?: string;
  /**
   * Where a manager serves the web dashboard (`--dashboard-addr`, HOST:PORT; "" for nowhere);
   * unset: its advertised address's host, port 4280.
   */
  dashboardAddr?: string;
}

export interface NodeIdentity extends NodeSettings {
  nodeId: string;
  clusterId: string;
  role: 'MANAGER' | 'WORKER';
  /** Address the daemon listens on (binds). */
  listen: string;
  /** Address the other nodes dial (never a wildcard); unset in data dirs made before it: `listen`. */
  advertise?: string;
  hostname: string;
  /** Managers to open sessions with (kept current as the cluster tells). */
  managers: string[];
  /** A manager's id in the Raft group of managers. */
  raftId?: number;
  /** For a manager that has joined but not yet started: where the group's members are. */
  raftPeers?: { id: number; address: string }[];
  /** For a manager of a cluster whose state etcd keeps (instead of the managers' Raft group). */
  etcd?: { endpoints: string[]; prefix: string };
  /** The node's slice of the cluster's container pool (its bridge's subnet when containerNetwork is unset). */
  containerSubnet?: string;
  /** Where the node's overlay traffic arrives (`--data-path-addr`, an IP); unset: its advertised address's. */
  dataPathAddr?: string;
}

/** Where the other nodes reach this one. */
export const advertised = (id: NodeIdentity): string => id.advertise ?? id.listen;

export const paths = (dataDir: string) => ({
  identity: join(dataDir, 'node.json'),
  raft: join(dataDir, 'raft'),
  log: join(dataDir, 'daemon.log'),
  socket: join(dataDir, 'cluster.sock'),
  pid: join(dataDir, 'daemon.pid'),
  processRuntime: join(dataDir, 'runtime', 'process'),
  containerdRuntime: join(dataDir, 'runtime', 'containerd'),
  uploads: join(dataDir, 'runtime', 'uploads'),
  volumes: join(dataDir, 'runtime', 'volumes'),
  /** The node's TLS identity: its key, its certificate and the cluster's roots. */
  certs: join(dataDir, 'certs'),
});

const DEFAULT_DATA_DIR = '/var/lib/flotilla';

export function dataDirFrom(flag: string | undefined): string {
  return flag ?? process.env.CLUSTER_DATA_DIR ?? DEFAULT_DATA_DIR;
}

export async function readIdentity(dataDir: string): Promise<NodeIdentity | undefined> {
  try {
    return JSON.parse(await readFile(paths(dataDir).identity, 'utf8')) as NodeIdentity;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new FlotillaError('CORRUPT', `cannot read ${paths(dataDir).identity}: ${(err as Error).message}`);
  }
}

export async function writeIdentity(dataDir: string, id: NodeIdentity): Promise<void> {
  const file = paths(dataDir).identity;
  await writeFile(`${file}.tmp`, JSON.stringify(id, null, 2) + '\n', { mode: 0o600 });
  await rename(`${file}.tmp`, file);
}

/** Whether a process with this id exists. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether the daemon that wrote the data dir's pid file still runs. */
export function daemonRunning(dataDir: string): boolean {
  try {
    return processAlive(Number(readFileSync(paths(dataDir).pid, 'utf8').trim()));
  } catch {
    return false;
  }
}
