import test from 'ava';
import dnsPacket from 'dns-packet';
import { silentLogger } from '../../../lib/log.js';
import type { ServiceEndpoints } from '../../../proto/gen/flotilla/ServiceEndpoints.js';
import { answer } from '../../../worker/dns/message.js';
import { Resolver } from '../../../worker/mesh/dns.js';

/** The addresses of the A records of the reply to an A query for `name`, or its rcode. */
function addresses(resolver: Resolver, name: string, networks: string[]): string[] | string {
  const query = dnsPacket.encode({ id: 0x1234, type: 'query', questions: [{ type: 'A', name }] });
  const reply = answer(query, (n) => resolver.lookup(n, networks), 'udp');
  if (!reply) throw new Error('no reply');
  const decoded = dnsPacket.decode(reply.message) as dnsPacket.DecodedPacket & { rcode: string };
  if (decoded.rcode !== 'NOERROR') return decoded.rcode;
  return (decoded.answers ?? []).flatMap((a) => (a.type === 'A' ? [a.data] : [])).sort();
}

const entry = (
  id: string,
  name: string,
  addrs: Record<string, string>[],
  published = false,
): ServiceEndpoints => ({
  serviceId: id,
  serviceName: name,
  ports: published ? [{ publishedPort: 8080, targetPort: 80, protocol: 'TCP', mode: 'INGRESS' }] : [],
  lb: 'ROUND_ROBIN',
  proxyProtocol: false,
  mesh: 'MESH_AUTO' as const,
  tasks: addrs.map((networkAddrs, i) => ({
    taskId: `${id}.${i}`,
    nodeId: 'n',
    ports: published ? [{ targetPort: 80, protocol: 'TCP', addr: `10.213.0.${i + 2}:80` }] : [],
    networkAddrs,
  })),
});

test('a container on an overlay network resolves the services of that network to their addresses there', (t) => {
  const resolver = new Resolver('127.0.0.1', '10.213.0.1', silentLogger());
  resolver.apply({
    full: true,
    removedServiceIds: [],
    services: [
      entry('s1', 'api', [{ back: '10.30.0.2' }, { back: '10.30.0.3', front: '10.40.0.9' }]),
      entry('s2', 'web', [{ front: '10.40.0.2' }], true),
      entry('s3', 'db', [{ back: '10.30.0.7' }]),
    ],
  });
  const ask = (name: string, networks: string[]) => addresses(resolver, name, networks);
  t.deepEqual(ask('api', ['back']), ['10.30.0.2', '10.30.0.3']);
  t.deepEqual(ask('tasks.api', ['back']), ['10.30.0.2', '10.30.0.3']);
  t.deepEqual(ask('api', ['front']), ['10.40.0.9']);
  t.deepEqual(ask('db', ['back']), ['10.30.0.7']);
  // Not on the network: no name (NXDOMAIN); a published service keeps its mesh address.
  t.is(ask('db', ['front']), 'NXDOMAIN');
  t.is(ask('db', []), 'NXDOMAIN');
  t.deepEqual(ask('web', []), ['10.213.0.1']);
  t.deepEqual(ask('web', ['front']), ['10.40.0.2']);

  // A service whose entry changes or goes loses its old names.
  resolver.apply({
    full: false,
    removedServiceIds: ['s3'],
    services: [entry('s1', 'api', [{ back: '10.30.0.4' }])],
  });
  t.deepEqual(ask('api', ['back']), ['10.30.0.4']);
  t.is(ask('api', ['front']), 'NXDOMAIN');
  t.is(ask('db', ['back']), 'NXDOMAIN');
});
