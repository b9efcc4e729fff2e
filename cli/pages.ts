/**
 * The listings the managers answer page by page (ListNodes, ListServices, ListTasks, in id
 * order): every caller reads them through here, PAGE_ROWS rows a call, so no answer grows with
 * the cluster, and a row that stays while others come and go between calls is read once.
 */
import type { ControlClient } from '../proto/gen/flotilla/Control.js';
import type { ServiceSummary } from '../proto/gen/flotilla/ServiceSummary.js';
import { call } from '../proto/rpc.js';
import type { Node, Task } from '../proto/types.js';

/** Rows a call asks for: an answer of a few MiB at most, well under a message's limit. */
export const PAGE_ROWS = 1_000;

export interface PageRequest {
  limit: number;
  pageToken: string;
}

export interface Gather<T> {
  /** Stop once this many rows are kept (default: read to the last page). */
  limit?: number;
  /** The rows to keep (default: all). */
  keep?: (row: T) => boolean;
}

/**
 * The rows of every page, in the managers' order: `fetch` asks for one page, `rowsOf` takes
 * its rows out of the answer.
 */
export async function gatherPages<R extends { nextPageToken: string }, T>(
  fetch: (page: PageRequest) => Promise<R>,
  rowsOf: (answer: R) => T[],
  { limit = Infinity, keep }: Gather<T> = {},
): Promise<T[]> {
  const out: T[] = [];
  let pageToken = '';
  do {
    // Without a filter, the rows still wanted are all a page needs to hold.
    const rows = keep ? PAGE_ROWS : Math.min(PAGE_ROWS, limit - out.length);
    const answer = await fetch({ limit: rows, pageToken });
    for (const row of rowsOf(answer)) {
      if (out.length < limit && (!keep || keep(row))) out.push(row);
    }
    pageToken = answer.nextPageToken;
  } while (pageToken && out.length < limit);
  return out;
}

/** Every node. */
export function allNodes(client: ControlClient, timeoutMs?: number, gather?: Gather<Node>): Promise<Node[]> {
  return gatherPages(
    (page) => call(client, client.ListNodes, page, timeoutMs),
    (a) => a.nodes,
    gather,
  );
}

/** Every service, with its task counts. */
export function allServices(
  client: ControlClient,
  timeoutMs?: number,
  gather?: Gather<ServiceSummary>,
): Promise<ServiceSummary[]> {
  return gatherPages(
    (page) => call(client, client.ListServices, page, timeoutMs),
    (a) => a.services,
    gather,
  );
}

export interface TaskFilter {
  /** Ids, id prefixes or names; none: every service's. */
  services?: string[];
  /** Ids, id prefixes or hostnames; none: on any node or none. */
  nodes?: string[];
}

/**
 * Every task of the services and nodes the filter names, with the nodes they name. `keep`
 * sees a task with the nodes of the pages so far (its own among them).
 */
export async function allTasks(
  client: ControlClient,
  filter: TaskFilter = {},
  timeoutMs?: number,
  gather?: Gather<Task> & { nodes?: Map<string, Node> },
): Promise<{ tasks: Task[]; nodes: Node[] }> {
  const nodes = gather?.nodes ?? new Map<string, Node>();
  const request = { services: filter.services ?? [], nodes: filter.nodes ?? [] };
  const tasks = await gatherPages(
    (page) => call(client, client.ListTasks, { ...request, ...page }, timeoutMs),
    (a) => {
      for (const n of a.nodes) nodes.set(n.id, n);
      return a.tasks;
    },
    gather,
  );
  return { tasks, nodes: [...nodes.values()] };
}
