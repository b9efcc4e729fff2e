import test from 'ava';
import { SpreadHeap } from '../../../manager/scheduler/spread-heap.js';
import { Ranking, type Candidate } from '../../../manager/scheduler/strategy.js';
import { NodeUsage } from '../../../manager/scheduler/usage.js';
import { makeNode, makeService, makeTask } from '../helpers.js';

const NO_DEMAND = { nanoCpus: 0, memoryBytes: 0, generic: [], hostPorts: [] };

/** What the scan over every candidate picks (the scheduler's way without a heap). */
function scanned(ranking: Ranking, fits: (c: Candidate) => boolean): Candidate | undefined {
  let best: Candidate | undefined;
  for (const c of ranking.candidates) if (fits(c) && (!best || ranking.better(c, best))) best = c;
  return best;
}

test('the heap picks what the scan picks, as two services place on shared nodes in one pass', (t) => {
  // A fixed sequence of pseudo-random numbers: the same case every run.
  let seed = 42;
  const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  const nodes = Array.from({ length: 60 }, () => makeNode());
  const usage = new Map(nodes.map((n) => [n.id, new NodeUsage()]));
  const [a, b] = [makeService(), makeService()];
  for (const n of nodes) {
    for (let i = random(4); i > 0; i--) usage.get(n.id)!.add(a.id, NO_DEMAND, 1);
    for (let i = random(4); i > 0; i--) usage.get(n.id)!.add(b.id, NO_DEMAND, 1);
  }
  // Full nodes: a fit filter refuses a node holding five tasks or more.
  const fits = (c: Candidate) => c.usage.total < 5;
  const groups = [a, b].map((s) => {
    const ranking = new Ranking(makeTask(s), nodes, (id) => usage.get(id)!);
    return { s, ranking, heap: new SpreadHeap(ranking.candidates, s.id) };
  });
  // Until both are full: 60 nodes of room for 5 hold fewer than 400.
  for (let i = 0; i < 400; i++) {
    const g = groups[random(2)]!;
    const expected = scanned(g.ranking, fits);
    const got = g.heap.best(fits);
    t.is(got?.node.id, expected?.node.id, `placement ${i}`);
    if (!got) continue;
    got.usage.add(g.s.id, NO_DEMAND, 1);
    g.ranking.placed(got);
  }
  // Every node is full by now: neither finds one.
  for (const g of groups) t.is(g.heap.best(fits), undefined);
});
