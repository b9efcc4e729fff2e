import test from 'ava';
import { silentLogger } from '../../../lib/log.js';
import { Rebalancer, taskToMove } from '../../../manager/orchestrator/rebalance.js';
import { ReplicatedOrchestrator } from '../../../manager/orchestrator/replicated.js';
import { Scheduler } from '../../../manager/scheduler/scheduler.js';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import type { Store } from '../../../manager/store/types.js';
import { REBALANCE_LABEL, type Node, type Service, type Task } from '../../../proto/types.js';
import {
  eventually,
  liveTasks,
  makeNode,
  makeService,
  makeStatus,
  makeSpec,
  makeTask,
  runLoop,
} from '../helpers.js';
import { SimWorkers } from './sim-worker.js';

const log = silentLogger();

function rebalanced(
  replicas: number,
  labels: Record<string, string> = { [REBALANCE_LABEL]: 'true' },
): Service {
  return makeService(makeSpec({ labels }, replicas));
}

const running = (s: Service, nodeId: string, slot: number): Task =>
  makeTask(s, {
    slot,
    nodeId,
    status: makeStatus('RUNNING', { timestamp: 0 }),
  });

/** A store holding the nodes, the service and its tasks placed as `placement` says (node index per slot). */
async function storeWith(nodes: Node[], s: Service, placement: number[]): Promise<Store> {
  const store = await MemoryStore.open();
  await store.update((tx) => {
    for (const n of nodes) tx.create('nodes', n);
    tx.create('services', s);
    placement.forEach((i, slot) => tx.create('tasks', running(s, nodes[i]!.id, slot + 1)));
  });
  return store;
}

const spread = (store: Store, s: Service, nodes: Node[]) =>
  nodes.map((n) => liveTasks(store, s.id).filter((t) => t.nodeId === n.id).length);

test('moves a task off the fullest node when the spread is uneven by more than one', async (t) => {
  const nodes = [makeNode(), makeNode()];
  const s = rebalanced(4);
  const store = await storeWith(nodes, s, [0, 0, 0, 0]);
  const victim = store.view((tx) => taskToMove(tx, s));
  t.is(victim?.nodeId, nodes[0]!.id);
});

test('leaves a spread even within one, and a service with a task not yet running', async (t) => {
  const nodes = [makeNode(), makeNode(), makeNode()];
  const s = rebalanced(4);
  const even = await storeWith(nodes, s, [0, 0, 1, 2]);
  t.is(
    even.view((tx) => taskToMove(tx, s)),
    undefined,
  );
  const moving = await storeWith(nodes, s, [0, 0, 0]);
  await moving.update((tx) => tx.create('tasks', makeTask(s, { slot: 4 })));
  t.is(
    moving.view((tx) => taskToMove(tx, s)),
    undefined,
  );
});

test('counts only nodes that may run the service: a paused or down node takes nothing', async (t) => {
  const paused = makeNode();
  paused.spec!.availability = 'PAUSE';
  const down = makeNode({ status: { state: 'DOWN', message: '', addr: '' } });
  const s = rebalanced(3);
  const store = await storeWith([makeNode(), paused, down], s, [0, 0, 0]);
  t.is(
    store.view((tx) => taskToMove(tx, s)),
    undefined,
  );
});

test('does not move a task the scheduler would put back on the same node', async (t) => {
  // The empty node has no memory for the task: its replacement could only go back.
  const big = makeNode();
  big.description!.resources = { nanoCpus: 4e9, memoryBytes: 2 ** 32, pids: 0 };
  const small = makeNode();
  small.description!.resources = { nanoCpus: 4e9, memoryBytes: 0, pids: 0 };
  const s = rebalanced(3);
  s.spec!.task!.resources = {
    reservations: { nanoCpus: 0, memoryBytes: 2 ** 20, pids: 0 },
    generic: {},
    limits: null,
  };
  const store = await storeWith([big, small], s, [0, 0, 0]);
  t.is(
    store.view((tx) => taskToMove(tx, s)),
    undefined,
  );
});

/** The orchestrator, the scheduler, simulated workers and the rebalancer on one store. */
async function cluster(t: Parameters<typeof runLoop>[0], s: Service, nodes: Node[]) {
  const store = await MemoryStore.open();
  await store.update((tx) => {
    for (const n of nodes) tx.create('nodes', n);
    tx.create('services', s);
  });
  const rebalancer = new Rebalancer(store, log);
  for (const loop of [
    new ReplicatedOrchestrator(store, log),
    new Scheduler(store, log),
    new SimWorkers(store),
    rebalancer,
  ])
    runLoop(t, loop);
  const runningNow = () => liveTasks(store, s.id).filter((x) => x.status?.state === 'RUNNING').length;
  await eventually(() => runningNow() === s.spec!.replicated!.replicas);
  /** Once the rebalancer has done what it would about every change so far. */
  const rebalancerDone = () => rebalancer.settled(store.view((tx) => tx.index));
  return { store, runningNow, rebalancerDone };
}

test('a node that joins gets tasks moved to it, one at a time', async (t) => {
  const first = makeNode();
  const s = rebalanced(4);
  const { store, runningNow } = await cluster(t, s, [first]);
  // Sampled on every change: never fewer than 3 running while tasks move.
  let fewest = Infinity;
  const ac = new AbortController();
  t.teardown(() => ac.abort());
  void (async () => {
    for await (const _ of store.watch({ tables: ['tasks'] }, ac.signal))
      fewest = Math.min(fewest, runningNow());
  })();
  const second = makeNode();
  await store.update((tx) => tx.create('nodes', second));
  await eventually(() => {
    const [a, b] = spread(store, s, [first, second]);
    return a === 2 && b === 2 && runningNow() === 4;
  });
  t.is(fewest, 3);
});

test('without the label, a joining node gets nothing', async (t) => {
  const first = makeNode();
  const s = rebalanced(4, {});
  const { store, rebalancerDone } = await cluster(t, s, [first]);
  const second = makeNode();
  await store.update((tx) => tx.create('nodes', second));
  await rebalancerDone();
  t.deepEqual(spread(store, s, [first, second]), [4, 0]);
});

test('setting the label on a running service triggers the move', async (t) => {
  const first = makeNode();
  const second = makeNode();
  second.spec!.availability = 'PAUSE';
  const s = rebalanced(3, {});
  const { store, rebalancerDone } = await cluster(t, s, [first, second]);
  await store.update((tx) => {
    const n = tx.get('nodes', second.id)!;
    tx.update('nodes', { ...n, spec: { ...n.spec!, availability: 'ACTIVE' } });
  });
  await rebalancerDone();
  t.deepEqual(spread(store, s, [first, second]), [3, 0]);
  await store.update((tx) => {
    const cur = tx.get('services', s.id)!;
    tx.update('services', { ...cur, spec: { ...cur.spec!, labels: { [REBALANCE_LABEL]: 'true' } } });
  });
  await eventually(() => spread(store, s, [first, second]).join() === '2,1');
  t.pass();
});
