/** The node's choice of container network, and what it does to a container's OCI spec. */
import test from 'ava';
import { isFlotillaError } from '../../../lib/errors.js';
import {
  DEFAULT_BRIDGE,
  DEFAULT_BRIDGE_SUBNET,
  gatewayOf,
  parseContainerNetwork,
} from '../../../runtime/container-network.js';
import { ociSpec, type SpecInput } from '../../../runtime/containerd/oci-spec.js';

test('--container-network: bridge by default, a named bridge and subnet, or host', (t) => {
  const bridge = { mode: 'bridge', bridge: DEFAULT_BRIDGE, subnet: DEFAULT_BRIDGE_SUBNET };
  t.deepEqual(parseContainerNetwork(undefined), bridge);
  t.deepEqual(parseContainerNetwork('bridge'), bridge);
  t.deepEqual(parseContainerNetwork('host'), { mode: 'host' });
  t.deepEqual(parseContainerNetwork('bridge:br1:10.1.2.0/24'), {
    mode: 'bridge',
    bridge: 'br1',
    subnet: '10.1.2.0/24',
  });
  t.false(DEFAULT_BRIDGE_SUBNET.startsWith('172.17.'), "clear of Docker's default bridge");
});

test('--container-network: bad values name the flag and what is expected', (t) => {
  for (const bad of [
    'none',
    'bridge:',
    'bridge:br1',
    'bridge:br1:10.1.2.0',
    'bridge:br1:10.1.2.3/24', // host bits set
    'bridge:br1:10.1.2.0/31', // no room for containers
    'bridge:a-name-longer-than-15:10.1.2.0/24',
    'bridge:br1:10.1.2.0/24:x',
  ]) {
    const err = t.throws(() => parseContainerNetwork(bad), undefined, bad);
    t.true(isFlotillaError(err, 'INVALID_ARGUMENT'), bad);
    t.regex(err?.message ?? '', /--container-network/);
  }
});

test('the gateway is the first address of the subnet', (t) => {
  t.is(gatewayOf('10.213.0.0/16'), '10.213.0.1');
  t.is(gatewayOf('192.168.7.0/24'), '192.168.7.1');
});

const input: SpecInput = {
  id: 'a'.repeat(32),
  image: { Cmd: ['sh'] },
  spec: { image: 'busybox', command: [], env: {}, labels: {} },
  user: { uid: 0, gid: 0, home: '/root' },
  cgroupsPath: '/flotilla/x',
  swapAccounting: false,
};

interface Spec {
  mounts: { destination: string; source: string }[];
  linux: { namespaces: { type: string; path?: string }[] };
}

test('a container on the node network shares its namespace and name resolution', (t) => {
  const spec = ociSpec(input) as unknown as Spec;
  t.false(spec.linux.namespaces.some((n) => n.type === 'network'));
  const resolv = spec.mounts.find((m) => m.destination === '/etc/resolv.conf');
  t.is(resolv?.source, '/etc/resolv.conf');
});

test('a container with its own network joins its namespace and gets its own hosts and resolv.conf', (t) => {
  const network = { netns: '/n/netns/x', resolvConf: '/n/resolv.conf', hosts: '/logs/x/hosts' };
  const spec = ociSpec({ ...input, network }) as unknown as Spec;
  t.deepEqual(
    spec.linux.namespaces.find((n) => n.type === 'network'),
    { type: 'network', path: '/n/netns/x' },
  );
  const source = (dest: string) => spec.mounts.find((m) => m.destination === dest)?.source;
  t.is(source('/etc/resolv.conf'), '/n/resolv.conf');
  t.is(source('/etc/hosts'), '/logs/x/hosts');
});
