/**
 * Model-based: random clusters and services, one scheduling pass, then invariants checked
 * against an oracle written apart from the scheduler. fast-check prints the seed and the
 * shrunk case on failure.
 */
import test from 'ava';
import fc from 'fast-check';
import { silentLogger } from '../../../lib/log.js';
import { Scheduler } from '../../../manager/scheduler/scheduler.js';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import type { Node, Service, Task } from '../../../proto/types.js';
import { eventually, makeNode, makeService, makeSpec, makeTask } from '../helpers.js';

const GB = 2 ** 30;
const ZONES = ['a', 'b', 'c'];

// Each constraint in the pool with an oracle of its own.
const CONSTRAINTS: Record<string, (n: Node) => boolean> = {
  'node.labels.zone==a': (n) => n.spec?.labels.zone === 'a',
  'node.labels.zone!=b': (n) => n.spec?.labels.zone !== 'b',
  'node.platform.os==linux': (n) => n.description?.platform?.os === 'linux',
  'node.role!=manager': (n) => n.role !== 'MANAGER',
  'engine.labels.x!=y': (n) => n.description?.engineLabels.x !== 'y',
};

const nodeArb = fc
  .record({
    zone: fc.option(fc.constantFrom(...ZONES), { nil: undefined }),
    os: fc.constantFrom('linux', 'windows'),
    manager: fc.boolean(),
    cores: fc.integer({ min: 0, max: 4 }),
    memGb: fc.integer({ min: 0, max: 4 }),
    gpus: fc.integer({ min: 0, max: 2 }),
    availability: fc.constantFrom('ACTIVE', 'ACTIVE', 'PAUSE', 'DRAIN'),
    state: fc.constantFrom('READY', 'READY', 'READY', 'DOWN'),
  })
  .map((r) => {
    const n = makeNode({ role: r.manager ? 'MANAGER' : 'WORKER' });
    n.spec = { desiredRole: n.role, availability: r.availability, labels: r.zone ? { zone: r.zone } : {} };
    n.description = {
      ...n.description!,
      platform: { os: r.os, arch: 'amd64' },
      resources: { nanoCpus: r.cores * 1e9, memoryBytes: r.memGb * GB, pids: 0 },
      genericResources: r.gpus ? { gpu: r.gpus } : {},
    };
    n.status = { state: r.state, message: '', addr: '' };
    return n;
  });

const serviceArb = fc
  .record({
    constraints: fc.subarray(Object.keys(CONSTRAINTS)),
    spreadZone: fc.boolean(),
    maxReplicas: fc.integer({ min: 0, max: 3 }),
    binpack: fc.boolean(),
    halfCores: fc.integer({ min: 0, max: 4 }),
    memGb: fc.integer({ min: 0, max: 2 }),
    gpus: fc.integer({ min: 0, max: 1 }),
    replicas: fc.integer({ min: 0, max: 10 }),
  })
  .map((r) => {
    const spec = makeSpec({}, r.replicas);
    spec.task!.placement = {
      constraints: r.constraints,
      preferences: r.spreadZone ? [{ spread: 'node.labels.zone' }] : [],
      maxReplicas: r.maxReplicas,
      strategy: r.binpack ? 'BINPACK' : 'SPREAD',
      affinities: [],
      antiAffinities: [],
    };
    spec.task!.resources = {
      reservations: { nanoCpus: r.halfCores * 5e8, memoryBytes: r.memGb * GB, pids: 0 },
      generic: r.gpus ? { gpu: r.gpus } : {},
      limits: null,
    };
    return makeService(spec);
  });

/** Whether `node` could take one more task of `s`, given the tasks already on it. */
function fits(node: Node, s: Service, onNode: Task[]): boolean {
  const p = s.spec!.task!.placement!;
  const r = s.spec!.task!.resources!;
  const sum = (f: (t: Task) => number) => onNode.reduce((a, t) => a + f(t), 0);
  const have = node.description!;
  return (
    node.status?.state === 'READY' &&
    node.spec?.availability === 'ACTIVE' &&
    p.constraints.every((c) => CONSTRAINTS[c]!(node)) &&
    (p.maxReplicas === 0 || onNode.filter((t) => t.serviceId === s.id).length < p.maxReplicas) &&
    sum((t) => t.spec!.resources!.reservations!.nanoCpus) + r.reservations!.nanoCpus <=
      have.resources!.nanoCpus &&
    sum((t) => t.spec!.resources!.reservations!.memoryBytes) + r.reservations!.memoryBytes <=
      have.resources!.memoryBytes &&
    sum((t) => t.spec!.resources!.generic.gpu ?? 0) + (r.generic.gpu ?? 0) <= (have.genericResources.gpu ?? 0)
  );
}

test('after a pass: placements respect every filter, and what waits fits nowhere', async (t) => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(nodeArb, { maxLength: 8 }),
      fc.array(serviceArb, { minLength: 1, maxLength: 3 }),
      async (nodes, services) => {
        const store = await MemoryStore.open();
        await store.update((tx) => {
          for (const n of nodes) tx.create('nodes', n);
          for (const [i, s] of services.entries()) {
            s.spec!.name = `s${i}`; // names are unique in the store
            tx.create('services', s);
            const replicas = s.spec!.replicated!.replicas;
            for (let slot = 1; slot <= replicas; slot++) tx.create('tasks', makeTask(s, { slot }));
          }
        });
        const ac = new AbortController();
        const loop = new Scheduler(store, silentLogger()).run(ac.signal);
        const tasks = await eventually(() => {
          const all = store.view((tx) => tx.all('tasks'));
          return all.every((x) => x.status?.state === 'ASSIGNED' || x.status?.err) && all;
        });
        ac.abort();
        await loop;
        const byId = new Map(services.map((s) => [s.id, s]));
        const onNode = (id: string) => tasks.filter((x) => x.nodeId === id);
        for (const n of nodes) {
          // Replaying the node's tasks one by one, each must have fitted when it came.
          const mine = onNode(n.id);
          mine.forEach((x, i) => {
            if (!fits(n, byId.get(x.serviceId)!, mine.slice(0, i)))
              throw new Error(`task ${x.id} should not be on ${n.id}`);
          });
        }
        for (const x of tasks.filter((y) => y.status?.state !== 'ASSIGNED')) {
          if (x.status?.state !== 'PENDING' || x.nodeId || !x.status.err.startsWith('no suitable node')) {
            throw new Error(`task ${x.id} is neither placed nor waiting with a reason`);
          }
          const s = byId.get(x.serviceId)!;
          const could = nodes.find((n) => fits(n, s, onNode(n.id)));
          if (could) throw new Error(`task ${x.id} waits (${x.status.err}) but fits on ${could.id}`);
        }
        await store.close();
      },
    ),
    { numRuns: 60 },
  );
  t.pass();
});
