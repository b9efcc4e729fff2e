/** The options `cluster init` and `cluster join` share (a node's addresses, runtime and limits), and their checks. */
import type { Command } from 'commander';
import { parseContainerNetwork, type NodeSettings } from '../../../daemon/index.js';
import { FlotillaError, invalidArgument } from '../../../lib/errors.js';
import { collect, labels } from '../../format.js';
import { genericResources, parseBytes } from '../service/flags/placement.js';

/** What init's and join's shared options give their action. */
export interface NodeOptions {
  dataDir?: string;
  listen: string;
  advertiseAddr?: string;
  dataPathAddr?: string;
  hostname?: string;
  genericResource: string[];
  engineLabel: string[];
  containerdSocket?: string;
  containerNetwork?: string;
  socketGroup?: string;
  maxImageSize?: string;
  metricsAddr?: string;
  dashboardAddr?: string;
  foreground?: boolean;
}

const ADDR = /^[^:\s]+:\d{1,5}$/;

export const DATA_DIR = [
  '--data-dir <dir>',
  'where the node keeps its state (default: $CLUSTER_DATA_DIR or /var/lib/flotilla)',
] as const;
export const HOSTNAME = [
  '--hostname <name>',
  'the name this node goes by (default: the machine hostname)',
] as const;
export const FOREGROUND = ['--foreground', 'stay attached instead of running in the background'] as const;

const CONTAINERD_SOCKET = [
  '--containerd-socket <path>',
  'containerd socket for running images (default: /run/containerd/containerd.sock if it exists; "" for none)',
] as const;
const CONTAINER_NETWORK = [
  '--container-network <mode>',
  "how containerd's containers are networked: bridge (own namespaces on bridge flotilla0, 10.213.0.0/16), bridge:NAME:CIDR, or host",
] as const;
const ENGINE_LABEL = [
  '--engine-label <KEY=VALUE>',
  "a label of this node's runtime, matched by engine.labels.KEY constraints (repeatable)",
] as const;
const GENERIC_RESOURCE = [
  '--generic-resource <NAME=N>',
  'a named resource this node offers, e.g. gpu=2 (repeatable)',
] as const;
const SOCKET_GROUP = [
  '--socket-group <name>',
  "a group that may use the local control socket (cluster.sock in the data dir) besides the daemon's user",
] as const;
export const DATA_PATH_ADDR = [
  '--data-path-addr <addr>',
  "where other nodes send this node's container traffic (the overlay): an IP or an interface (default: the advertised address)",
] as const;
export const METRICS_ADDR = [
  '--metrics-addr <addr>',
  'where this node serves Prometheus metrics at /metrics, HOST:PORT, without authentication; "" for nowhere (default: the advertised address\'s host, port 9323)',
] as const;
export const DASHBOARD_ADDR = [
  '--dashboard-addr <addr>',
  'where this node, while a manager, serves the web dashboard over HTTPS, HOST:PORT; "none" for nowhere (default: the advertised address\'s host, port 4280)',
] as const;
const MAX_IMAGE_SIZE = [
  '--max-image-size <size>',
  'the largest image archive `cluster image load` may send this node, e.g. 512M (default: 2G)',
] as const;

/** The node's resources, runtime, local socket and image size limit (after its addresses in the help). */
export function addRuntimeOptions(cmd: Command): Command {
  return cmd
    .option(...GENERIC_RESOURCE, collect, [])
    .option(...ENGINE_LABEL, collect, [])
    .option(...CONTAINERD_SOCKET)
    .option(...CONTAINER_NETWORK)
    .option(...SOCKET_GROUP)
    .option(...MAX_IMAGE_SIZE);
}

/**
 * The node's own settings (resources, runtime, local socket, limits, what it serves), checked:
 * what init gives its daemon and join writes in the node's identity.
 */
export function nodeSettings(o: NodeOptions): NodeSettings {
  return {
    genericResources: genericResources(o.genericResource),
    engineLabels: labels('--engine-label', o.engineLabel),
    containerdSocket: o.containerdSocket,
    containerNetwork: checkContainerNetwork(o.containerNetwork),
    socketGroup: o.socketGroup,
    maxImageSize: checkMaxImageSize(o.maxImageSize),
    metricsAddr: checkMetricsAddr(o.metricsAddr),
    dashboardAddr: checkDashboardAddr(o.dashboardAddr),
  };
}

export function checkAddr(flag: string, value: string): string {
  if (!ADDR.test(value))
    throw new FlotillaError(
      'INVALID_ARGUMENT',
      `invalid ${flag}: expected HOST:PORT such as 127.0.0.1:4240, got ${JSON.stringify(value)}`,
    );
  return value;
}

/** `--metrics-addr`: HOST:PORT, or "" to serve no metrics. */
function checkMetricsAddr(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? value : checkAddr('--metrics-addr', value);
}

/** `--dashboard-addr`: HOST:PORT, or "none" (or "") to serve no dashboard, kept as "". */
function checkDashboardAddr(value: string | undefined): string | undefined {
  if (value === 'none' || value === '') return '';
  return value === undefined ? value : checkAddr('--dashboard-addr', value);
}

function checkContainerNetwork(value: string | undefined): string | undefined {
  parseContainerNetwork(value);
  return value;
}

function checkMaxImageSize(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const bytes = parseBytes('--max-image-size', value);
  if (bytes < 1) throw invalidArgument('--max-image-size', 'a size above 0', value);
  return bytes;
}
