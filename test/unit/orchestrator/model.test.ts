/**
 * Model-based: random clusters, replicated services (some rebalanced) and global ones, and
 * random node failures, drains, pauses, recoveries and removals, run by the real
 * orchestrators, rebalancer and scheduler with simulated workers until nothing changes; after each step the invariants are checked against an
 * oracle written apart from the loops. fast-check prints the seed and the shrunk case.
 */
import test from 'ava';
import fc from 'fast-check';
import { silentLogger } from '../../../lib/log.js';
import { GlobalOrchestrator } from '../../../manager/orchestrator/global.js';
import { Rebalancer, wantsRebalance } from '../../../manager/orchestrator/rebalance.js';
import { REBALANCE_LABEL } from '../../../proto/types.js';
import { ReplicatedOrchestrator } from '../../../manager/orchestrator/replicated.js';
import { isActive } from '../../../manager/services/tasks.js';
import { Scheduler } from '../../../manager/scheduler/scheduler.js';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import type { Store } from '../../../manager/store/types.js';
import type { Node, NodeAvailability, Service, Task } from '../../../proto/types.js';
import { makeNode, makeService, makeSpec } from '../helpers.js';
import { SimWorkers } from './sim-worker.js';

const log = silentLogger();

const CONSTRAINTS: Record<string, (n: Node) => boolean> = {
  'node.labels.zone==a': (n) => n.spec?.labels.zone === 'a',
  'node.labels.zone!=b': (n) => n.spec?.labels.zone !== 'b',
  'node.role!=manager': (n) => n.role !== 'MANAGER',
};

const nodeArb = fc
  .record({
    zone: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }),
    manager: fc.boolean(),
    availability: fc.constantFrom<NodeAvailability>('ACTIVE', 'ACTIVE', 'PAUSE', 'DRAIN'),
    down: fc.boolean(),
  })
  .map((r) => {
    const n = makeNode({ role: r.manager ? 'MANAGER' : 'WORKER' });
    n.spec = { desiredRole: n.role, availability: r.availability, labels: r.zone ? { zone: r.zone } : {} };
    n.status = { state: r.down ? 'DOWN' : 'READY', message: '', addr: '' };
    return n;
  });

const serviceArb = fc
  .record({
    global: fc.boolean(),
    replicas: fc.integer({ min: 0, max: 5 }),
    constraints: fc.subarray(Object.keys(CONSTRAINTS), { maxLength: 1 }),
    rebalance: fc.boolean(),
  })
  .map((r) => {
    const spec = r.global
      ? makeSpec({ mode: 'global', replicated: undefined, global: {} })
      : makeSpec({ labels: r.rebalance ? { [REBALANCE_LABEL]: 'true' } : {} }, r.replicas);
    spec.task!.placement!.constraints = r.constraints;
    return makeService(spec);
  });

/** What happens to a node between two checks. */
const changeArb = fc.record({
  node: fc.nat(),
  // Recoveries twice as often: they are what rebalancing acts on.
  to: fc.constantFrom('DOWN', 'READY', 'READY', 'REMOVED', 'PAUSE', 'DRAIN', 'ACTIVE', 'ACTIVE'),
});

const constraintsHold = (s: Service, n: Node) =>
  s.spec!.task!.placement!.constraints.every((c) => CONSTRAINTS[c]!(n));
const ready = (n: Node | undefined) => n?.status?.state === 'READY';
const eligible = (s: Service, n: Node) =>
  ready(n) && n.spec?.availability === 'ACTIVE' && constraintsHold(s, n);
const running = (t: Task) => t.desiredState === 'RUNNING' && t.status?.state === 'RUNNING';

/** The invariants that hold once the loops have settled; the first broken one, if any. */
function violation(store: Store): string | undefined {
  return store.view((tx) => {
    const nodes = tx.all('nodes');
    for (const s of tx.all('services')) {
      const name = s.spec!.name;
      const tasks = tx.tasksByService(s.id);
      const active = tasks.filter(isActive);
      for (const t of active.filter((x) => x.nodeId)) {
        const n = tx.get('nodes', t.nodeId);
        if (!ready(n) || n?.spec?.availability === 'DRAIN')
          return `${name}: task ${t.id} meant to run on a down or drained node`;
        if (!constraintsHold(s, n!)) return `${name}: task ${t.id} on a node outside its constraints`;
      }
      if (s.spec!.mode === 'global') {
        for (const n of nodes) {
          const mine = active.filter((t) => t.nodeId === n.id);
          if (mine.length > 1) return `${name}: ${mine.length} active tasks on node ${n.id}`;
          if (eligible(s, n) && !mine.some(running)) return `${name}: no running task on eligible ${n.id}`;
        }
        if (active.some((t) => t.slot !== 0 || !t.nodeId)) return `${name}: a global task without its node`;
        continue;
      }
      const replicas = s.spec!.replicated!.replicas;
      const slots = new Set(active.map((t) => t.slot));
      if (slots.size !== active.length) return `${name}: more than one active task in a slot`;
      if (active.length !== replicas || active.some((t) => t.slot < 1 || t.slot > replicas))
        return `${name}: active slots ${[...slots].join()} for ${replicas} replicas`;
      if (nodes.some((n) => eligible(s, n)) && !active.every(running))
        return `${name}: not all ${replicas} tasks run though a node could take them`;
      // Rebalanced: even within one over the nodes that may take its tasks.
      const counts = nodes
        .filter((n) => eligible(s, n))
        .map((n) => active.filter((t) => t.nodeId === n.id).length);
      if (wantsRebalance(s) && Math.max(...counts) - Math.min(...counts) > 1)
        return `${name}: rebalanced but spread ${counts.join('/')}`;
    }
    return undefined;
  });
}

/** Waits until the loops have written nothing for a while and the invariants hold, or fails. */
async function settle(store: Store): Promise<void> {
  const deadline = Date.now() + 1000;
  for (;;) {
    let index: number;
    do {
      index = store.view((tx) => tx.index);
      await new Promise((r) => setTimeout(r, 40));
    } while (store.view((tx) => tx.index) !== index);
    const broken = violation(store);
    if (!broken) return;
    if (Date.now() > deadline) throw new Error(broken);
  }
}

async function apply(store: Store, node: Node, to: string): Promise<void> {
  await store.update((tx) => {
    const n = tx.get('nodes', node.id);
    if (!n) return;
    if (to === 'REMOVED') return tx.delete('nodes', n.id);
    tx.update(
      'nodes',
      to === 'DOWN' || to === 'READY'
        ? { ...n, status: { ...n.status!, state: to } }
        : { ...n, spec: { ...n.spec!, availability: to as NodeAvailability } },
    );
  });
}

type Change = { node: number; to: string };

/** Runs every loop on a store holding the nodes and services; settles after the start and after each change. */
async function simulate(nodes: Node[], services: Service[], changes: Change[]): Promise<void> {
  const store = await MemoryStore.open();
  await store.update((tx) => {
    for (const n of nodes) tx.create('nodes', n);
    services.forEach((s, i) => tx.create('services', { ...s, spec: { ...s.spec!, name: `s${i}` } }));
  });
  const ac = new AbortController();
  const loops = [
    new ReplicatedOrchestrator(store, log),
    new GlobalOrchestrator(store, log),
    new Rebalancer(store, log),
    new Scheduler(store, log),
    new SimWorkers(store),
  ].map((l) => l.run(ac.signal));
  try {
    await settle(store);
    for (const c of changes) {
      await apply(store, nodes[c.node % nodes.length]!, c.to);
      await settle(store);
    }
  } finally {
    ac.abort();
    await Promise.all(loops);
    await store.close();
  }
}

// A failing run takes a second to give up; shrinking is cut short rather than the test timing out.
const OPTIONS = { interruptAfterTimeLimit: 60_000, markInterruptAsFailure: true };

test('after every node change, the orchestrators and the scheduler settle on a sound state', async (t) => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(nodeArb, { minLength: 2, maxLength: 5 }),
      fc.array(serviceArb, { minLength: 1, maxLength: 3 }),
      fc.array(changeArb, { maxLength: 4 }),
      simulate,
    ),
    { numRuns: 25, ...OPTIONS },
  );
  t.pass();
});

test('a rebalanced service spreads evenly again as nodes come back', async (t) => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.boolean(), { minLength: 2, maxLength: 4 }),
      fc.integer({ min: 2, max: 6 }),
      async (down, replicas) => {
        // The first node is up; the others that start down come back one by one.
        const nodes = down.map((d, i) =>
          makeNode({ status: { state: d && i > 0 ? 'DOWN' : 'READY', message: '', addr: '' } }),
        );
        const service = makeService(makeSpec({ labels: { [REBALANCE_LABEL]: 'true' } }, replicas));
        const back = down.flatMap((d, i) => (d && i > 0 ? [{ node: i, to: 'READY' }] : []));
        await simulate(nodes, [service], back);
      },
    ),
    { numRuns: 10, ...OPTIONS },
  );
  t.pass();
});
