import test from 'ava';
import { dashboardState } from '../../../manager/dashboard/view.js';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import { makeNode, makeService, makeSpec, makeStatus, makeTask } from '../helpers.js';

test('services show replicas running/desired, update progress, and tasks meant to run before stopped ones', async (t) => {
  const store = await MemoryStore.open();
  const node = makeNode({
    description: { ...makeNode().description!, hostname: 'n1' },
    role: 'MANAGER',
    managerStatus: { raftId: 1, addr: '10.0.0.1:4240', leader: false, reachability: 'REACHABLE' },
  });
  const api = {
    ...makeService(makeSpec({ name: 'api' }, 3)),
    specVersion: 2,
    updateStatus: {
      state: 'UPDATING' as const,
      startedAt: 0,
      completedAt: 0,
      message: 'update in progress',
      fromVersion: 1,
      toVersion: 2,
      awaitingPromotion: false,
      promoted: false,
    },
  };
  const running = (slot: number, specVersion: number, timestamp = 1) =>
    makeTask(api, { slot, specVersion, nodeId: node.id, status: makeStatus('RUNNING', { timestamp }) });
  const tasks = [
    running(2, 1),
    running(1, 2),
    makeTask(api, { slot: 3, specVersion: 2, nodeId: node.id, status: makeStatus('STARTING') }),
    {
      ...running(1, 1, 5),
      desiredState: 'SHUTDOWN' as const,
      status: makeStatus('SHUTDOWN', { timestamp: 5 }),
    },
  ];
  await store.update((tx) => {
    tx.create('nodes', node);
    tx.create('services', api);
    for (const task of tasks) tx.create('tasks', task);
  });
  const state = store.view((tx) => dashboardState(tx, '10.0.0.1:4240'));
  t.like(state.nodes[0], { hostname: 'n1', role: 'MANAGER', leader: true, tasks: 3, availability: 'ACTIVE' });
  const [service] = state.services;
  t.like(service, {
    name: 'api',
    image: 'host',
    mode: 'replicated',
    replicas: 3,
    running: 2,
    desired: 3,
    version: 2,
  });
  t.deepEqual(service!.update, {
    state: 'UPDATING',
    message: 'update in progress',
    updated: 1,
    of: 3,
    fromVersion: 1,
    toVersion: 2,
  });
  t.deepEqual(
    service!.tasks.map((x) => [x.name, x.state, x.specVersion]),
    [
      ['api.1', 'RUNNING', 2],
      ['api.2', 'RUNNING', 1],
      ['api.3', 'STARTING', 2],
      ['api.1', 'SHUTDOWN', 1],
    ],
  );
  t.is(service!.tasks[0]!.node, 'n1');
  t.false(JSON.stringify(state).includes('sleep'), 'no spec beyond the image: no args, no environment');
  t.false(store.view((tx) => dashboardState(tx, undefined)).nodes[0]!.leader);
});
