/**
 * Container subnets: every node gets a subnet of the cluster's pool of its own (a /24 unless
 * `cluster init --default-addr-pool-mask-length` says otherwise), stored with the node, so
 * removing the node frees it; its containers' addresses are then unique in the cluster and
 * routable from every node over the overlay.
 *
 * The cluster stores its pool as one string: the CIDR, followed by `;mask=N` when a node's
 * subnet is not a /24 (clusters made before the mask could be chosen store the CIDR alone).
 */
import { FlotillaError, invalidArgument } from '../../lib/errors.js';
import { ipv4ToNumber, numberToIpv4 } from '../../lib/ipv4.js';
import type { Cluster } from '../../proto/types.js';
import type { ReadTx } from '../store/types.js';

/** 16,384 nodes of a /24 each, clear of the standalone bridge's 10.213/16 and the networks' 10.214/16. */
export const DEFAULT_CONTAINER_POOL = '10.64.0.0/10';
export const DEFAULT_NODE_SUBNET_PREFIX = 24;
/** A node's subnet holds at least its gateway and 13 containers. */
const MAX_NODE_SUBNET_PREFIX = 28;
const MIN_POOL_PREFIX = 8;

export interface ContainerPool {
  /** The pool's first address, as a number. */
  base: number;
  /** The pool's prefix length, and that of each node's subnet. */
  prefix: number;
  mask: number;
  /** How many nodes it holds: 2^(mask - prefix). */
  slices: number;
}

const POOL_FLAG = '--default-addr-pool';
const MASK_FLAG = '--default-addr-pool-mask-length';

function parseMask(text: string, poolPrefix: number): number {
  const mask = /^\d{1,2}$/.test(text) ? Number(text) : NaN;
  const low = Math.max(poolPrefix, MIN_POOL_PREFIX);
  if (!(mask >= low && mask <= MAX_NODE_SUBNET_PREFIX)) {
    throw invalidArgument(
      MASK_FLAG,
      `a prefix length from ${low} (the pool's own) to ${MAX_NODE_SUBNET_PREFIX}, the size of each node's container subnet`,
      text,
    );
  }
  return mask;
}

function parseCidr(cidr: string): { base: number; prefix: number } {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(cidr);
  const prefix = Number(m?.[2]);
  const base = m ? ipv4ToNumber(m[1]!) : 0;
  const aligned =
    prefix >= MIN_POOL_PREFIX &&
    prefix <= MAX_NODE_SUBNET_PREFIX &&
    ((base >>> (32 - prefix)) << (32 - prefix)) >>> 0 === base;
  if (!m || !aligned || m[1]!.split('.').some((o) => Number(o) > 255)) {
    throw invalidArgument(
      POOL_FLAG,
      `an IPv4 CIDR with a prefix from /${MIN_POOL_PREFIX} to /${MAX_NODE_SUBNET_PREFIX}, its address the first of the range, such as ${DEFAULT_CONTAINER_POOL}`,
      cidr,
    );
  }
  return { base, prefix };
}

/**
 * The pool as the cluster stores it, from `--default-addr-pool` and
 * `--default-addr-pool-mask-length` (either may be left out: the defaults).
 */
export function containerPoolValue(cidr = DEFAULT_CONTAINER_POOL, mask?: string): string {
  const { prefix } = parseCidr(cidr);
  const bits = parseMask(mask ?? String(Math.max(prefix, DEFAULT_NODE_SUBNET_PREFIX)), prefix);
  return bits === DEFAULT_NODE_SUBNET_PREFIX ? cidr : `${cidr};mask=${bits}`;
}

/** A pool as the cluster stores it (see containerPoolValue). */
export function parsePool(value: string): ContainerPool {
  const [cidr = '', option] = value.split(';');
  const { base, prefix } = parseCidr(cidr);
  const maskText =
    option === undefined ? String(DEFAULT_NODE_SUBNET_PREFIX) : /^mask=(.*)$/.exec(option)?.[1];
  const mask = parseMask(maskText ?? option!, prefix);
  return { base, prefix, mask, slices: 2 ** (mask - prefix) };
}

/** The cluster's pool, as stored (clusters always store one; an empty one is the default). */
export const poolOf = (cluster: Cluster | undefined): string =>
  cluster?.spec?.containerPool || DEFAULT_CONTAINER_POOL;

/** The n-th node subnet of the pool. */
export function sliceOf(pool: string, n: number): string {
  const { base, mask } = parsePool(pool);
  return `${numberToIpv4(base + n * 2 ** (32 - mask))}/${mask}`;
}

/**
 * Up to `count` subnets of the cluster's pool that no node holds, for as many joins written
 * at once (fewer when the pool has no more), looked for from the `from`-th subnet on and then
 * from the first: a writer that starts after the last subnet it gave looks at a few subnets
 * per node instead of every subnet below the first free one. `next` is where to start next.
 */
export function freeSubnets(
  tx: ReadTx,
  cluster: Cluster,
  count: number,
  from = 0,
): { subnets: string[]; next: number } {
  const { base, mask, slices } = parsePool(poolOf(cluster));
  const size = 2 ** (32 - mask);
  const taken = new Set<string>();
  for (const node of tx.all('nodes')) taken.add(node.containerSubnet);
  const subnets: string[] = [];
  let n = from % slices;
  for (let looked = 0; looked < slices && subnets.length < count; looked++, n = (n + 1) % slices) {
    const subnet = `${numberToIpv4(base + n * size)}/${mask}`;
    if (!taken.has(subnet)) subnets.push(subnet);
  }
  return { subnets, next: n };
}

/** The refusal of a node the pool has no subnet left for. */
export function poolExhausted(cluster: Cluster): FlotillaError {
  const pool = poolOf(cluster);
  const { slices, mask } = parsePool(pool);
  return new FlotillaError(
    'RESOURCE_EXHAUSTED',
    `the container address pool ${pool} has no /${mask} left for another node (${slices} nodes hold one): remove nodes that are gone (\`cluster node rm\`)`,
  );
}
