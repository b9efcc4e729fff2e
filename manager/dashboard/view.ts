/**
 * What the dashboard shows, read from this manager's copy of the store: nodes, services
 * (replicas running/desired, update state and progress) and their recent tasks, as plain
 * JSON. No spec values beyond what a person scans (image, mode, replicas): environment and
 * secrets stay out of the page.
 */
import { isJob, isTerminal, taskName } from '../../proto/types.js';
import type { Node, Service, Task } from '../../proto/types.js';
import { desiredTasks } from '../api/control.js';
import type { ReadTx } from '../store/types.js';

export interface NodeView {
  id: string;
  hostname: string;
  role: string;
  availability: string;
  state: string;
  addr: string;
  leader: boolean;
  /** Tasks meant to run there. */
  tasks: number;
}

export interface TaskView {
  id: string;
  name: string;
  node: string;
  desiredState: string;
  state: string;
  message: string;
  error: string;
  specVersion: number;
  updatedAt: number;
}

export interface ServiceView {
  id: string;
  name: string;
  image: string;
  mode: string;
  /** A replicated service's replicas (scalable); null for the other modes. */
  replicas: number | null;
  running: number;
  desired: number;
  version: number;
  /** The update or rollback: its state, and how many of the tasks wanted run the new version. */
  update: {
    state: string;
    message: string;
    updated: number;
    of: number;
    fromVersion: number;
    toVersion: number;
  } | null;
  /** The tasks meant to run, then the latest stopped ones. */
  tasks: TaskView[];
}

export interface DashboardState {
  index: number;
  nodes: NodeView[];
  services: ServiceView[];
}

/** Stopped tasks shown per service, besides those meant to run. */
const STOPPED_SHOWN = 10;

const MODE_NAMES: Record<string, string> = {
  replicated: 'replicated',
  global: 'global',
  replicatedJob: 'replicated-job',
  globalJob: 'global-job',
};

/** The state; `leaderAddr` is the leading manager's address as the leadership knows it (the store does not keep it). */
export function dashboardState(tx: ReadTx, leaderAddr: string | undefined): DashboardState {
  const nodes = tx.all('nodes');
  const hostnames = new Map(nodes.map((n) => [n.id, n.description?.hostname ?? n.id]));
  return {
    index: tx.index,
    nodes: nodes.map((n) => nodeView(tx, n, leaderAddr)).sort((a, b) => a.hostname.localeCompare(b.hostname)),
    services: tx
      .all('services')
      .map((s) => serviceView(s, tx.tasksByService(s.id), nodes, hostnames))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

function nodeView(tx: ReadTx, n: Node, leaderAddr: string | undefined): NodeView {
  return {
    id: n.id,
    hostname: n.description?.hostname ?? n.id,
    role: n.role,
    availability: n.spec?.availability ?? 'ACTIVE',
    state: n.status?.state ?? 'UNKNOWN',
    addr: n.status?.addr ?? '',
    leader: n.managerStatus !== null && n.managerStatus?.addr === leaderAddr,
    tasks: tx
      .tasksByNode(n.id)
      .filter((t) => t.desiredState === 'RUNNING' && !isTerminal(t.status?.state ?? 'NEW')).length,
  };
}

function serviceView(s: Service, tasks: Task[], nodes: Node[], hostnames: Map<string, string>): ServiceView {
  const spec = s.spec;
  const live = tasks.filter((t) => t.desiredState === 'RUNNING' && t.status?.state === 'RUNNING');
  const version = Number(s.specVersion);
  const desired = desiredTasks(nodes, s);
  const status = s.updateStatus;
  const current = tasks.filter((t) => t.desiredState === 'RUNNING' && !isTerminal(t.status?.state ?? 'NEW'));
  const stopped = tasks
    .filter((t) => !current.includes(t))
    .sort((a, b) => updatedAt(b) - updatedAt(a))
    .slice(0, STOPPED_SHOWN);
  return {
    id: s.id,
    name: spec?.name ?? s.id,
    image: spec?.task?.container?.image ?? '',
    mode: MODE_NAMES[spec?.mode ?? ''] ?? '',
    replicas: spec?.mode === 'replicated' ? (spec.replicated?.replicas ?? 0) : null,
    running: isJob(spec) ? tasks.filter((t) => t.status?.state === 'COMPLETE').length : live.length,
    desired,
    version,
    update:
      status && status.state !== 'UPDATE_NONE'
        ? {
            state: status.state,
            message: status.message,
            updated: live.filter((t) => Number(t.specVersion) === version).length,
            of: desired,
            fromVersion: Number(status.fromVersion),
            toVersion: Number(status.toVersion),
          }
        : null,
    tasks: [...current.sort((a, b) => Number(a.slot) - Number(b.slot)), ...stopped].map((t) => ({
      id: t.id,
      name: taskName(t),
      node: hostnames.get(t.nodeId) ?? t.nodeId,
      desiredState: t.desiredState,
      state: t.status?.state ?? 'NEW',
      message: t.status?.message ?? '',
      error: t.status?.err ?? '',
      specVersion: Number(t.specVersion),
      updatedAt: updatedAt(t),
    })),
  };
}

const updatedAt = (t: Task) => Number(t.status?.timestamp ?? 0);
