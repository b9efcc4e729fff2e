/**
 * Listings that page: ListNodes, ListServices and ListTasks in id order, page by page, while
 * rows come and go between calls; filters with paging; bad tokens and limits.
 */
import test from 'ava';
import { isFlotillaError } from '../../../lib/errors.js';
import { ControlApi } from '../../../manager/api/control.js';
import { MAX_PAGE_ROWS } from '../../../manager/api/paging.js';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import type { Task } from '../../../proto/types.js';
import { makeNode, makeService, makeSpec, makeTask } from '../helpers.js';

const sorted = (ids: string[]) => [...ids].sort();
const page = (limit: number, pageToken = '') => ({ limit, pageToken });

async function cluster(tasksPerService = 30) {
  const store = await MemoryStore.open();
  const nodes = [makeNode(), makeNode(), makeNode()];
  const web = makeService(makeSpec({ name: 'web' }));
  const db = makeService(makeSpec({ name: 'db' }));
  const tasks: Task[] = [];
  for (const service of [web, db]) {
    for (let slot = 1; slot <= tasksPerService; slot++) {
      tasks.push(makeTask(service, { slot, nodeId: nodes[slot % nodes.length]!.id }));
    }
  }
  await store.update((tx) => {
    for (const n of nodes) tx.create('nodes', n);
    tx.create('services', web);
    tx.create('services', db);
    for (const task of tasks) tx.create('tasks', task);
  });
  return { store, api: new ControlApi(store), nodes, web, db, tasks };
}

/** Every page of a task listing, `limit` rows each, `between` run before each next page. */
function taskPages(
  api: ControlApi,
  filter: { services?: string[]; nodes?: string[] },
  limit: number,
  between?: () => Promise<void>,
): Promise<Task[][]> {
  return (async () => {
    const pages: Task[][] = [];
    let pageToken = '';
    do {
      const res = api.listTasks({
        services: filter.services ?? [],
        nodes: filter.nodes ?? [],
        limit,
        pageToken,
      });
      pages.push(res.tasks);
      pageToken = res.nextPageToken;
      if (pageToken && between) await between();
    } while (pageToken);
    return pages;
  })();
}

test('task pages: id order, full pages, the last one short with no token, no final empty page', async (t) => {
  const { api, tasks } = await cluster();
  const pages = await taskPages(api, {}, 7);
  t.deepEqual(
    pages.map((p) => p.length),
    [7, 7, 7, 7, 7, 7, 7, 7, 4],
  );
  t.deepEqual(
    pages.flat().map((x) => x.id),
    sorted(tasks.map((x) => x.id)),
  );
  // A page that ends exactly at the last row says so: no token for an empty page after it.
  const exact = await taskPages(api, {}, 60);
  t.is(exact.length, 1);
  t.is(exact[0]!.length, 60);
});

test('rows added or removed between pages: every row that stayed is listed once', async (t) => {
  const { store, api, web, tasks } = await cluster();
  const removed = new Set<string>();
  const added = new Set<string>();
  const seen = new Set<string>();
  let round = 0;
  const pages = await taskPages(api, {}, 5, async () => {
    round++;
    await store.update((tx) => {
      // Remove a row that may or may not be listed yet, and add one anywhere in the order.
      const victim = tasks[(round * 7) % tasks.length]!;
      if (tx.get('tasks', victim.id)) {
        tx.delete('tasks', victim.id);
        removed.add(victim.id);
      }
      const fresh = makeTask(web, { slot: 100 + round });
      tx.create('tasks', fresh);
      added.add(fresh.id);
    });
  });
  const listed = pages.flat().map((x) => x.id);
  for (const id of listed) {
    t.false(seen.has(id), `${id} is listed twice`);
    seen.add(id);
  }
  for (const task of tasks) {
    if (!removed.has(task.id)) t.true(seen.has(task.id), `${task.id} stayed but was skipped`);
  }
  t.deepEqual(listed, sorted(listed));
  t.true(round > 0);
});

test('filters by service and by node page within what they match', async (t) => {
  const { api, web, db, nodes, tasks } = await cluster();
  const ids = (match: (x: Task) => boolean) => sorted(tasks.filter(match).map((x) => x.id));
  const byService = await taskPages(api, { services: ['web'] }, 4);
  t.deepEqual(
    byService.flat().map((x) => x.id),
    ids((x) => x.serviceId === web.id),
  );
  const both = await taskPages(api, { services: ['web', db.id] }, 9);
  t.deepEqual(
    both.flat().map((x) => x.id),
    ids(() => true),
  );
  const byNode = await taskPages(api, { nodes: [nodes[0]!.id, nodes[1]!.id] }, 3);
  t.deepEqual(
    byNode.flat().map((x) => x.id),
    ids((x) => x.nodeId === nodes[0]!.id || x.nodeId === nodes[1]!.id),
  );
  const nodeAndService = await taskPages(api, { nodes: [nodes[2]!.id], services: ['db'] }, 2);
  t.deepEqual(
    nodeAndService.flat().map((x) => x.id),
    ids((x) => x.nodeId === nodes[2]!.id && x.serviceId === db.id),
  );
  // Each page names the nodes of its own tasks.
  for (const p of byNode) {
    const res = new Set(p.map((x) => x.nodeId));
    t.true(res.size > 0);
  }
  const first = api.listTasks({ services: [], nodes: [nodes[0]!.id], limit: 3, pageToken: '' });
  t.deepEqual(
    first.nodes.map((n) => n.id),
    [nodes[0]!.id],
  );
});

test('node and service pages: id order, each once, with their summaries', async (t) => {
  const { store, api, nodes, web, db } = await cluster(3);
  const more = Array.from({ length: 10 }, () => makeNode());
  await store.update((tx) => {
    for (const n of more) tx.create('nodes', n);
  });
  const all = sorted([...nodes, ...more].map((n) => n.id));
  const listed: string[] = [];
  let pageToken = '';
  do {
    const res = api.listNodes({ limit: 4, pageToken });
    t.true(res.nodes.length <= 4);
    listed.push(...res.nodes.map((n) => n.id));
    pageToken = res.nextPageToken;
  } while (pageToken);
  t.deepEqual(listed, all);

  const first = api.listServices(page(1));
  const second = api.listServices(page(1, first.nextPageToken));
  t.is(second.nextPageToken, '');
  t.deepEqual(
    [...first.services, ...second.services].map((s) => s.service?.id),
    sorted([web.id, db.id]),
  );
  t.is(first.services[0]?.desiredTasks, 1);
});

test('a page token that is no token, or from another listing, is INVALID_ARGUMENT naming page_token', async (t) => {
  const { api } = await cluster(3);
  const nodeToken = api.listNodes(page(1)).nextPageToken;
  t.truthy(nodeToken);
  for (const pageToken of ['%%%', 'bm9kZXMv', nodeToken, `${nodeToken}=`]) {
    const err = t.throws(() => api.listTasks({ services: [], nodes: [], limit: 1, pageToken }));
    t.true(isFlotillaError(err, 'INVALID_ARGUMENT'), pageToken);
    t.regex(err!.message, /page_token/);
  }
  t.true(
    isFlotillaError(
      t.throws(() => api.listServices(page(1, 'x'))),
      'INVALID_ARGUMENT',
    ),
  );
});

test('limits: above the most a page holds is INVALID_ARGUMENT naming limit; 0 is all, up to that most', async (t) => {
  const { store, api, web } = await cluster(3);
  for (const limit of [MAX_PAGE_ROWS + 1, -1, 1.5]) {
    const err = t.throws(() => api.listNodes(page(limit)));
    t.true(isFlotillaError(err, 'INVALID_ARGUMENT'));
    t.regex(err!.message, /limit/);
  }
  t.is(api.listTasks({ services: [], nodes: [], ...page(MAX_PAGE_ROWS) }).tasks.length, 6);
  const all = api.listTasks({ services: [], nodes: [], ...page(0) });
  t.is(all.tasks.length, 6);
  t.is(all.nextPageToken, '');

  await store.update((tx) => {
    for (let slot = 0; slot < MAX_PAGE_ROWS; slot++) tx.create('tasks', makeTask(web, { slot }));
  });
  const err = t.throws(() => api.listTasks({ services: [], nodes: [], ...page(0) }));
  t.true(isFlotillaError(err, 'RESOURCE_EXHAUSTED'));
  t.regex(err!.message, /limit 0.*10000 rows.*page_token/);
  const full = api.listTasks({ services: [], nodes: [], ...page(MAX_PAGE_ROWS) });
  t.is(full.tasks.length, MAX_PAGE_ROWS);
  t.is(api.listTasks({ services: [], nodes: [], ...page(0, full.nextPageToken) }).tasks.length, 6);
});

test('a page ends early, with a token, before its rows outweigh one answer; limit 0 then refuses', async (t) => {
  const store = await MemoryStore.open();
  const api = new ControlApi(store);
  // Twenty services of 1 MiB each (labels): more than an answer may weigh.
  const services = Array.from({ length: 20 }, (_, i) => {
    const spec = makeSpec({ name: `big${i}` });
    spec.labels = { big: 'x'.repeat(1024 * 1024) };
    return makeService(spec);
  });
  await store.update((tx) => {
    for (const s of services) tx.create('services', s);
  });
  const first = api.listServices(page(100));
  t.true(first.services.length > 0 && first.services.length < 20);
  t.truthy(first.nextPageToken);
  const rest = api.listServices(page(100, first.nextPageToken));
  t.is(first.services.length + rest.services.length, 20);
  t.is(rest.nextPageToken, '');
  t.true(
    isFlotillaError(
      t.throws(() => api.listServices(page(0))),
      'RESOURCE_EXHAUSTED',
    ),
  );
});
