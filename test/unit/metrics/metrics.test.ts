import test from 'ava';
import { join } from 'node:path';
import { connect, createServer, type Server } from 'node:net';
import { silentLogger } from '../../../lib/log.js';
import { scrape, showParts } from '../../../lib/metrics.js';
import { agentMetrics } from '../../../lib/node-metrics.js';
import { Scheduler } from '../../../manager/scheduler/scheduler.js';
import { reasonLabel, unplacedByReason } from '../../../manager/scheduler/unplaced.js';
import { MemoryStore } from '../../../manager/store/memory-store.js';
import { RaftStore } from '../../../manager/store/raft-store.js';
import type { EndpointChanges } from '../../../proto/gen/flotilla/EndpointChanges.js';
import { Mesh } from '../../../worker/mesh/mesh.js';
import { freePort } from '../../integration/cluster-harness.js';
import {
  eventually,
  makeNode,
  makeService,
  makeSpec,
  makeStatus,
  makeTask,
  runLoop,
  tempDir,
} from '../helpers.js';
import { LocalNetwork } from '../raft/node/local-network.js';
import { declares, sample } from './exposition.js';

// The registry is the process's: these tests take turns.

/** Scrapes until `ready` holds of the text (other threads and loops count on their own time). */
async function scrapeUntil(what: string, ready: (text: string) => boolean): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { text } = await scrape();
    if (ready(text)) return text;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${text}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test.serial('a scrape shows the parts shown, with the process metrics, all prefixed', async (t) => {
  const hide = showParts(['agent']);
  const stop = agentMetrics.sources.lend(() => ['RUNNING', 'RUNNING', 'PREPARING']);
  let { text } = await scrape();
  t.is(sample(text, 'flotilla_agent_tasks', { state: 'RUNNING' }), 2);
  t.is(sample(text, 'flotilla_agent_tasks', { state: 'PREPARING' }), 1);
  t.true(declares(text, 'flotilla_process_cpu_user_seconds_total'));
  t.true(declares(text, 'flotilla_nodejs_eventloop_lag_seconds'));
  t.false(declares(text, 'flotilla_raft_term'), 'a part not shown is not scraped');
  const names = text.split('\n').filter((l) => l.startsWith('# TYPE '));
  t.true(names.every((l) => l.startsWith('# TYPE flotilla_')));

  stop();
  ({ text } = await scrape());
  t.is(sample(text, 'flotilla_agent_tasks', { state: 'RUNNING' }), 0, 'a source taken back is not read');
  t.is(sample(text, 'flotilla_agent_tasks', { state: 'PREPARING' }), undefined);
  hide();
  ({ text } = await scrape());
  t.false(declares(text, 'flotilla_agent_tasks'));
});

test.serial(
  'a Raft store of one: term, indexes, leadership, proposals, objects and file sizes',
  async (t) => {
    const dir = join(await tempDir(t), 'raft');
    const net = new LocalNetwork();
    const store = await RaftStore.open({
      id: 1,
      dir,
      transport: net.transport(1),
      bootstrap: [{ id: 1, address: 'm1' }],
      tickMs: 5,
      heartbeatTick: 1,
    });
    const hide = showParts(['raft', 'store']);
    t.teardown(async () => {
      hide();
      await store.close();
    });
    await eventually(() => store.raft.isLeader);
    await store.update((tx) => {
      tx.create('nodes', makeNode());
      tx.create('nodes', makeNode());
    });
    const { text } = await scrape();
    t.true(sample(text, 'flotilla_raft_term')! >= 1);
    t.is(sample(text, 'flotilla_raft_is_leader'), 1);
    t.true(sample(text, 'flotilla_raft_commit_index')! >= 2);
    t.is(sample(text, 'flotilla_raft_applied_index'), store.raft.appliedIndex);
    t.true(sample(text, 'flotilla_raft_leader_changes_total')! >= 1);
    t.true(sample(text, 'flotilla_raft_proposal_duration_seconds_count')! >= 1);
    t.is(sample(text, 'flotilla_store_objects', { table: 'nodes' }), 2);
    t.is(sample(text, 'flotilla_store_objects', { table: 'tasks' }), 0);
    t.true(sample(text, 'flotilla_store_wal_bytes')! > 0);
    t.true(sample(text, 'flotilla_store_snapshot_bytes')! > 0, 'the bootstrap snapshot');

    await store.close();
    const after = (await scrape()).text;
    t.is(
      sample(after, 'flotilla_store_objects', { table: 'nodes' }),
      undefined,
      'a closed store is not read',
    );
  },
);

test.serial('the scheduler: placement latency, and the tasks it cannot place by reason', async (t) => {
  const store = await MemoryStore.open();
  const hide = showParts(['scheduler']);
  t.teardown(hide);
  const fits = makeService(makeSpec({ name: 'fits' }));
  const spec = makeSpec({ name: 'picky' });
  spec.task!.placement = { ...spec.task!.placement!, constraints: ['node.labels.zone==nowhere'] };
  const picky = makeService(spec);
  await store.update((tx) => {
    tx.create('nodes', makeNode());
    tx.create('services', fits);
    tx.create('services', picky);
    tx.create('tasks', makeTask(fits));
    tx.create('tasks', makeTask(picky));
    tx.create('tasks', makeTask(picky, { slot: 2 }));
  });
  runLoop(t, new Scheduler(store, silentLogger()));
  const text = await scrapeUntil(
    'two unplaced tasks',
    (text) => sample(text, 'flotilla_scheduler_unplaced_tasks', { reason: 'constraint' }) === 2,
  );
  t.is(sample(text, 'flotilla_scheduler_placement_latency_seconds_count'), 1);
  t.true(sample(text, 'flotilla_scheduler_placement_latency_seconds_sum')! >= 0);
});

test('the reason that refused the most nodes labels a task, without its particulars', (t) => {
  t.is(
    reasonLabel('no suitable node: insufficient memory on 3 nodes, constraint node.labels.a==b on 1 node'),
    'insufficient_memory',
  );
  t.is(
    reasonLabel('no suitable node: constraint node.labels.a==b on 2 nodes, node is not ready on 1 node'),
    'constraint',
  );
  t.is(reasonLabel('no suitable node: anti-affinity service==web on 1 node'), 'anti_affinity');
  t.is(reasonLabel('no suitable node: host-mode port 80/tcp in use on 2 nodes'), 'host_port_in_use');
  t.is(reasonLabel('no suitable node: the cluster has no nodes'), 'no_nodes');
  t.is(reasonLabel('no suitable node: no node has a container runtime'), 'no_runtime');
  t.is(reasonLabel('network n1 was removed'), 'network');
  t.is(reasonLabel('something new'), 'other');
  const service = makeService();
  const pending = (err: string) => makeTask(service, { status: makeStatus('PENDING', { err }) });
  const counts = unplacedByReason([
    pending('no suitable node: insufficient cpu on 1 node'),
    pending('no suitable node: insufficient cpu on 2 nodes'),
    pending(''),
    makeTask(service, { status: makeStatus('ASSIGNED', { err: 'old news on 1 node' }) }),
  ]);
  t.deepEqual([...counts], [['insufficient_cpu', 2]]);
});

/** A task that echoes what it is sent, then closes. */
async function echo(): Promise<{ server: Server; addr: string }> {
  const server = createServer((s) => s.pipe(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, addr: `127.0.0.1:${(server.address() as { port: number }).port}` };
}

function exchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.end(text));
    let out = '';
    s.on('data', (d) => (out += d.toString()));
    s.on('close', () => resolve(out));
    s.on('error', reject);
  });
}

test.serial(
  "the mesh's thread counts connections, bytes and failed connects where the daemon reads them",
  async (t) => {
    const task = await echo();
    const dead = `127.0.0.1:${await freePort()}`;
    const port = await freePort();
    const mesh = new Mesh(['127.0.0.1'], silentLogger());
    const hide = showParts(['mesh']);
    t.teardown(async () => {
      hide();
      await mesh.close();
      task.server.close();
    });
    const table: EndpointChanges = {
      full: true,
      removedServiceIds: [],
      services: [
        {
          serviceId: 's',
          serviceName: 'web',
          ports: [{ publishedPort: port, targetPort: 80, protocol: 'TCP', mode: 'INGRESS' }],
          lb: 'ROUND_ROBIN',
          proxyProtocol: false,
          mesh: 'MESH_AUTO' as const,
          tasks: [dead, task.addr].map((addr, i) => ({
            taskId: `t${i}`,
            nodeId: 'n',
            ports: [{ targetPort: 80, protocol: 'TCP', addr }],
            networkAddrs: {},
          })),
        },
      ],
    };
    await mesh.apply(table);
    // Round-robin: a connection tries the dead task first, then the live one.
    t.is(await exchange(port, 'hello'), 'hello');
    t.is(await exchange(port, 'again!'), 'again!');
    const text = await scrapeUntil(
      'both connections closed',
      (text) =>
        sample(text, 'flotilla_mesh_connections_active', { protocol: 'tcp', path: 'userspace' }) === 0,
    );
    const tcp = { protocol: 'tcp', path: 'userspace' };
    t.is(sample(text, 'flotilla_mesh_connections_total', tcp), 2);
    t.is(sample(text, 'flotilla_mesh_received_bytes_total', tcp), 11);
    t.is(sample(text, 'flotilla_mesh_sent_bytes_total', tcp), 11);
    t.true(sample(text, 'flotilla_mesh_failed_connects_total', tcp)! >= 1);
    t.is(sample(text, 'flotilla_mesh_connections_total', { protocol: 'udp', path: 'userspace' }), 0);
  },
);
