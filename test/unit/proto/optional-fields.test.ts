/**
 * proto3 `optional` fields as decoded objects show them, through gRPC's (de)serializers and
 * through the codecs alike: no `_field` marker keys, null when unset, the value when set;
 * real oneofs keep naming their member (`mode: 'replicated'`).
 */
import test from 'ava';
import { codec, wire } from '../../../proto/load.js';
import { encodeSnapshot } from '../../../manager/store/snapshot-codec.js';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import type { NodeDescription, ServiceSpec, StoreWrite, Task } from '../../../proto/types.js';
import type { Endpoint } from '../../../proto/gen/flotilla/Endpoint.js';
import type { EndpointSpec } from '../../../proto/gen/flotilla/EndpointSpec.js';
import { makeNode, makeService, makeSpec, makeStatus, makeTask } from '../helpers.js';

/** Paths of the keys starting with `_` anywhere in `value`. */
function markers(value: unknown, path = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => markers(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => [
    ...(k.startsWith('_') ? [`${path}.${k}`] : []),
    ...markers(v, `${path}.${k}`),
  ]);
}

const control = wire.flotilla.Control.service;
const dispatcher = wire.flotilla.Dispatcher.service;

/** A spec as CreateService's server reads it, after the client wrote it. */
const throughGrpc = (spec: ServiceSpec): ServiceSpec =>
  control.CreateService.requestDeserialize(control.CreateService.requestSerialize({ spec })).spec!;
const specCodec = codec<ServiceSpec>('flotilla.ServiceSpec');
const throughCodec = (spec: ServiceSpec): ServiceSpec => specCodec.decode(specCodec.encode(spec));

const endpoint: Endpoint = {
  ports: [{ targetPort: 80, publishedPort: 8080, protocol: 'TCP', mode: 'INGRESS' }],
};
const endpointSpec: EndpointSpec = { ...endpoint, lb: 'ROUND_ROBIN', proxyProtocol: true, mesh: 'MESH_AUTO' };
const modes: Partial<ServiceSpec>[] = [
  { mode: 'replicated', replicated: { replicas: 3 } },
  { mode: 'global', replicated: undefined, global: {} },
  { mode: 'replicatedJob', replicated: undefined, replicatedJob: { totalCompletions: 4, maxConcurrent: 2 } },
  { mode: 'globalJob', replicated: undefined, globalJob: {} },
];

for (const [path, decode] of [
  ['gRPC', throughGrpc],
  ['codec', throughCodec],
] as const) {
  test(`${path}: a spec without endpoint decodes it as null, with no marker key`, (t) => {
    const decoded = decode(makeSpec());
    t.deepEqual(markers(decoded), []);
    t.is(decoded.endpoint, null);
    t.is(decoded.mode, 'replicated');
  });

  test(`${path}: a spec's endpoint round-trips, with no marker key`, (t) => {
    const decoded = decode(makeSpec({ endpoint: endpointSpec }));
    t.deepEqual(markers(decoded), []);
    t.deepEqual(decoded.endpoint, endpointSpec);
  });

  test(`${path}: each mode keeps its discriminator and only its own member`, (t) => {
    for (const mode of modes) {
      const decoded = decode(makeSpec(mode));
      t.deepEqual(markers(decoded), [], mode.mode);
      t.is(decoded.mode, mode.mode);
      t.deepEqual(decoded[mode.mode!], makeSpec(mode)[mode.mode!]);
      for (const other of modes.filter((m) => m !== mode))
        t.false(other.mode! in decoded, `${mode.mode} has ${other.mode}`);
    }
  });
}

test('a task with addresses, as ListTasks answers it and as the store logs it', (t) => {
  const service = makeService(makeSpec({ endpoint: endpointSpec }));
  service.endpoint = endpoint;
  const addresses = { ports: [{ targetPort: 80, protocol: 'TCP' as const, addr: '10.0.0.2:30001' }] };
  const task = makeTask(service, { endpoint, status: makeStatus('RUNNING', { addresses }) });
  const bare = makeTask(service, { status: makeStatus('PENDING') });

  const answer = control.ListTasks.responseDeserialize(
    control.ListTasks.responseSerialize({ tasks: [task, bare], nodes: [] }),
  );
  const write = codec<StoreWrite>('flotilla.StoreWrite');
  const logged = write.decode(
    write.encode({
      changes: [
        { kind: 'CREATE', expectedVersion: 0, object: 'task', task },
        { kind: 'CREATE', expectedVersion: 0, object: 'service', service },
      ],
      nowMs: 1,
    }),
  );
  t.deepEqual(markers(answer), []);
  t.deepEqual(markers(logged), []);

  const [withAddresses, without] = answer.tasks as Task[];
  t.deepEqual(withAddresses!.status!.addresses, addresses);
  t.deepEqual(withAddresses!.endpoint, endpoint);
  t.is(without!.status!.addresses, null);
  t.is(without!.endpoint, null);

  t.deepEqual(
    logged.changes.map((c) => c.object),
    ['task', 'service'],
  );
  t.deepEqual(logged.changes[0]!.task!.status!.addresses, addresses);
  t.deepEqual(logged.changes[1]!.service!.endpoint, endpoint);
});

test('a snapshot written a run at a time decodes without marker keys', async (t) => {
  const service = makeService(makeSpec({ endpoint: endpointSpec }));
  const tasks = [makeTask(service, { status: makeStatus('RUNNING', { addresses: { ports: [] } }) })];
  const empty = (await MemoryStore.open()).snapshot();
  const bytes = await encodeSnapshot({ ...empty, index: 7, services: [service], tasks });
  const snapshot = codec<{ services: unknown[]; tasks: Task[] }>('flotilla.StoreSnapshot').decode(bytes);
  t.deepEqual(markers(snapshot), []);
  t.deepEqual(snapshot.tasks[0]!.status!.addresses, { ports: [] });
});

test('a session message says null for endpoints it does not carry', (t) => {
  const message = dispatcher.Session.responseDeserialize(
    dispatcher.Session.responseSerialize({ assignments: null }),
  );
  t.deepEqual(markers(message), []);
  t.is(message.endpoints, null);
});

test('an optional field that is null writes nothing; one set to its empty value is written', (t) => {
  const spec = makeSpec();
  const unset = specCodec.encode({ ...spec, endpoint: null });
  t.deepEqual(unset, specCodec.encode(spec));
  t.deepEqual(
    control.CreateService.requestSerialize({ spec: { ...spec, endpoint: null } }),
    control.CreateService.requestSerialize({ spec }),
  );

  // An empty message is still there: field 10, length 0 (an input may leave every field out).
  const empty = specCodec.encode({ ...spec, endpoint: {} as EndpointSpec });
  t.deepEqual(Buffer.from(empty.subarray(unset.length)), Buffer.from([(10 << 3) | 2, 0]));
  t.like(specCodec.decode(empty).endpoint, { ports: [] });
});

test('dns_addr: null when unset, "" when set to "" (presence kept for a string too)', (t) => {
  const description = codec<NodeDescription>('flotilla.NodeDescription');
  const { description: node } = makeNode();
  const unset = description.decode(description.encode({ ...node!, dnsAddr: null }));
  const empty = description.decode(description.encode({ ...node!, dnsAddr: '' }));
  const set = description.decode(description.encode({ ...node!, dnsAddr: '10.0.0.2:53' }));
  for (const decoded of [unset, empty, set]) t.deepEqual(markers(decoded), []);
  t.is(unset.dnsAddr, null);
  t.is(empty.dnsAddr, '');
  t.is(set.dnsAddr, '10.0.0.2:53');

  const answer = control.GetNode.responseDeserialize(
    control.GetNode.responseSerialize({
      node: makeNode({ description: { ...node!, dnsAddr: '10.0.0.2:53' } }),
    }),
  );
  t.deepEqual(markers(answer), []);
  t.is(answer.node?.description?.dnsAddr, '10.0.0.2:53');
});
