/**
 * Listing benchmark: ListTasks in pages of 1,000 against one answer of everything, in process
 * (ControlApi over a MemoryStore; no gRPC), at 100,000 and 1,000,000 tasks on 10,000 nodes in
 * 100 services. For each size: the store's build time and heap; a page's time (p50/p99) over
 * the whole table, one service's tasks and one node's; the protobuf encoding of a page as gRPC
 * would send it; and what one answer of every task cost before listings paged (reading the
 * whole table), with the size its encoding would have had. One JSON line per figure.
 * bytes_per_task: the heap the tasks add to the store (after a full collection each side),
 * divided by their number: what a stored task costs, indexes included.
 * Run: node --max-old-space-size=8192 dist/bench/listing.js [--tasks N,N]
 */
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ControlApi } from '../manager/api/control.js';
import { MemoryStore } from '../manager/store/memory-store.js';
import { codec } from '../proto/load.js';
import type { ListTasksResponse } from '../proto/gen/flotilla/ListTasksResponse.js';
import type { ListTasksRequest } from '../proto/gen/flotilla/ListTasksRequest.js';
import { makeNode, makeService, makeSpec, makeStatus, makeTask } from '../test/unit/helpers.js';
import { percentile, progress, round } from './stats.js';

const NODES = 10_000;
const SERVICES = 100;
const PAGE = 1_000;
const response = codec<ListTasksResponse>('flotilla.ListTasksResponse');

// A full collection on demand, without a flag on the command line.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;
/** The heap in use after a full collection, in bytes. */
function liveHeap(): number {
  collect();
  return process.memoryUsage().heapUsed;
}

function sizes(): number[] {
  const i = process.argv.indexOf('--tasks');
  return i < 0 ? [100_000, 1_000_000] : process.argv[i + 1]!.split(',').map(Number);
}

async function build(tasks: number) {
  const store = await MemoryStore.open();
  const nodes = Array.from({ length: NODES }, () => makeNode());
  const services = Array.from({ length: SERVICES }, (_, i) => makeService(makeSpec({ name: `s${i}` })));
  await store.update((tx) => {
    for (const n of nodes) tx.create('nodes', n);
    for (const s of services) tx.create('services', s);
  });
  const heapBefore = liveHeap();
  for (let made = 0; made < tasks;) {
    const batch = Math.min(10_000, tasks - made);
    await store.update((tx) => {
      for (let i = made; i < made + batch; i++) {
        const task = makeTask(services[i % SERVICES]!, {
          slot: Math.floor(i / SERVICES) + 1,
          nodeId: nodes[i % NODES]!.id,
          status: makeStatus('RUNNING'),
        });
        tx.create('tasks', task);
      }
    });
    made += batch;
  }
  const taskBytes = liveHeap() - heapBefore;
  return { store, api: new ControlApi(store), nodes, services, taskBytes };
}

/** Every page of a listing, each timed; a sample of them encoded as gRPC would. */
function pages(api: ControlApi, filter: Pick<ListTasksRequest, 'services' | 'nodes'>, encodeEvery: number) {
  const ms: number[] = [];
  const encodeMs: number[] = [];
  let bytes = 0;
  let rows = 0;
  let pageToken = '';
  let n = 0;
  do {
    const start = performance.now();
    const res = api.listTasks({ ...filter, limit: PAGE, pageToken });
    ms.push(performance.now() - start);
    if (n++ % encodeEvery === 0) {
      const e = performance.now();
      bytes = Math.max(bytes, response.encode(res).length);
      encodeMs.push(performance.now() - e);
    }
    rows += res.tasks.length;
    pageToken = res.nextPageToken;
  } while (pageToken);
  const sorted = ms.sort((a, b) => a - b);
  const enc = encodeMs.sort((a, b) => a - b);
  return {
    pages: ms.length,
    rows,
    page_p50_ms: round(percentile(sorted, 50)),
    page_p99_ms: round(percentile(sorted, 99)),
    all_pages_s: round(ms.reduce((a, b) => a + b, 0) / 1000),
    encode_p50_ms: round(percentile(enc, 50)),
    encode_p99_ms: round(percentile(enc, 99)),
    page_bytes_max: bytes,
  };
}

for (const tasks of sizes()) {
  progress(`building a store of ${tasks} tasks`);
  const t0 = performance.now();
  const { store, api, nodes, services, taskBytes } = await build(tasks);
  const heapMb = process.memoryUsage().heapUsed / 2 ** 20;
  console.log(
    JSON.stringify({
      bench: 'listing',
      tasks,
      figure: 'store',
      build_s: round((performance.now() - t0) / 1000),
      heap_mb: round(heapMb),
      bytes_per_task: Math.round(taskBytes / tasks),
    }),
  );

  progress('paging through every task');
  console.log(
    JSON.stringify({
      bench: 'listing',
      tasks,
      figure: 'pages_all',
      ...pages(api, { services: [], nodes: [] }, 20),
    }),
  );
  console.log(
    JSON.stringify({
      bench: 'listing',
      tasks,
      figure: 'pages_one_service',
      ...pages(api, { services: [services[0]!.id], nodes: [] }, 1),
    }),
  );
  console.log(
    JSON.stringify({
      bench: 'listing',
      tasks,
      figure: 'pages_one_node',
      ...pages(api, { services: [], nodes: [nodes[0]!.id] }, 1),
    }),
  );

  // What one answer of everything cost before: the whole table read, its nodes gathered
  // (the encoding, were it possible, comes on top: the pages' bytes times their number).
  progress('reading every task at once, as one answer did');
  const wholeMs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    store.view((tx) => {
      const all = tx.all('tasks');
      return [...new Set(all.map((t) => t.nodeId))].flatMap((id) => tx.get('nodes', id) ?? []).length;
    });
    wholeMs.push(performance.now() - start);
  }
  const refusedStart = performance.now();
  let refused = '';
  try {
    api.listTasks({ services: [], nodes: [], limit: 0, pageToken: '' });
  } catch (err) {
    refused = (err as Error).message.slice(0, 40);
  }
  console.log(
    JSON.stringify({
      bench: 'listing',
      tasks,
      figure: 'one_answer_of_all',
      read_p50_ms: round(
        percentile(
          wholeMs.sort((a, b) => a - b),
          50,
        ),
      ),
      limit0_refused_ms: round(performance.now() - refusedStart),
      limit0_answer: refused,
    }),
  );
  await store.close();
}
