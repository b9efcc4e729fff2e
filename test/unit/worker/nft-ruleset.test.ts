/**
 * The mesh's kernel path as text: the nftables table made from an endpoint table, and the
 * batches that follow its changes (pure functions, and KernelMesh with its nft recorded).
 */
import test from 'ava';
import { silentLogger } from '../../../lib/log.js';
import type { ServiceEndpoints } from '../../../proto/gen/flotilla/ServiceEndpoints.js';
import type { EndpointChanges } from '../../../proto/gen/flotilla/EndpointChanges.js';
import { KernelMesh, type KernelSystem } from '../../../worker/mesh/kernel-mesh.js';
import {
  kernelPorts,
  portChanges,
  portRule,
  tableName,
  tableRuleset,
  type NftPort,
} from '../../../worker/mesh/nft-ruleset.js';

/** A service published on tcp `port` (and udp when asked), its tasks at `addrs` on node n1 or, after a '@', another. */
function service(id: string, port: number, addrs: string[], udp = false): ServiceEndpoints {
  const protocols = udp ? (['TCP', 'UDP'] as const) : (['TCP'] as const);
  return {
    serviceId: id,
    serviceName: `web-${id}`,
    ports: protocols.map((protocol) => ({
      publishedPort: port,
      targetPort: 80,
      protocol,
      mode: 'INGRESS' as const,
    })),
    lb: 'ROUND_ROBIN',
    proxyProtocol: false,
    mesh: 'MESH_AUTO',
    tasks: addrs.map((spec, i) => {
      const [addr = '', node = 'n1'] = spec.split('@');
      return {
        taskId: `${id}.${i}`,
        nodeId: node,
        ports: protocols.map((protocol) => ({ targetPort: 80, protocol, addr })),
        networkAddrs: {},
      };
    }),
  };
}

const port = (p: number, ...targets: string[]): NftPort => ({
  protocol: 'tcp',
  port: p,
  lb: 'ROUND_ROBIN',
  targets: targets.map((t) => {
    const [addr = '', node] = t.split('@');
    const [host = '', n = ''] = addr.split(':');
    return { host, port: Number(n), remote: node !== undefined };
  }),
});

test('ingress ports with their tasks; tasks of other nodes are remote; host-mode ports are not the mesh’s', (t) => {
  const s = service('a', 30000, ['10.0.0.1:8080', '10.0.0.2:8080@n2'], true);
  s.ports.push({ publishedPort: 9000, targetPort: 90, protocol: 'TCP', mode: 'HOST' });
  t.deepEqual(kernelPorts(s, 'n1'), [
    {
      protocol: 'tcp',
      port: 30000,
      lb: 'ROUND_ROBIN',
      targets: [
        { host: '10.0.0.1', port: 8080, remote: false },
        { host: '10.0.0.2', port: 8080, remote: true },
      ],
    },
    {
      protocol: 'udp',
      port: 30000,
      lb: 'ROUND_ROBIN',
      targets: [
        { host: '10.0.0.1', port: 8080, remote: false },
        { host: '10.0.0.2', port: 8080, remote: true },
      ],
    },
  ]);
  t.is(
    kernelPorts(service('b', 30001, ['[::1]:8080']), 'n1'),
    undefined,
    'IPv6 tasks are not for the kernel path',
  );
});

test('a port DNATs to its one task, round-robin over several, and has no rule without tasks', (t) => {
  t.is(portRule(port(30000)), undefined);
  t.is(
    portRule(port(30000, '10.0.0.1:8080')),
    'ct mark set ct mark or 0x01000000 counter name "conn_tcp" meta l4proto tcp dnat ip to 10.0.0.1:8080',
  );
  t.is(
    portRule(port(30000, '10.0.0.1:8080', '10.0.0.2:9090')),
    'ct mark set ct mark or 0x01000000 counter name "conn_tcp" meta l4proto tcp dnat ip to numgen inc mod 2 map { 0 : 10.0.0.1 . 8080, 1 : 10.0.0.2 . 9090 }',
  );
});

/** The lines of a chain in a table's text, trimmed. */
function chainBody(text: string, chain: string): string {
  const body = new RegExp(`chain ${chain} \\{\\n([^}]*)\\n  \\}`).exec(text)?.[1] ?? '';
  return body
    .split('\n')
    .map((l) => l.trim())
    .join('\n');
}

test('the whole table: the hosts served, both hooks, masquerading of remote and hairpin tasks, each port', (t) => {
  const text = tableRuleset(
    'flotilla_10_1_0_2_4240',
    { hosts: ['10.1.0.2', '10.213.4.1'], loopback: false },
    [port(30000, '10.1.0.2:31000', '10.1.0.3:31001@n2')],
  );
  t.true(
    text.startsWith('add table inet flotilla_10_1_0_2_4240\ndelete table inet flotilla_10_1_0_2_4240\n'),
  );
  t.regex(text, /set hosts \{ type ipv4_addr; elements = \{ 10\.1\.0\.2, 10\.213\.4\.1 \} \}/);
  t.regex(
    text,
    /type nat hook prerouting priority dstnat;[^}]*ip daddr @hosts meta l4proto \. th dport vmap @ports/,
  );
  t.regex(
    text,
    /type nat hook output priority -100;[^}]*ip daddr @hosts meta l4proto \. th dport vmap @ports/,
  );
  t.regex(text, /ct status dnat ip daddr \. meta l4proto \. th dport @remote masquerade/);
  t.notRegex(text, /127\.0\.0\.0/, 'no loopback rules when no loopback address is served');
  t.regex(text, /add element inet flotilla_10_1_0_2_4240 ports \{ tcp \. 30000 : goto tcp_30000 \}/);
  t.regex(text, /add element inet flotilla_10_1_0_2_4240 remote \{ 10\.1\.0\.3 \. tcp \. 31001 \}/);
  t.regex(
    text,
    /add element inet flotilla_10_1_0_2_4240 hairpin \{ 10\.1\.0\.2 \. 10\.1\.0\.2 \. tcp \. 31000 \}/,
  );

  for (const c of ['conn_tcp', 'rx_tcp', 'tx_tcp', 'conn_udp', 'rx_udp', 'tx_udp'])
    t.regex(text, new RegExp(`counter ${c} \\{ \\}`));
  // Bytes: one rule a chain, the mark matched first, the counter picked by direction and protocol.
  t.regex(
    text,
    /map bytes \{ type ct_dir \. inet_proto : counter; elements = \{ original \. tcp : "rx_tcp", reply \. tcp : "tx_tcp", original \. udp : "rx_udp", reply \. udp : "tx_udp" \} \}/,
  );
  const count = 'counter name ct direction . meta l4proto map @bytes';
  t.is(
    chainBody(text, 'count_in'),
    `type filter hook prerouting priority filter; policy accept;\nct mark and 0x01000000 == 0x01000000 iif != "lo" ct original ip daddr @hosts ${count}`,
    'counted where packets enter the node, but not again off loopback',
  );
  t.is(
    chainBody(text, 'count_out'),
    `type filter hook output priority filter; policy accept;\nct mark and 0x01000000 == 0x01000000 ct original ip daddr @hosts ${count}`,
  );
  t.notRegex(text, /jump|tally/, 'no chain jumped to per packet');

  const wildcard = tableRuleset('flotilla', { hosts: [], loopback: true }, []);
  t.is(
    chainBody(wildcard, 'count_out'),
    `type filter hook output priority filter; policy accept;\nct mark and 0x01000000 == 0x01000000 ${count}`,
    'every marked connection counts',
  );
  t.notRegex(wildcard, /set hosts/);
  t.regex(wildcard, /meta nfproto ipv4 fib daddr type local meta l4proto \. th dport vmap @ports/);
  t.regex(wildcard, /ct status dnat ip saddr 127\.0\.0\.0\/8 oif != "lo" masquerade/);
  t.regex(wildcard, /iif != "lo" ip daddr 127\.0\.0\.0\/8 ct status & dnat == 0 drop/);
});

test('table names: one per address and port a node listens on, plain for the wildcard', (t) => {
  t.is(tableName(['0.0.0.0'], 4240), 'flotilla');
  t.is(tableName(['127.0.0.2', '10.213.0.1'], 4241), 'flotilla_127_0_0_2_4241');
});

test('a change batch touches only what changed: new port, new task, task gone, port gone', (t) => {
  const T = 'flotilla';
  t.is(
    portChanges(T, [], [port(30000, '10.0.0.1:8080')]),
    [
      'add chain inet flotilla tcp_30000',
      'add rule inet flotilla tcp_30000 ct mark set ct mark or 0x01000000 counter name "conn_tcp" meta l4proto tcp dnat ip to 10.0.0.1:8080',
      'add element inet flotilla ports { tcp . 30000 : goto tcp_30000 }',
      'add element inet flotilla hairpin { 10.0.0.1 . 10.0.0.1 . tcp . 8080 }',
      '',
    ].join('\n'),
  );
  t.is(portChanges(T, [port(30000, '10.0.0.1:8080')], [port(30000, '10.0.0.1:8080')]), '', 'nothing changed');
  t.is(
    portChanges(T, [port(30000, '10.0.0.1:8080')], [port(30000, '10.0.0.1:8080', '10.0.0.9:8080@n2')]),
    [
      'flush chain inet flotilla tcp_30000',
      'add rule inet flotilla tcp_30000 ct mark set ct mark or 0x01000000 counter name "conn_tcp" meta l4proto tcp dnat ip to numgen inc mod 2 map { 0 : 10.0.0.1 . 8080, 1 : 10.0.0.9 . 8080 }',
      'add element inet flotilla remote { 10.0.0.9 . tcp . 8080 }',
      '',
    ].join('\n'),
  );
  t.is(
    portChanges(T, [port(30000, '10.0.0.1:8080', '10.0.0.9:8080@n2')], [port(30000, '10.0.0.9:8080@n2')]),
    [
      'flush chain inet flotilla tcp_30000',
      'add rule inet flotilla tcp_30000 ct mark set ct mark or 0x01000000 counter name "conn_tcp" meta l4proto tcp dnat ip to 10.0.0.9:8080',
      'delete element inet flotilla hairpin { 10.0.0.1 . 10.0.0.1 . tcp . 8080 }',
      '',
    ].join('\n'),
  );
  t.is(
    portChanges(T, [port(30000, '10.0.0.9:8080@n2')], [port(30000)]),
    [
      'flush chain inet flotilla tcp_30000',
      'delete element inet flotilla remote { 10.0.0.9 . tcp . 8080 }',
      '',
    ].join('\n'),
    'the last task gone leaves an empty chain: connections meet the closed port',
  );
  t.is(
    portChanges(T, [port(30000, '10.0.0.9:8080@n2')], []),
    [
      'delete element inet flotilla ports { tcp . 30000 }',
      'delete chain inet flotilla tcp_30000',
      'delete element inet flotilla remote { 10.0.0.9 . tcp . 8080 }',
      '',
    ].join('\n'),
  );
});

test('a port moving from one service to another in one change is rewritten, not removed', (t) => {
  const text = portChanges('flotilla', [port(30000, '10.0.0.1:8080')], [port(30000, '10.0.0.2:8080')]);
  t.notRegex(text, /delete chain/);
  t.regex(text, /flush chain inet flotilla tcp_30000\nadd rule .* 10\.0\.0\.2:8080/);
});

/** `nft -j list counters` output for a table whose counters are all 0. */
const COUNTERS_NONE = counterList({});

/** `nft -j list counters` output with these counters (the others 0): packets for conn_*, bytes for the rest. */
function counterList(values: Record<string, number>): string {
  const names = ['conn_tcp', 'rx_tcp', 'tx_tcp', 'conn_udp', 'rx_udp', 'tx_udp'];
  return JSON.stringify({
    nftables: [
      { metainfo: { version: '1.0.6' } },
      ...names.map((name) => ({
        counter: { family: 'inet', name, table: 't', packets: values[name] ?? 0, bytes: values[name] ?? 0 },
      })),
    ],
  });
}

/** A port another program of the node holds. */
const HELD = 22;

/** A kernel path whose nft batches, sysctls and ended UDP flows are recorded, not run. */
async function recorded(
  hosts = ['10.1.0.2'],
): Promise<{ mesh: KernelMesh; batches: string[]; sysctls: string[]; forgotten: string[] }> {
  const batches: string[] = [];
  const sysctls: string[] = [];
  const forgotten: string[] = [];
  const sys: KernelSystem = {
    nft: (input) => {
      batches.push(input);
      return Promise.resolve();
    },
    turnOn: (path) => {
      sysctls.push(path);
      return Promise.resolve(true);
    },
    portFree: (_protocol, port) => Promise.resolve(port !== HELD),
    forgetUdp: (host, port) => {
      forgotten.push(`${host}:${port}`);
      return Promise.resolve(true);
    },
    counters: () => Promise.resolve(COUNTERS_NONE),
    openFlows: () => Promise.resolve(0),
    acceptForwarded: () => {
      sysctls.push('FORWARD accepts the mesh');
      return Promise.resolve();
    },
  };
  const mesh = await KernelMesh.open({ hosts, port: 4240, nodeId: 'n1' }, silentLogger(), sys);
  if (typeof mesh === 'string') throw new Error(mesh);
  return { mesh, batches, sysctls, forgotten };
}

const change = (services: ServiceEndpoints[], removed: string[] = []): EndpointChanges => ({
  full: false,
  services,
  removedServiceIds: removed,
});

test('a change costs the same batch with 10 or 10,000 services in the table', async (t) => {
  const batchAfter = async (n: number) => {
    const { mesh, batches } = await recorded();
    const all = Array.from({ length: n }, (_, i) => service(`s${i}`, 20000 + i, [`10.1.0.2:${40000 + i}`]));
    await mesh.apply({ full: true, services: all, removedServiceIds: [] });
    await mesh.apply(change([service('s3', 20003, ['10.1.0.2:40003', '10.1.0.3:50003@n2'])]));
    await mesh.apply(change([], ['s5']));
    return batches.slice(-2);
  };
  const small = await batchAfter(10);
  t.deepEqual(await batchAfter(10_000), small);
  t.regex(small[0]!, /^flush chain inet flotilla_10_1_0_2_4240 tcp_20003\n/);
  t.regex(small[1]!, /^delete element inet flotilla_10_1_0_2_4240 ports \{ tcp \. 20005 \}\n/);
});

test('the kernel path leaves least-conn, the PROXY protocol, --mesh userspace and IPv6 tasks to the proxy', async (t) => {
  const { mesh } = await recorded();
  const s = service('a', 30000, ['10.1.0.2:8080']);
  t.true(mesh.serves(s));
  t.true(mesh.serves({ ...s, mesh: 'MESH_KERNEL' }));
  t.false(mesh.serves({ ...s, lb: 'LEAST_CONN' }));
  t.false(mesh.serves({ ...s, proxyProtocol: true }));
  t.false(mesh.serves({ ...s, mesh: 'MESH_USERSPACE' }));
  t.false(mesh.serves(service('b', 30001, ['[::1]:8080'])));
  t.false(mesh.serves({ ...s, ports: [] }), 'nothing published: nothing for the mesh');
});

test('forwarding is turned on and FORWARD accepts the mesh once a task of another node is a destination; route_localnet for loopback', async (t) => {
  const { mesh, sysctls } = await recorded();
  await mesh.apply(change([service('a', 30000, ['10.1.0.2:8080'])]));
  t.deepEqual(sysctls, []);
  await mesh.apply(change([service('a', 30000, ['10.1.0.2:8080', '10.1.0.3:8080@n2'])]));
  await mesh.apply(change([service('b', 30001, ['10.1.0.3:8081@n2'])]));
  t.deepEqual(sysctls, ['/proc/sys/net/ipv4/ip_forward', 'FORWARD accepts the mesh']);
  const loopback = await recorded(['127.0.0.2']);
  t.deepEqual(loopback.sysctls, ['/proc/sys/net/ipv4/conf/all/route_localnet']);
  t.true(
    (
      await recorded(['::1']).then(
        () => '',
        (err: Error) => err.message,
      )
    ).includes('IPv6'),
  );
});

test('a batch the kernel refuses is followed by the whole table', async (t) => {
  const batches: string[] = [];
  let refuse = false;
  const sys: KernelSystem = {
    nft: (input) => {
      batches.push(input);
      if (refuse) {
        refuse = false;
        return Promise.reject(new Error('refused'));
      }
      return Promise.resolve();
    },
    turnOn: () => Promise.resolve(false),
    portFree: () => Promise.resolve(true),
    forgetUdp: () => Promise.resolve(true),
    counters: () => Promise.resolve(COUNTERS_NONE),
    openFlows: () => Promise.resolve(0),
    acceptForwarded: () => Promise.resolve(),
  };
  const mesh = await KernelMesh.open({ hosts: ['10.1.0.2'], port: 4240, nodeId: 'n1' }, silentLogger(), sys);
  if (typeof mesh === 'string') throw new Error(mesh);
  await mesh.apply(change([service('a', 30000, ['10.1.0.2:8080'])]));
  refuse = true;
  await mesh.apply(change([service('b', 30001, ['10.1.0.2:8081'])]));
  const last = batches.at(-1)!;
  t.true(last.startsWith('add table inet flotilla_10_1_0_2_4240\ndelete table'));
  t.regex(last, /goto tcp_30000/);
  t.regex(last, /goto tcp_30001/);
});

test('a port another program holds on the node is left alone, and taken once free', async (t) => {
  const { mesh, batches } = await recorded();
  await mesh.apply(change([service('ssh', HELD, ['10.1.0.2:8080'])]));
  t.deepEqual(batches.slice(1), [], 'no rule takes the traffic of the program on port 22');
  await mesh.apply(change([service('a', 30000, ['10.1.0.2:8080'])]));
  t.regex(batches.at(-1)!, /tcp_30000/);
  t.notRegex(batches.at(-1)!, /tcp_22/);
});

test('the UDP flows of a task that left are ended; those of tasks that stay are not', async (t) => {
  const { mesh, forgotten } = await recorded();
  await mesh.apply(change([service('a', 30000, ['10.1.0.2:8080', '10.1.0.3:8081@n2'], true)]));
  await mesh.apply(change([service('a', 30000, ['10.1.0.2:8080'], true)]));
  t.deepEqual(forgotten, ['10.1.0.3:8081']);
  await mesh.apply(change([], ['a']));
  t.deepEqual(forgotten, ['10.1.0.3:8081', '10.1.0.2:8080']);
});

test('the counts: the table’s counters and conntrack’s open flows, kept across a rewrite of the whole table', async (t) => {
  let listed = counterList({ conn_tcp: 3, rx_tcp: 100, tx_tcp: 200, conn_udp: 1 });
  const asked: string[] = [];
  const sys: KernelSystem = {
    nft: () => Promise.resolve(),
    turnOn: () => Promise.resolve(false),
    portFree: () => Promise.resolve(true),
    forgetUdp: () => Promise.resolve(true),
    counters: () => Promise.resolve(listed),
    openFlows: (protocol, host) => {
      asked.push(`${protocol} ${host}`);
      return Promise.resolve(protocol === 'tcp' ? 2 : undefined);
    },
    acceptForwarded: () => Promise.resolve(),
  };
  const mesh = await KernelMesh.open({ hosts: ['10.1.0.2'], port: 4240, nodeId: 'n1' }, silentLogger(), sys);
  if (typeof mesh === 'string') throw new Error(mesh);
  const tcp = async () => (await mesh.counts()).find((c) => c.protocol === 'tcp');
  t.deepEqual(await tcp(), {
    protocol: 'tcp',
    path: 'kernel',
    connections: 3,
    receivedBytes: 100,
    sentBytes: 200,
    active: 2,
    failedConnects: 0,
  });
  t.deepEqual(asked, ['tcp 10.1.0.2', 'udp 10.1.0.2'], 'open flows to the node’s own address');
  t.is(
    (await mesh.counts()).find((c) => c.protocol === 'udp')?.active,
    0,
    'no conntrack tool: none said open',
  );

  // A full change writes the table anew, whose counters start at 0: the old ones are carried.
  await mesh.apply({ ...change([service('a', 30000, ['10.1.0.2:8080'])]), full: true });
  listed = counterList({ conn_tcp: 1, rx_tcp: 10, tx_tcp: 20 });
  t.like(await tcp(), { connections: 4, receivedBytes: 110, sentBytes: 220 });
  await mesh.close();
});
