/**
 * The control API: what the CLI calls. It resolves names and id prefixes, validates input
 * (nothing is written when it is wrong) and reads and writes through the store.
 */
import { FlotillaError, invalidArgument, notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import type { ListNodesRequest } from '../../proto/gen/flotilla/ListNodesRequest.js';
import type { ListServicesRequest } from '../../proto/gen/flotilla/ListServicesRequest.js';
import type { ListServicesResponse } from '../../proto/gen/flotilla/ListServicesResponse.js';
import type { ListTasksRequest } from '../../proto/gen/flotilla/ListTasksRequest.js';
import type { ListTasksResponse } from '../../proto/gen/flotilla/ListTasksResponse.js';
import type { UnplacedTask } from '../../proto/gen/flotilla/UnplacedTask.js';
import type { JoinTokens, Node, NodeRole, NodeSpec, Service, ServiceSpec, Task } from '../../proto/types.js';
import { clusterOf, withRemoved } from '../ca/certificates.js';
import { rotateJoinToken } from '../ca/join.js';
import { openJoinTokens, withJoinTokens } from '../ca/join-tokens.js';
import { reservePorts } from '../allocator/ports.js';
import { eligibleNodes } from '../scheduler/filters.js';
import { rollBack, promoted, withSpec } from '../services/versions.js';
import type { ReadTx, Store, WriteTx } from '../store/types.js';
import { attachNetworks } from './networks.js';
import { pruneRegistrySecrets, withRegistrySecret } from './registry-auth.js';
import type { Keyring } from '../keys/keyring.js';
import { attachFiles } from './secrets.js';
import { jsonWeight, mergeById, pageOf, takePage } from './paging.js';
import { validateNodeSpec, validateServiceSpec } from './validate.js';

/** Tasks a service wants: running ones, or for a replicated job its completions. */
export function desiredTasks(nodes: Node[], service: Service): number {
  const spec = service.spec;
  switch (spec?.mode) {
    case 'replicated':
      return spec.replicated?.replicas ?? 0;
    case 'replicatedJob':
      return spec.replicatedJob?.totalCompletions ?? 0;
    case 'global':
    case 'globalJob':
      return eligibleNodes(nodes, service).length;
    default:
      return 0;
  }
}

/** An object by exact id, by exact name, or by a unique id prefix. */
function resolve<T extends { id: string }>(kind: string, all: T[], ref: string, name: (o: T) => string): T {
  const exact = all.find((o) => o.id === ref) ?? all.find((o) => name(o) === ref);
  if (exact) return exact;
  const byPrefix = ref ? all.filter((o) => o.id.startsWith(ref)) : [];
  if (byPrefix.length === 1 && byPrefix[0]) return byPrefix[0];
  if (byPrefix.length > 1) {
    throw new FlotillaError(
      'INVALID_ARGUMENT',
      `${kind} ${JSON.stringify(ref)} is ambiguous: it matches ${byPrefix.length} ${kind}s; give more of the id`,
    );
  }
  throw notFound(kind, ref);
}

const resolveService = (tx: ReadTx, ref: string): Service =>
  resolve('service', tx.all('services'), ref, (s) => s.spec?.name ?? '');

const resolveNode = (tx: ReadTx, ref: string): Node =>
  resolve('node', tx.all('nodes'), ref, (n) => n.description?.hostname ?? '');

/** Every row in one answer (up to MAX_PAGE_ROWS). */
const ALL = { limit: 0, pageToken: '' };

function* filter<T>(rows: Iterable<T>, keep: (row: T) => boolean): Iterable<T> {
  for (const row of rows) if (keep(row)) yield row;
}

export class ControlApi {
  /** `keys` open and seal what the store keeps sealed (join tokens, registry credentials). */
  constructor(
    private readonly store: Store,
    private readonly keys?: Keyring,
  ) {}

  /** A page of the nodes, in id order (paging.ts). */
  listNodes(req: ListNodesRequest = ALL): { nodes: Node[]; nextPageToken: string } {
    const page = pageOf('nodes', req);
    return this.store.view((tx) => {
      const { rows, nextPageToken } = takePage(tx.scan('nodes', page.after), page);
      return { nodes: rows, nextPageToken };
    });
  }

  getNode(ref: string): Node {
    return this.store.view((tx) => resolveNode(tx, ref));
  }

  /**
   * Changes a node's spec. `check` vets a role change against the cluster first (a demotion
   * must leave a quorum).
   */
  async updateNode(
    id: string,
    version: number,
    spec: NodeSpec | null,
    check?: (current: Node) => void,
  ): Promise<Node> {
    validateNodeSpec(spec);
    const current = this.store.view((tx) => tx.get('nodes', id));
    if (!current) throw notFound('node', id);
    if (version && current.meta?.version !== version) {
      throw new FlotillaError(
        'CONFLICT',
        `node ${current.description?.hostname ?? id} changed since it was read; read it again and retry`,
      );
    }
    if (spec.desiredRole !== current.spec?.desiredRole) check?.(current);
    await this.store.update((tx) => {
      const n = tx.get('nodes', id);
      if (!n) throw notFound('node', id);
      tx.update('nodes', { ...n, spec });
    });
    return this.store.view((tx) => tx.get('nodes', id) as Node);
  }

  /**
   * Takes a node out of the cluster. A node that is up must be forced out (its tasks are
   * replaced elsewhere); a manager must be demoted first.
   */
  async removeNode(ref: string, force: boolean): Promise<void> {
    await this.store.update((tx) => {
      const node = resolveNode(tx, ref);
      const name = node.description?.hostname ?? node.id;
      if (node.role === 'MANAGER' || node.spec?.desiredRole === 'MANAGER') {
        throw new FlotillaError(
          'CONFLICT',
          `${name} is a manager: demote it first (\`cluster node demote ${name}\`), then remove it`,
        );
      }
      if (node.status?.state !== 'DOWN' && !force) {
        throw new FlotillaError(
          'CONFLICT',
          `${name} is not down: stop its daemon first, or remove it with --force (its tasks are then replaced elsewhere)`,
        );
      }
      tx.delete('nodes', node.id);
      // From this write on, every manager refuses the node's certificate.
      const cluster = tx.all('clusters')[0];
      if (cluster) tx.update('clusters', withRemoved(cluster, node));
    });
  }

  async createService(spec: ServiceSpec | null): Promise<Service> {
    validateServiceSpec(spec);
    const service: Service = {
      id: newId(),
      meta: null,
      spec,
      previousSpec: null,
      specVersion: 1,
      updateStatus: null,
      specHistory: [],
    };
    await this.store.update((tx) => {
      const attached = this.registrySecret(tx, service.id, attachFiles(tx, attachNetworks(tx, spec)));
      if (tx.byName('services', spec.name)) {
        throw new FlotillaError(
          'ALREADY_EXISTS',
          `a service named ${JSON.stringify(spec.name)} already exists; pick another name or update it`,
        );
      }
      const endpoint = reservePorts(tx, service.id, spec.endpoint);
      const created = { ...service, spec: attached };
      tx.create('services', endpoint ? { ...created, endpoint } : created);
    });
    return this.store.view((tx) => tx.get('services', service.id) ?? service);
  }

  getService(ref: string): Service {
    return this.store.view((tx) => resolveService(tx, ref));
  }

  /** The service's tasks that wait for a node, with the scheduler's reason. */
  unplacedTasks(serviceId: string): UnplacedTask[] {
    return this.store.view((tx) =>
      tx
        .tasksByService(serviceId)
        .filter((t) => t.status?.state === 'PENDING' && t.desiredState === 'RUNNING' && t.status.err)
        .map((t) => ({ taskId: t.id, slot: t.slot, nodeId: t.nodeId, reason: t.status!.err })),
    );
  }

  async updateService(id: string, version: number, spec: ServiceSpec | null): Promise<Service> {
    validateServiceSpec(spec);
    await this.store.update((tx) => {
      const current = tx.get('services', id);
      if (!current) throw notFound('service', id);
      if (version && current.meta?.version !== version) {
        throw new FlotillaError(
          'CONFLICT',
          `service ${spec.name} changed since it was read (version ${current.meta?.version}, not ${version}); read it again and retry`,
        );
      }
      const endpoint = reservePorts(tx, id, spec.endpoint, current.endpoint);
      // Tasks carry the ports they were made for: new ports need new tasks.
      const portsChanged =
        JSON.stringify(current.endpoint?.ports ?? []) !== JSON.stringify(endpoint?.ports ?? []);
      const updated = withSpec(
        { ...current, endpoint },
        this.registrySecret(tx, id, attachFiles(tx, attachNetworks(tx, spec))),
        Date.now(),
        portsChanged,
      );
      tx.update('services', updated);
      pruneRegistrySecrets(tx, id, updated);
    });
    return this.store.view((tx) => tx.get('services', id) as Service);
  }

  /** Back to an earlier spec (0: the previous one), with the rollback policy. */
  async rollbackService(ref: string, toVersion: number): Promise<Service> {
    const id = await this.store.update((tx) => {
      const current = resolveService(tx, ref);
      rollBack(tx, current, toVersion, Date.now(), 'rollback requested');
      return current.id;
    });
    return this.store.view((tx) => tx.get('services', id) as Service);
  }

  /** Lets an update waiting on its canaries go on. */
  async promoteService(ref: string): Promise<Service> {
    const id = await this.store.update((tx) => {
      const current = resolveService(tx, ref);
      tx.update('services', promoted(current));
      return current.id;
    });
    return this.store.view((tx) => tx.get('services', id) as Service);
  }

  async removeService(ref: string): Promise<void> {
    await this.store.update((tx) => {
      const id = resolveService(tx, ref).id;
      tx.delete('services', id);
      pruneRegistrySecrets(tx, id);
    });
  }

  private registrySecret(tx: WriteTx, serviceId: string, spec: ServiceSpec): ServiceSpec {
    if (!spec.task?.container?.registryAuth) return spec;
    return withRegistrySecret(tx, this.sealing(), serviceId, spec);
  }

  private sealing(): Keyring {
    if (!this.keys)
      throw new FlotillaError('INTERNAL', 'this API was made without the keys that open sealed values');
    return this.keys;
  }

  /** A page of the services, in id order, each with its running and desired task counts. */
  listServices(req: ListServicesRequest = ALL): ListServicesResponse {
    const page = pageOf('services', req);
    return this.store.view((tx) => {
      const { rows, nextPageToken } = takePage(tx.scan('services', page.after), page);
      let nodes: Node[] | undefined;
      const services = rows.map((service) => {
        // Only a global service counts nodes: read them once, and only then.
        const mode = service.spec?.mode;
        if (mode === 'global' || mode === 'globalJob') nodes ??= tx.all('nodes');
        return {
          service,
          runningTasks: tx.runningTasks(service.id),
          desiredTasks: desiredTasks(nodes ?? [], service),
        };
      });
      return { services, nextPageToken };
    });
  }

  /**
   * A page of the tasks, in id order, of the services and nodes the request names (none: of
   * all), with the nodes they name. A page reads its rows through the index of the nodes (a
   * node holds few tasks) or else of the services, so it costs its rows, not the table.
   */
  listTasks(req: ListTasksRequest): ListTasksResponse {
    const page = pageOf('tasks', req);
    return this.store.view((tx) => {
      const serviceIds = new Set(req.services.map((ref) => resolveService(tx, ref).id));
      const nodeIds = new Set(req.nodes.map((ref) => resolveNode(tx, ref).id));
      const rows = nodeIds.size
        ? filter(
            mergeById([...nodeIds].map((id) => tx.scanTasks('nodeId', id, page.after))),
            (t) => serviceIds.size === 0 || serviceIds.has(t.serviceId),
          )
        : serviceIds.size
          ? mergeById([...serviceIds].map((id) => tx.scanTasks('serviceId', id, page.after)))
          : tx.scan('tasks', page.after);
      // The answer carries each task's node once: the first task on it weighs it too.
      const weighed = new Set<string>();
      const weight = (t: Task) => {
        const node = weighed.has(t.nodeId) ? undefined : tx.get('nodes', t.nodeId);
        weighed.add(t.nodeId);
        return jsonWeight(t) + (node ? jsonWeight(node) : 0);
      };
      const { rows: tasks, nextPageToken } = takePage(rows, page, weight);
      const nodes = [...new Set(tasks.map((t) => t.nodeId))].flatMap((id) => tx.get('nodes', id) ?? []);
      return { tasks, nodes, nextPageToken };
    });
  }

  joinTokens(): JoinTokens {
    return this.store.view((tx) => openJoinTokens(clusterOf(tx), this.sealing().dataKey(tx)));
  }

  /** A new token for `role`; nodes that joined with the old one keep their certificates. */
  async rotateJoinToken(role: NodeRole): Promise<JoinTokens> {
    if (role !== 'WORKER' && role !== 'MANAGER') throw invalidArgument('role', 'WORKER or MANAGER', role);
    return this.store.update((tx) => {
      const cluster = clusterOf(tx);
      const dataKey = this.sealing().dataKey(tx);
      const tokens = rotateJoinToken(cluster, openJoinTokens(cluster, dataKey), role);
      tx.update('clusters', withJoinTokens(cluster, tokens, dataKey));
      return tokens;
    });
  }
}
