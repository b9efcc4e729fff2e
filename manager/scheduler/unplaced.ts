/**
 * The tasks the scheduler could not place, counted by reason for the metrics. A task's
 * reason (in its status, see filters.ts `explain`) names each filter that refused nodes
 * and on how many; the one that refused the most stands for the task, as a short label
 * without the particulars (which constraint, which port) that would make labels unbounded.
 */
import type { Task } from '../../proto/types.js';

/** Label by the start of a filter's reason; the first that matches wins. */
const KINDS: [start: string, label: string][] = [
  ['insufficient generic resource', 'insufficient_generic_resource'],
  ['insufficient cpu', 'insufficient_cpu'],
  ['insufficient memory', 'insufficient_memory'],
  ['constraint ', 'constraint'],
  ['anti-affinity ', 'anti_affinity'],
  ['affinity ', 'affinity'],
  ['max replicas per node', 'max_replicas_per_node'],
  ['host-mode port', 'host_port_in_use'],
  ['node is not ready', 'node_not_ready'],
  ['node availability is not active', 'node_not_active'],
  ['no container runtime', 'no_runtime'],
  ['no node has a container runtime', 'no_runtime'],
  ['no overlay networks', 'no_overlay_networks'],
  ['the cluster has no nodes', 'no_nodes'],
  ['network ', 'network'],
];

/** Unplaced tasks (pending, wanted running, with a reason) by the label of their main reason. */
export function unplacedByReason(tasks: Iterable<Task>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of tasks) {
    const err = t.status?.err;
    if (t.status?.state !== 'PENDING' || t.desiredState !== 'RUNNING' || !err) continue;
    const label = reasonLabel(err);
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return counts;
}

/** "no suitable node: insufficient memory on 3 nodes, constraint a==b on 1 node" → insufficient_memory. */
export function reasonLabel(err: string): string {
  const list = err.replace(/^no suitable node: /, '');
  let main = list;
  let most = -1;
  for (const part of list.split(', ')) {
    const m = /^(.*) on (\d+) nodes?$/.exec(part);
    if (m && Number(m[2]) > most) [main, most] = [m[1]!, Number(m[2])];
  }
  return KINDS.find(([start]) => main.startsWith(start))?.[1] ?? 'other';
}
