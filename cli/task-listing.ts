/**
 * The task listings, `service ps` and `node ps`: the tasks sorted by service and slot, each
 * slot's current task first and its history under it, with their filters and fields.
 */
import type { Command } from 'commander';
import { humanDuration } from '../lib/durations.js';
import type { ControlClient } from '../proto/gen/flotilla/Control.js';
import { taskName, type Node, type Task } from '../proto/types.js';
import { portsColumn } from './commands/service/flags/publish.js';
import { titleCase } from './format.js';
import {
  idFilter,
  listingCommand,
  listingFilter,
  listingPrinter,
  printListing,
  rowLimit,
  type Listing,
} from './listing.js';
import { allTasks } from './pages.js';

export interface TaskItem {
  task: Task;
  node: Node | undefined;
  /** An older task of the slot above it. */
  history: boolean;
  /** When the listing was made: the states say how long ago they began. */
  now: number;
}

export function taskItems(tasks: Task[], nodes: Node[], now: number): TaskItem[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const sorted = [...tasks].sort(
    (a, b) =>
      a.serviceName.localeCompare(b.serviceName) ||
      a.slot - b.slot ||
      (b.meta?.createdAt ?? 0) - (a.meta?.createdAt ?? 0),
  );
  return sorted.map((task, i) => ({
    task,
    node: byId.get(task.nodeId),
    history: i > 0 && taskName(sorted[i - 1]!) === taskName(task),
    now,
  }));
}

function currentState({ task, now }: TaskItem): string {
  const health = task.status?.health;
  const note = health && health !== 'HEALTH_NONE' ? ` (${health.replace('HEALTH_', '').toLowerCase()})` : '';
  const since = humanDuration(now - (task.status?.timestamp ?? now));
  return `${titleCase(task.status?.state ?? 'NEW')}${note} ${since} ago`;
}

export const TASKS: Listing<TaskItem> = {
  columns: [
    { field: 'ID', header: 'ID', value: (i) => i.task.id, cell: (i) => i.task.id.slice(0, 12) },
    {
      field: 'Name',
      header: 'NAME',
      value: (i) => taskName(i.task),
      cell: (i) => (i.history ? ` \\_ ${taskName(i.task)}` : taskName(i.task)),
    },
    { field: 'Image', header: 'IMAGE', value: (i) => i.task.spec?.container?.image ?? '', extra: true },
    {
      field: 'Node',
      header: 'NODE',
      value: (i) => (i.task.nodeId ? (i.node?.description?.hostname ?? i.task.nodeId.slice(0, 12)) : ''),
    },
    { field: 'DesiredState', header: 'DESIRED STATE', value: (i) => titleCase(i.task.desiredState) },
    { field: 'CurrentState', header: 'CURRENT STATE', value: currentState },
    { field: 'Error', header: 'ERROR', value: (i) => i.task.status?.err ?? '' },
    {
      // As docker's: the ports a task publishes on its own node.
      field: 'Ports',
      header: 'PORTS',
      value: (i) => portsColumn(i.task.endpoint?.ports.filter((p) => p.mode === 'HOST')),
      extra: true,
    },
  ],
  filters: {
    id: idFilter((i) => i.task.id),
    name: { match: (i, name) => taskName(i.task) === name },
    node: {
      match: (i, ref) =>
        i.task.nodeId !== '' && (i.task.nodeId.startsWith(ref) || i.node?.description?.hostname === ref),
    },
    'desired-state': {
      match: (i, state) => i.task.desiredState === state.toUpperCase(),
      values: ['running', 'shutdown', 'accepted'],
    },
  },
  id: (i) => i.task.id,
  raw: (i) => i.task,
};

/**
 * Makes `cmd` list the tasks of the services or of the nodes its arguments name, with the
 * listing options (and --limit).
 */
export function taskListCommand(
  cmd: Command,
  connect: () => ControlClient,
  of: 'services' | 'nodes',
): Command {
  return listingCommand(
    cmd,
    TASKS,
    async (o, refs: string[]) => {
      const keep = listingFilter(TASKS, o);
      const client = connect();
      const now = Date.now();
      const nodes = new Map<string, Node>();
      const listed = await allTasks(
        client,
        of === 'services' ? { services: refs } : { nodes: refs },
        undefined,
        {
          limit: rowLimit(o),
          nodes,
          keep: keep && ((task) => keep({ task, node: nodes.get(task.nodeId), history: false, now })),
        },
      );
      return taskItems(listed.tasks, listed.nodes, now);
    },
    true,
  );
}

/**
 * The tasks as the default table, or whole as JSON: for the task lists that do not take the
 * listing options yet (`stack ps`).
 */
export function printTasks({ tasks, nodes }: { tasks: Task[]; nodes: Node[] }, json: boolean): void {
  const print = listingPrinter(TASKS, { filter: [], format: json ? 'raw' : 'table' });
  printListing(print(taskItems(tasks, nodes, Date.now())));
}
