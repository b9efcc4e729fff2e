/**
 * How a node's containers are networked (`cluster init|join --container-network`):
 * `bridge` (the default) gives each container its own network namespace on the node bridge
 * flotilla0 with addresses from 10.213.0.0/16 (clear of Docker's 172.17.0.0/16);
 * `bridge:NAME:CIDR` names another bridge and subnet; `host` shares the node's network.
 */
import { invalidArgument } from '../lib/errors.js';
import { numberToIpv4, parseSubnet } from '../lib/ipv4.js';

export const DEFAULT_BRIDGE = 'flotilla0';
export const DEFAULT_BRIDGE_SUBNET = '10.213.0.0/16';

export type ContainerNetworkConfig = { mode: 'host' } | { mode: 'bridge'; bridge: string; subnet: string };

const EXPECTED = 'bridge, bridge:NAME:CIDR (e.g. bridge:flotilla0:10.213.0.0/16) or host';
const BRIDGE_NAME = /^[A-Za-z0-9_.-]{1,15}$/;

export function parseContainerNetwork(value: string | undefined): ContainerNetworkConfig {
  if (value === undefined || value === 'bridge')
    return { mode: 'bridge', bridge: DEFAULT_BRIDGE, subnet: DEFAULT_BRIDGE_SUBNET };
  if (value === 'host') return { mode: 'host' };
  const [mode, bridge = '', subnet = '', ...rest] = value.split(':');
  if (mode !== 'bridge' || rest.length > 0 || !BRIDGE_NAME.test(bridge) || !parseSubnet(subnet))
    throw invalidArgument('--container-network', EXPECTED, value);
  return { mode: 'bridge', bridge, subnet };
}

/** The subnet's first address: the bridge's own, the containers' gateway. */
export function gatewayOf(cidr: string): string {
  const parsed = parseSubnet(cidr);
  if (!parsed) throw invalidArgument('subnet', 'an IPv4 CIDR such as 10.213.0.0/16', cidr);
  return numberToIpv4(parsed.base + 1);
}
