/** The options `cluster init` and `cluster join` share (a node's addresses, runtime and limits), and their checks. */
import { FlotillaError, invalidArgument } from '../../../lib/errors.js';
import { parseContainerNetwork } from '../../../daemon/index.js';
import { parseBytes } from '../service/flags/placement.js';

const ADDR = /^[^:\s]+:\d{1,5}$/;

export const CONTAINERD_SOCKET = [
  '--containerd-socket <path>',
  'containerd socket for running images (default: /run/containerd/containerd.sock if it exists; "" for none)',
] as const;
export const CONTAINER_NETWORK = [
  '--container-network <mode>',
  "how containerd's containers are networked: bridge (own namespaces on bridge flotilla0, 10.213.0.0/16), bridge:NAME:CIDR, or host",
] as const;
export const ENGINE_LABEL = [
  '--engine-label <KEY=VALUE>',
  "a label of this node's runtime, matched by engine.labels.KEY constraints (repeatable)",
] as const;
export const GENERIC_RESOURCE = [
  '--generic-resource <NAME=N>',
  'a named resource this node offers, e.g. gpu=2 (repeatable)',
] as const;
export const SOCKET_GROUP = [
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
export const MAX_IMAGE_SIZE = [
  '--max-image-size <size>',
  'the largest image archive `cluster image load` may send this node, e.g. 512M (default: 2G)',
] as const;

export function checkAddr(flag: string, value: string): string {
  if (!ADDR.test(value))
    throw new FlotillaError(
      'INVALID_ARGUMENT',
      `invalid ${flag}: expected HOST:PORT such as 127.0.0.1:4240, got ${JSON.stringify(value)}`,
    );
  return value;
}

/** `--metrics-addr`: HOST:PORT, or "" to serve no metrics. */
export function checkMetricsAddr(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? value : checkAddr('--metrics-addr', value);
}

/** `--dashboard-addr`: HOST:PORT, or "none" (or "") to serve no dashboard, kept as "". */
export function checkDashboardAddr(value: string | undefined): string | undefined {
  if (value === 'none' || value === '') return '';
  return value === undefined ? value : checkAddr('--dashboard-addr', value);
}

export function checkContainerNetwork(value: string | undefined): string | undefined {
  parseContainerNetwork(value);
  return value;
}

export function checkMaxImageSize(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const bytes = parseBytes('--max-image-size', value);
  if (bytes < 1) throw invalidArgument('--max-image-size', 'a size above 0', value);
  return bytes;
}
