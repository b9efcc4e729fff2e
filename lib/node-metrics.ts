/**
 * Every metric a node exposes, by part (see metrics.ts for how a scrape gathers them). The
 * components count events here (`raftMetrics.proposalSeconds.observe(...)`) and lend what
 * is read at a scrape (`raftMetrics.sources.lend(node)`); this module knows them only by
 * the shapes below, so that `lib` imports nothing of the rooms above it.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { metricPart, Sources } from './metrics.js';

/** A Raft member as the metrics read it. */
export interface RaftSource {
  readonly term: number;
  readonly commitIndex: number;
  readonly appliedIndex: number;
  readonly isLeader: boolean;
}

/** The replicated store as the metrics read it. */
export interface StoreSource {
  /** Objects per table. */
  objects(): Iterable<[table: string, count: number]>;
  /** The Raft directory: its `wal/` and `snap/` are measured. */
  dir: string;
}

const raft = metricPart('raft');
const raftSources = new Sources<RaftSource>();
const fromRaft = (read: (s: RaftSource) => number) => () => {
  const s = raftSources.newest;
  return s === undefined ? undefined : read(s);
};
const raftGauge = (name: string, help: string, read: () => number | undefined) =>
  raft.gauge(name, help, [], (g) => {
    const v = read();
    if (v !== undefined) g.set(v);
  });
raftGauge(
  'raft_term',
  "The member's current Raft term.",
  fromRaft((s) => s.term),
);
raftGauge(
  'raft_commit_index',
  'The highest log index the member knows committed.',
  fromRaft((s) => s.commitIndex),
);
raftGauge(
  'raft_applied_index',
  'The highest log index applied to the store here.',
  fromRaft((s) => s.appliedIndex),
);
raftGauge(
  'raft_is_leader',
  '1 if this member leads the Raft group, else 0.',
  fromRaft((s) => Number(s.isLeader)),
);

export const raftMetrics = {
  sources: raftSources,
  leaderChanges: raft.counter('raft_leader_changes_total', 'Times this member saw a new leader.'),
  proposalSeconds: raft.histogram(
    'raft_proposal_duration_seconds',
    'From a proposal on the leader until its entry was applied there.',
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  ),
};

const store = metricPart('store');
const storeSources = new Sources<StoreSource>();
store.gauge('store_objects', 'Objects in each table of the store.', ['table'], (g) => {
  for (const [table, count] of storeSources.newest?.objects() ?? []) g.set({ table }, count);
});
store.gauge('store_wal_bytes', "Bytes on disk of the Raft log's segment files.", [], async (g) => {
  const s = storeSources.newest;
  if (s) g.set(await bytesOnDisk(join(s.dir, 'wal')));
});
store.gauge('store_snapshot_bytes', 'Bytes on disk of the Raft snapshot files.', [], async (g) => {
  const s = storeSources.newest;
  if (s) g.set(await bytesOnDisk(join(s.dir, 'snap')));
});

export const storeMetrics = { sources: storeSources };

/** The scheduler as the metrics read it: its unplaced tasks by reason. */
export type SchedulerSource = () => Map<string, number>;

const scheduler = metricPart('scheduler');
const schedulerSources = new Sources<SchedulerSource>();
scheduler.gauge(
  'scheduler_unplaced_tasks',
  'Tasks that no node can take now, by the reason that kept the most nodes from them.',
  ['reason'],
  (g) => {
    for (const [reason, n] of schedulerSources.newest?.() ?? []) g.set({ reason }, n);
  },
);

export const schedulerMetrics = {
  sources: schedulerSources,
  placementSeconds: scheduler.histogram(
    'scheduler_placement_latency_seconds',
    'From the creation of a task until the scheduler assigned it a node.',
    [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  ),
};

/** The dispatcher as the metrics read it. */
export interface DispatcherSource {
  sessions(): number;
  /** The state of each node in the store. */
  nodeStates(): Iterable<string>;
}

const dispatcher = metricPart('dispatcher');
const dispatcherSources = new Sources<DispatcherSource>();
dispatcher.gauge('dispatcher_sessions_open', "Worker sessions open on this manager's dispatcher.", [], (g) =>
  g.set(dispatcherSources.newest?.sessions() ?? 0),
);
dispatcher.gauge('dispatcher_nodes', 'Nodes by state, as the dispatcher sees them.', ['state'], (g) => {
  const s = dispatcherSources.newest;
  if (!s) return;
  // The states a dashboard looks for are there even at 0.
  g.set({ state: 'READY' }, 0);
  g.set({ state: 'DOWN' }, 0);
  for (const [state, n] of tally(s.nodeStates())) g.set({ state }, n);
});

export const dispatcherMetrics = {
  sources: dispatcherSources,
  heartbeats: dispatcher.counter('dispatcher_heartbeats_total', 'Heartbeats the dispatcher took.'),
};

/** The agent as the metrics read it: the state of each task it holds. */
export type AgentSource = () => Iterable<string>;

const agent = metricPart('agent');
const agentSources = new Sources<AgentSource>();
agent.gauge('agent_tasks', 'Tasks this node holds, by state.', ['state'], (g) => {
  g.set({ state: 'RUNNING' }, 0);
  for (const source of agentSources.all()) {
    for (const [state, n] of tally(source())) g.inc({ state }, n);
  }
});

export const agentMetrics = { sources: agentSources };

/**
 * What the mesh counted, per protocol and path: the proxy's thread counts connections and
 * payload bytes; the kernel path (nftables) counts connections and the bytes of the IP packets,
 * and cannot see a failed connect.
 */
export interface MeshCount {
  protocol: string;
  path: 'kernel' | 'userspace';
  connections: number;
  active: number;
  receivedBytes: number;
  sentBytes: number;
  failedConnects: number;
}
export type MeshSource = () => MeshCount[] | Promise<MeshCount[]>;

const mesh = metricPart('mesh');
const meshSources = new Sources<MeshSource>();
const MESH_LABELS = ['protocol', 'path'] as const;
const meshTotals =
  (read: (c: MeshCount) => number) =>
  async (m: { inc(l: { protocol: string; path: string }, v: number): void }) => {
    for (const source of meshSources.all())
      for (const c of await source()) m.inc({ protocol: c.protocol, path: c.path }, read(c));
  };
mesh.counterReadAt(
  'mesh_connections_total',
  'Connections (TCP) and flows (UDP) the mesh took on published ports.',
  MESH_LABELS,
  meshTotals((c) => c.connections),
);
mesh.gauge(
  'mesh_connections_active',
  'Connections and flows of the mesh open now.',
  MESH_LABELS,
  meshTotals((c) => c.active),
);
mesh.counterReadAt(
  'mesh_received_bytes_total',
  'Bytes the mesh received from clients, for tasks (the kernel path counts IP packets, the proxy payload).',
  MESH_LABELS,
  meshTotals((c) => c.receivedBytes),
);
mesh.counterReadAt(
  'mesh_sent_bytes_total',
  'Bytes the mesh sent to clients, from tasks (the kernel path counts IP packets, the proxy payload).',
  MESH_LABELS,
  meshTotals((c) => c.sentBytes),
);
mesh.counterReadAt(
  'mesh_failed_connects_total',
  'Connections to tasks that failed (refused, timed out or unreachable); the proxy only.',
  MESH_LABELS,
  meshTotals((c) => c.failedConnects),
);

export const meshMetrics = { sources: meshSources };

function tally(values: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

/** What the files of `dir` take on disk (a sparse tail counts only where written); 0 if it is gone. */
async function bytesOnDisk(dir: string): Promise<number> {
  const names = await readdir(dir).catch(() => [] as string[]);
  let total = 0;
  for (const name of names) {
    const st = await stat(join(dir, name)).catch(() => undefined);
    if (st?.isFile()) total += Math.min(st.size, st.blocks * 512);
  }
  return total;
}
