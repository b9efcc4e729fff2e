import test from 'ava';
import { ControlApi } from '../../../manager/api/control.js';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import { codec, wire } from '../../../proto/load.js';
import type { ListNodesResponse } from '../../../proto/gen/flotilla/ListNodesResponse.js';
import type { ListServicesResponse } from '../../../proto/gen/flotilla/ListServicesResponse.js';
import { makeNode, makeService, makeSpec } from '../helpers.js';

const nodesMethod = wire.flotilla.Control.service.ListNodes;
const servicesMethod = wire.flotilla.Control.service.ListServices;

async function cluster() {
  const store = await MemoryStore.open();
  const nodes = [makeNode(), makeNode(), makeNode({ role: 'MANAGER' })];
  await store.update((tx) => {
    for (const n of nodes) tx.create('nodes', n);
    tx.create('services', makeService(makeSpec({ name: 'web', labels: { tier: 'front' } }, 3)));
  });
  return { store, api: new ControlApi(store), nodes };
}

test('stored nodes and services encode as protobufjs alone encodes them, the second time too', async (t) => {
  const { api } = await cluster();
  const nodes = api.listNodes();
  const services = api.listServices();
  t.true(Object.isFrozen(nodes.nodes[0]));
  const plainNodes = codec<ListNodesResponse>('flotilla.ListNodesResponse');
  const plainServices = codec<ListServicesResponse>('flotilla.ListServicesResponse');
  for (let i = 0; i < 2; i++) {
    t.deepEqual(
      nodesMethod.responseDeserialize(nodesMethod.responseSerialize(nodes)),
      plainNodes.decode(plainNodes.encode(nodes)),
    );
    t.deepEqual(
      servicesMethod.responseDeserialize(servicesMethod.responseSerialize(services)),
      plainServices.decode(plainServices.encode(services)),
    );
  }
  // An object that is not stored (a manager's live view, say) is encoded afresh each time.
  const copy = { ...nodes.nodes[2]!, description: { ...nodes.nodes[2]!.description!, hostname: 'renamed' } };
  const decoded = nodesMethod.responseDeserialize(
    nodesMethod.responseSerialize({ nodes: [copy], nextPageToken: '' }),
  );
  t.is(decoded.nodes[0]?.description?.hostname, 'renamed');
});

test('a node changed in the store is sent as it is now', async (t) => {
  const { store, api, nodes } = await cluster();
  const before = nodesMethod.responseDeserialize(nodesMethod.responseSerialize(api.listNodes()));
  t.true(before.nodes.every((n) => n.status?.state === 'READY'));
  await store.update((tx) => {
    const n = tx.get('nodes', nodes[0]!.id)!;
    tx.update('nodes', { ...n, status: { ...n.status!, state: 'DOWN' } });
  });
  const after = nodesMethod.responseDeserialize(nodesMethod.responseSerialize(api.listNodes()));
  t.is(after.nodes.find((n) => n.id === nodes[0]!.id)?.status?.state, 'DOWN');
});
