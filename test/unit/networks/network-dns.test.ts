import test from 'ava';
import { silentLogger } from '../../../lib/log.js';
import type { ServiceEndpoints } from '../../../proto/gen/flotilla/ServiceEndpoints.js';
import { Resolver } from '../../../worker/mesh/dns.js';

/** An A query for `name`, as a resolver library sends it. */
function query(name: string): Buffer {
  const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
  const header = Buffer.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
  return Buffer.concat([header, ...labels, Buffer.from([0, 0, 1, 0, 1])]);
}

/** The addresses of the A records of a reply (whose answers follow the question), or the rcode. */
function addresses(reply: Buffer | undefined, name: string): string[] | number {
  if (!reply) throw new Error('no reply');
  const rcode = reply[3]! & 0x0f;
  if (rcode !== 0) return rcode;
  const count = reply.readUInt16BE(6);
  let at = query(name).length;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const length = reply.readUInt16BE(at + 10);
    out.push([...reply.subarray(at + 12, at + 12 + length)].join('.'));
    at += 12 + length;
  }
  return out.sort();
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
  const ask = (name: string, networks: string[]) => addresses(resolver.answer(query(name), networks), name);
  t.deepEqual(ask('api', ['back']), ['10.30.0.2', '10.30.0.3']);
  t.deepEqual(ask('tasks.api', ['back']), ['10.30.0.2', '10.30.0.3']);
  t.deepEqual(ask('api', ['front']), ['10.40.0.9']);
  t.deepEqual(ask('db', ['back']), ['10.30.0.7']);
  // Not on the network: no name (NXDOMAIN, 3); a published service keeps its mesh address.
  t.is(ask('db', ['front']), 3);
  t.is(ask('db', []), 3);
  t.deepEqual(ask('web', []), ['10.213.0.1']);
  t.deepEqual(ask('web', ['front']), ['10.40.0.2']);

  // A service whose entry changes or goes loses its old names.
  resolver.apply({
    full: false,
    removedServiceIds: ['s3'],
    services: [entry('s1', 'api', [{ back: '10.30.0.4' }])],
  });
  t.deepEqual(ask('api', ['back']), ['10.30.0.4']);
  t.is(ask('api', ['front']), 3);
  t.is(ask('db', ['back']), 3);
});
