/**
 * Container subnets: every node gets a /24 of the cluster's pool of its own (stored with
 * the node, so removing the node frees it), and its containers' addresses are then unique
 * in the cluster and routable from every node over the overlay.
 */
import { FlotillaError } from '../../lib/errors.js';
import { ipv4ToNumber, numberToIpv4 } from '../../lib/ipv4.js';
import type { Cluster } from '../../proto/types.js';
import type { ReadTx } from '../store/types.js';

export const DEFAULT_CONTAINER_POOL = '10.213.0.0/16';
const SLICE_PREFIX = 24;

/** The first address and size of an IPv4 pool written as CIDR with a prefix of 8 to 24. */
export function parsePool(cidr: string): { base: number; slices: number } {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(cidr);
  const prefix = Number(m?.[2]);
  const base = m ? ipv4ToNumber(m[1]!) : 0;
  const aligned =
    prefix >= 8 && prefix <= SLICE_PREFIX && ((base >>> (32 - prefix)) << (32 - prefix)) >>> 0 === base;
  if (!m || !aligned || m[1]!.split('.').some((o) => Number(o) > 255)) {
    throw new FlotillaError(
      'INVALID_ARGUMENT',
      `invalid container address pool: expected an IPv4 CIDR with a prefix from /8 to /24 such as 10.213.0.0/16, got ${JSON.stringify(cidr)}`,
    );
  }
  return { base, slices: 2 ** (SLICE_PREFIX - prefix) };
}

/** The n-th /24 of the pool. */
export const sliceOf = (pool: string, n: number) =>
  `${numberToIpv4(parsePool(pool).base + n * 256)}/${SLICE_PREFIX}`;

/** The lowest /24 of the cluster's pool that no node holds. */
export function freeSubnet(tx: ReadTx, cluster: Cluster): string {
  const pool = cluster.spec?.containerPool || DEFAULT_CONTAINER_POOL;
  const taken = new Set(tx.all('nodes').map((n) => n.containerSubnet));
  const { slices } = parsePool(pool);
  for (let n = 0; n < slices; n++) {
    const subnet = sliceOf(pool, n);
    if (!taken.has(subnet)) return subnet;
  }
  throw new FlotillaError(
    'RESOURCE_EXHAUSTED',
    `the container address pool ${pool} has no /24 left for another node (${slices} nodes hold one): remove nodes that are gone (\`cluster node rm\`)`,
  );
}
