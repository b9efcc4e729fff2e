import test from 'ava';
import { Resolver as DnsClient } from 'node:dns/promises';
import { silentLogger } from '../../../lib/log.js';
import { Resolver } from '../../../worker/mesh/dns.js';

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
