/**
 * User-defined overlay networks: created, listed, inspected and removed here; a service
 * joins them by name or id (`--network`), which the API stores as ids. Each network has a
 * VXLAN id of its own and an IPv4 subnet (the user's, or a /24 of NETWORK_POOL); task
 * addresses on it are given by the scheduler (manager/allocator/addresses.ts).
 */
import { FlotillaError, invalidArgument, notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { numberToIpv4, parseSubnet, subnetsOverlap } from '../../lib/ipv4.js';
import type { NetworkInfo } from '../../proto/gen/flotilla/NetworkInfo.js';
import { HOST_IMAGE, type Network, type NetworkSpec, type ServiceSpec } from '../../proto/types.js';
import { DEFAULT_CONTAINER_POOL, parsePool } from '../allocator/subnets.js';
import type { ReadTx, Store, WriteTx } from '../store/types.js';
import { validateLabels, validateName } from './validate.js';

/** Where networks created without --subnet get their /24. */
export const NETWORK_POOL = '10.214.0.0/16';
/** VXLAN ids of user networks start here (the default overlay's is 4213). */
const FIRST_VNI = 4300;
const MAX_VNI = 0xffffff;

export function validateNetworkSpec(spec: NetworkSpec | null | undefined): asserts spec is NetworkSpec {
  if (!spec) throw invalidArgument('spec', 'a network spec');
  validateName(spec.name, 'name');
  if (spec.driver && spec.driver !== 'overlay')
    throw invalidArgument('driver (--driver)', 'overlay', spec.driver);
  if (spec.subnet && !parseSubnet(spec.subnet)) {
    throw invalidArgument(
      'subnet (--subnet)',
      'an IPv4 network in CIDR form with a prefix from /8 to /29, starting at its first address, such as 10.30.0.0/24',
      spec.subnet,
    );
  }
  validateLabels(spec.labels, 'label (--label)');
}

/** Creates the network, its subnet and VXLAN id chosen clear of every other. */
export async function createNetwork(store: Store, spec: NetworkSpec | null | undefined): Promise<Network> {
  validateNetworkSpec(spec);
  const id = newId();
  await store.update((tx) => {
    if (tx.byName('networks', spec.name)) {
      throw new FlotillaError(
        'ALREADY_EXISTS',
        `a network named ${JSON.stringify(spec.name)} already exists`,
      );
    }
    const subnet = spec.subnet ? checkSubnet(tx, spec.subnet) : freeSubnet(tx);
    tx.create('networks', {
      id,
      meta: null,
      spec: { ...spec, driver: 'overlay', subnet },
      vni: freeVni(tx),
    });
  });
  return store.view((tx) => tx.get('networks', id)!);
}

export function resolveNetwork(tx: ReadTx, ref: string): Network {
  const byName = tx.byName('networks', ref);
  if (byName) return byName;
  const matches = tx.all('networks').filter((n) => n.id === ref || (ref && n.id.startsWith(ref)));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1)
    throw invalidArgument(
      'network',
      'a name or an unambiguous id prefix',
      `${ref} (matches ${matches.length})`,
    );
  throw notFound('network', ref);
}

/** A network with the services attached to it and how many tasks hold an address on it. */
export function networkInfo(tx: ReadTx, network: Network): NetworkInfo {
  const services = tx.all('services').filter((s) => s.spec?.task?.networks.includes(network.id));
  const attachedTasks = tx
    .all('tasks')
    .filter((t) => t.networks.some((a) => a.networkId === network.id)).length;
  return { network, services: services.map((s) => s.spec?.name ?? s.id).sort(), attachedTasks };
}

/** Removes a network no service is attached to and no task holds an address on. */
export async function removeNetwork(store: Store, ref: string): Promise<void> {
  await store.update((tx) => {
    const network = resolveNetwork(tx, ref);
    const name = network.spec?.name ?? network.id;
    const { services, attachedTasks } = networkInfo(tx, network);
    if (services.length > 0) {
      throw new FlotillaError(
        'CONFLICT',
        `network ${name} is in use by service${services.length === 1 ? '' : 's'} ${services.join(', ')}: remove ${services.length === 1 ? 'it' : 'them'} first`,
      );
    }
    if (attachedTasks > 0) {
      throw new FlotillaError(
        'CONFLICT',
        `network ${name} still has ${attachedTasks} task${attachedTasks === 1 ? '' : 's'} of removed services on it; they go with their services' removal: retry in a moment`,
      );
    }
    tx.delete('networks', network.id);
  });
}

/**
 * The spec with its networks as ids, each named network existing, once; refused for
 * tasks that cannot have networks (plain processes, containers on the node's network).
 */
export function attachNetworks(tx: WriteTx, spec: ServiceSpec): ServiceSpec {
  const task = spec.task;
  if (!task || task.networks.length === 0) return spec;
  if (task.container?.image === HOST_IMAGE)
    throw invalidArgument(
      'network (--network)',
      'none for the image "host": a plain process runs on the node\'s network',
    );
  if (task.container?.hostNetwork)
    throw invalidArgument(
      'network (--network)',
      "none with --network host: the container shares the node's network",
    );
  const ids = [...new Set(task.networks.map((ref) => resolveNetwork(tx, ref).id))];
  return { ...spec, task: { ...task, networks: ids } };
}

function checkSubnet(tx: ReadTx, subnet: string): string {
  const wanted = parseSubnet(subnet)!;
  const pool = tx.all('clusters')[0]?.spec?.containerPool || DEFAULT_CONTAINER_POOL;
  const { base, prefix } = parsePool(pool);
  if (subnetsOverlap(wanted, { base, prefix })) {
    throw invalidArgument(
      'subnet (--subnet)',
      `a network clear of the cluster's container pool ${pool} (the nodes' default network)`,
      subnet,
    );
  }
  for (const other of tx.all('networks')) {
    const theirs = parseSubnet(other.spec?.subnet ?? '');
    if (theirs && subnetsOverlap(wanted, theirs)) {
      throw invalidArgument(
        'subnet (--subnet)',
        `a network clear of network ${other.spec?.name}'s ${other.spec?.subnet}`,
        subnet,
      );
    }
  }
  return subnet;
}

/** The lowest /24 of NETWORK_POOL clear of every network's subnet. */
function freeSubnet(tx: ReadTx): string {
  const { base, slices } = parsePool(NETWORK_POOL);
  const taken = tx.all('networks').flatMap((n) => parseSubnet(n.spec?.subnet ?? '') ?? []);
  for (let n = 0; n < slices; n++) {
    const slice = { base: base + n * 256, prefix: 24 };
    if (!taken.some((t) => subnetsOverlap(slice, t))) return `${numberToIpv4(slice.base)}/24`;
  }
  throw new FlotillaError(
    'RESOURCE_EXHAUSTED',
    `the network pool ${NETWORK_POOL} has no /24 left: give the network a --subnet of its own, or remove networks no longer used`,
  );
}

function freeVni(tx: ReadTx): number {
  const taken = new Set(tx.all('networks').map((n) => n.vni));
  for (let vni = FIRST_VNI; vni <= MAX_VNI; vni++) if (!taken.has(vni)) return vni;
  throw new FlotillaError('RESOURCE_EXHAUSTED', 'no VXLAN id is left for another network');
}
