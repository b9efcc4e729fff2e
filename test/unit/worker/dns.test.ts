import test from 'ava';
import dnsPacket, { type DecodedPacket } from 'dns-packet';
import { createSocket } from 'node:dgram';
import { Resolver as DnsClient } from 'node:dns/promises';
import { connect, type Socket } from 'node:net';
import { silentLogger } from '../../../lib/log.js';
import type { ServiceEndpoints } from '../../../proto/gen/flotilla/ServiceEndpoints.js';
import { Resolver, type ListenOptions } from '../../../worker/mesh/dns.js';

type Decoded = DecodedPacket & { rcode: string };

test('the resolver answers NAME, tasks.NAME (A and SRV) and each task, and NXDOMAIN for the rest', async (t) => {
  const resolver = new Resolver('127.0.0.1', '127.0.0.1', silentLogger());
  const addr = await resolver.listen(0);
  t.teardown(() => resolver.close());
  const ingress = { publishedPort: 8080, targetPort: 80, protocol: 'TCP' as const, mode: 'INGRESS' as const };
  resolver.apply({
    full: true,
    removedServiceIds: [],
    services: [
      {
        serviceId: 's1',
        serviceName: 'Web',
        ports: [ingress],
        lb: 'ROUND_ROBIN',
        proxyProtocol: false,
        mesh: 'MESH_AUTO' as const,
        tasks: [
          {
            taskId: 'a1',
            nodeId: 'n1',
            ports: [{ targetPort: 80, protocol: 'TCP', addr: '10.0.0.1:40001' }],
            networkAddrs: {},
          },
          {
            taskId: 'b2',
            nodeId: 'n2',
            ports: [{ targetPort: 80, protocol: 'TCP', addr: '10.0.0.2:40002' }],
            networkAddrs: {},
          },
        ],
      },
      {
        serviceId: 's2',
        serviceName: 'edge',
        ports: [{ ...ingress, mode: 'HOST' }],
        lb: 'ROUND_ROBIN',
        proxyProtocol: false,
        mesh: 'MESH_AUTO' as const,
        tasks: [
          {
            taskId: 'c3',
            nodeId: 'n3',
            ports: [{ targetPort: 80, protocol: 'TCP', addr: '10.0.0.3:8080' }],
            networkAddrs: {},
          },
        ],
      },
    ],
  });
  const client = new DnsClient({ timeout: 1_000, tries: 1 });
  client.setServers([addr]);
  t.deepEqual(
    await client.resolve4('web'),
    ['127.0.0.1'],
    'an ingress service: this node, where the mesh serves it',
  );
  t.deepEqual(await client.resolve4('edge'), ['10.0.0.3'], 'host mode only: where its tasks run');
  t.deepEqual((await client.resolve4('tasks.web')).sort(), ['10.0.0.1', '10.0.0.2']);
  t.deepEqual((await client.resolveSrv('tasks.web')).map((r) => `${r.name}:${r.port}`).sort(), [
    'a1.tasks.web:40001',
    'b2.tasks.web:40002',
  ]);
  t.deepEqual(await client.resolve4('b2.tasks.web'), ['10.0.0.2']);
  await t.throwsAsync(client.resolve4('db'), { code: 'ENOTFOUND' });
});

test('the resolver follows changes: a service changed answers anew, one removed is gone with its tasks, the rest stay', async (t) => {
  const resolver = new Resolver('127.0.0.1', '127.0.0.1', silentLogger());
  const addr = await resolver.listen(0);
  t.teardown(() => resolver.close());
  const service = (id: string, name: string, taskAddr: string) => ({
    serviceId: id,
    serviceName: name,
    ports: [{ publishedPort: 8080, targetPort: 80, protocol: 'TCP' as const, mode: 'HOST' as const }],
    lb: 'ROUND_ROBIN' as const,
    proxyProtocol: false,
    mesh: 'MESH_AUTO' as const,
    tasks: [
      {
        taskId: `${id}t`,
        nodeId: 'n',
        ports: [{ targetPort: 80, protocol: 'TCP' as const, addr: taskAddr }],
        networkAddrs: {},
      },
    ],
  });
  resolver.apply({
    full: true,
    removedServiceIds: [],
    services: [
      service('s1', 'api', '10.0.0.1:80'),
      service('s2', 'db', '10.0.0.2:80'),
      service('s3', 'web', '10.0.0.3:80'),
    ],
  });
  resolver.apply({ full: false, removedServiceIds: ['s2'], services: [service('s1', 'api', '10.0.0.9:80')] });
  const client = new DnsClient({ timeout: 1_000, tries: 1 });
  client.setServers([addr]);
  t.deepEqual(await client.resolve4('api'), ['10.0.0.9']);
  await t.throwsAsync(client.resolve4('db'), { code: 'ENOTFOUND' });
  await t.throwsAsync(client.resolve4('s2t.tasks.db'), { code: 'ENOTFOUND' });
  t.deepEqual(await client.resolve4('web'), ['10.0.0.3']);
});

test("a resolver bound to every address answers NAME, and says where it is, with the node's own address", async (t) => {
  const resolver = new Resolver('0.0.0.0', '127.0.0.1', silentLogger());
  const addr = await resolver.listen(0);
  t.teardown(() => resolver.close());
  t.regex(addr, /^127\.0\.0\.1:\d+$/);
});

/** A service `name` of `n` tasks on 10.0.0.x, published in host mode (NAME is its tasks' hosts). */
function service(id: string, name: string, n: number): ServiceEndpoints {
  return {
    serviceId: id,
    serviceName: name,
    ports: [{ publishedPort: 8080, targetPort: 80, protocol: 'TCP', mode: 'HOST' }],
    lb: 'ROUND_ROBIN',
    proxyProtocol: false,
    mesh: 'MESH_AUTO',
    tasks: Array.from({ length: n }, (_, i) => ({
      taskId: `${id}task${String(i).padStart(3, '0')}xxxxxxxxxxxxxxxxxx`,
      nodeId: 'n',
      ports: [{ targetPort: 80, protocol: 'TCP' as const, addr: `10.0.0.${i + 1}:${40000 + i}` }],
      networkAddrs: {},
    })),
  };
}

async function listening(services: ServiceEndpoints[], options: ListenOptions = {}) {
  const resolver = new Resolver('127.0.0.1', '127.0.0.1', silentLogger());
  const port = Number((await resolver.listen(0, { tcp: true, ...options })).split(':')[1]);
  resolver.apply({ full: true, removedServiceIds: [], services });
  return { resolver, port };
}

const srvQuery = (id: number, name: string): Buffer =>
  dnsPacket.encode({
    id,
    type: 'query',
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type: 'SRV', name }],
  });

/** `message` with its length before it, as DNS over TCP sends it (dns-packet's streamEncode re-encodes). */
function framed(message: Buffer): Buffer {
  const length = Buffer.alloc(2);
  length.writeUInt16BE(message.length);
  return Buffer.concat([length, message]);
}

/** Sends `messages` on one TCP connection, each in its frame, and reads as many replies back. */
function overTcp(port: number, messages: Buffer[]): Promise<Decoded[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const replies: Decoded[] = [];
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        replies.push(dnsPacket.streamDecode(pending) as Decoded);
        pending = pending.subarray(2 + pending.readUInt16BE(0));
      }
      if (replies.length === messages.length) {
        socket.end();
        resolve(replies);
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`closed after ${replies.length} replies`)));
    socket.write(Buffer.concat(messages.map(framed)));
  });
}

/** One message over UDP to 127.0.0.1:`port`, and its reply. */
async function overUdp(port: number, message: Buffer): Promise<Decoded> {
  const socket = createSocket('udp4');
  try {
    const reply = new Promise<Buffer>((resolve) => socket.once('message', resolve));
    socket.send(message, port, '127.0.0.1');
    return dnsPacket.decode(await reply) as Decoded;
  } finally {
    socket.close();
  }
}

const targets = (reply: Decoded) =>
  (reply.answers ?? []).flatMap((r) => (r.type === 'SRV' ? [r.data.port] : []));

test('over TCP on the same port: 30 SRV answers in full, several queries on one connection, FORMERR for a bad one', async (t) => {
  const { resolver, port } = await listening([service('s', 'web', 30)]);
  t.teardown(() => resolver.close());
  const udp = await overUdp(port, srvQuery(1, 'tasks.web'));
  t.true(udp.flag_tc, 'over UDP without EDNS: truncated');
  t.true(targets(udp).length < 30);

  const garbage = Buffer.concat([srvQuery(3, 'x').subarray(0, 12), Buffer.from([40, 1, 2])]);
  const [all, one, bad, nx] = await overTcp(port, [
    srvQuery(1, 'tasks.web'),
    srvQuery(2, 'stask007xxxxxxxxxxxxxxxxxx.tasks.web'),
    garbage,
    srvQuery(4, 'nope'),
  ]).then((replies) => [...replies].sort((a, b) => (a.id ?? 0) - (b.id ?? 0)));
  t.false(all!.flag_tc);
  t.deepEqual(
    targets(all!),
    Array.from({ length: 30 }, (_, i) => 40000 + i),
  );
  t.is(all!.additionals?.length, 30, 'each target with its address');
  t.is(one!.rcode, 'NOERROR');
  t.is(bad!.rcode, 'FORMERR');
  t.is(nx!.rcode, 'NXDOMAIN');

  // A stub resolver (c-ares) that meets TC asks again over TCP, or offers EDNS: all 30 either way.
  const client = new DnsClient({ timeout: 2_000, tries: 2 });
  client.setServers([`127.0.0.1:${port}`]);
  t.is((await client.resolveSrv('tasks.web')).length, 30);
});

test('names outside the cluster go to the upstream over the transport they came by; the rest stay NXDOMAIN', async (t) => {
  const upstream = await listening([service('u', 'outside', 30)]);
  t.teardown(() => upstream.resolver.close());
  const { resolver, port } = await listening([service('s', 'web', 1)], {
    upstream: { host: '127.0.0.1', port: upstream.port },
  });
  t.teardown(() => resolver.close());
  const udp = await overUdp(port, srvQuery(1, 'tasks.outside'));
  t.is(udp.id, 1);
  t.true(udp.flag_tc, "the upstream's truncated UDP answer, as it came");
  const [tcp] = await overTcp(port, [srvQuery(2, 'tasks.outside')]);
  t.is(targets(tcp!).length, 30, "over TCP: the upstream's whole answer");
  t.deepEqual(targets(await overUdp(port, srvQuery(3, 'tasks.web'))), [40000], 'its own names answered here');
  t.is((await overUdp(port, srvQuery(4, 'nowhere'))).rcode, 'NXDOMAIN');
  const [nx] = await overTcp(port, [srvQuery(5, 'nowhere')]);
  t.is(nx!.rcode, 'NXDOMAIN');
});

test('TCP connections beyond the limit are refused while those within are served', async (t) => {
  const { resolver, port } = await listening([service('s', 'web', 1)]);
  t.teardown(() => resolver.close());
  const open: Socket[] = [];
  t.teardown(() => open.forEach((s) => s.destroy()));
  const ask = (socket: Socket) =>
    new Promise<string>((resolve) => {
      socket.once('data', () => resolve('answered'));
      socket.once('close', () => resolve('closed'));
      socket.write(framed(srvQuery(1, 'tasks.web')));
    });
  for (let i = 0; i < 128; i++) {
    const socket = connect({ host: '127.0.0.1', port });
    open.push(socket);
    t.is(await ask(socket), 'answered');
  }
  const extra = connect({ host: '127.0.0.1', port });
  open.push(extra);
  extra.on('error', () => {});
  t.is(await ask(extra), 'closed');
});

test("a resolver without TCP (the node's own: its port's TCP side is the node's gRPC) answers whole over UDP", async (t) => {
  const resolver = new Resolver('127.0.0.1', '127.0.0.1', silentLogger());
  const addr = await resolver.listen(0);
  t.teardown(() => resolver.close());
  resolver.apply({ full: true, removedServiceIds: [], services: [service('s', 'web', 30)] });
  const udp = await overUdp(Number(addr.split(':')[1]), srvQuery(1, 'tasks.web'));
  t.false(udp.flag_tc);
  t.is(targets(udp).length, 30);
  const client = new DnsClient({ timeout: 2_000, tries: 2 });
  client.setServers([addr]);
  t.is((await client.resolveSrv('tasks.web')).length, 30);
});
