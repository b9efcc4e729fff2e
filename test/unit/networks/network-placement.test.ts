import test from 'ava';
import { silentLogger } from '../../../lib/log.js';
import { createNetwork } from '../../../manager/api/networks.js';
import { Scheduler } from '../../../manager/scheduler/scheduler.js';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import { eventually, makeNode, makeService, makeSpec, makeTask, runLoop } from '../helpers.js';

test('tasks on a network go to nodes with overlay networks, each with its own address there', async (t) => {
  const store = await MemoryStore.open();
  const net = await createNetwork(store, { name: 'back', labels: {}, driver: '', subnet: '10.30.0.0/24' });
  const spec = makeSpec({ name: 'api' });
  spec.task!.container!.image = 'flotilla/httpd';
  spec.task!.networks = [net.id];
  const service = makeService(spec);
  const able = makeNode();
  able.description!.overlayNetworks = true;
  const unable = makeNode();
  const tasks = [1, 2, 3].map((slot) => makeTask(service, { slot }));
  await store.update((tx) => {
    tx.create('nodes', able);
    tx.create('nodes', unable);
    tx.create('services', service);
    for (const task of tasks) tx.create('tasks', task);
  });
  runLoop(t, new Scheduler(store, silentLogger()));
  const placed = await eventually(() => {
    const ts = store.view((tx) => tx.tasksByService(service.id));
    return ts.every((x) => x.status?.state === 'ASSIGNED') && ts;
  });
  t.true(placed.every((x) => x.nodeId === able.id));
  t.deepEqual(placed.map((x) => x.networks.map((a) => [a.networkName, a.vni])).flat(), [
    ['back', net.vni],
    ['back', net.vni],
    ['back', net.vni],
  ]);
  t.deepEqual(new Set(placed.map((x) => x.networks[0]!.address)).size, 3);

  // Without a node that can: the reason says so.
  const other = makeTask(service, { slot: 4 });
  await store.update((tx) => {
    const node = tx.get('nodes', able.id)!;
    tx.update('nodes', { ...node, description: { ...node.description!, overlayNetworks: false } });
    tx.create('tasks', other);
  });
  const waiting = await eventually(() => store.view((tx) => tx.get('tasks', other.id)?.status?.err));
  t.regex(waiting, /no overlay networks on 2 nodes/);
});
