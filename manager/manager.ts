/**
 * A manager: the store, the control loops that run on the leader, and the gRPC services
 * (Control, NodeCA, Dispatcher) on the node's server. With one manager it always leads.
 */
import type * as grpc from '@grpc/grpc-js';
import { describeError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { Logger } from '../lib/log.js';
import type { ControlHandlers } from '../proto/gen/flotilla/Control.js';
import type { DispatcherHandlers } from '../proto/gen/flotilla/Dispatcher.js';
import type { NodeCAHandlers } from '../proto/gen/flotilla/NodeCA.js';
import { wire } from '../proto/load.js';
import { unary } from '../proto/rpc.js';
import type { NodeDescription } from '../proto/types.js';
import { ControlApi } from './api/control.js';
import { join, newJoinTokens } from './ca/join.js';
import { DEFAULT_HEARTBEAT_MS, Dispatcher } from './dispatcher/dispatcher.js';
import { DEFAULT_HISTORY_LIMIT, ReplicatedOrchestrator } from './orchestrator/replicated.js';
import { Scheduler } from './scheduler/scheduler.js';
import type { Store } from './store/types.js';

export interface InitOptions {
  addr: string;
  description: NodeDescription;
  heartbeatMs?: number;
}

/** Creates the cluster in an empty store: its identity, join tokens and this manager's node. Returns the node id. */
export async function initCluster(store: Store, opts: InitOptions): Promise<string> {
  const clusterId = newId();
  const nodeId = newId();
  await store.update((tx) => {
    tx.create('clusters', {
      id: clusterId,
      meta: null,
      spec: {
        name: 'default',
        heartbeatPeriodMs: opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
        taskHistoryLimit: DEFAULT_HISTORY_LIMIT,
      },
      joinTokens: newJoinTokens(clusterId),
    });
    tx.create('nodes', {
      id: nodeId,
      meta: null,
      role: 'MANAGER',
      spec: { desiredRole: 'MANAGER', availability: 'ACTIVE', labels: {} },
      description: opts.description,
      status: { state: 'UNKNOWN', message: 'starting', addr: opts.addr },
    });
  });
  return nodeId;
}

export class Manager {
  private readonly abort = new AbortController();
  private readonly loops: Promise<void>[] = [];
  readonly api: ControlApi;
  private readonly dispatcher: Dispatcher;

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
  ) {
    this.api = new ControlApi(store);
    this.dispatcher = new Dispatcher(store, log.child({ room: 'dispatcher' }), () => this.heartbeatMs());
  }

  /** Adds the manager's services to a server (the node's TCP server and its local socket). */
  register(server: grpc.Server, opts: { control: boolean; cluster: boolean }): void {
    if (opts.control) server.addService(wire.flotilla.Control.service, this.controlHandlers());
    if (!opts.cluster) return;
    const ca: NodeCAHandlers = {
      Join: unary((req) => join(this.store, req, () => this.managerAddrs())),
    };
    const dispatcher: DispatcherHandlers = {
      Session: (stream) => this.dispatcher.session(stream),
      Heartbeat: unary((req) => this.dispatcher.heartbeat(req)),
      UpdateTaskStatus: unary(async (req) => {
        await this.dispatcher.updateTaskStatus(req);
        return {};
      }),
    };
    server.addService(wire.flotilla.NodeCA.service, ca);
    server.addService(wire.flotilla.Dispatcher.service, dispatcher);
  }

  /** Starts the leader's control loops. */
  start(): void {
    const signal = this.abort.signal;
    const run = (name: string, loop: { run(signal: AbortSignal): Promise<void> }) =>
      this.loops.push(
        loop
          .run(signal)
          .catch((err: unknown) =>
            this.log.error({ loop: name, err: describeError(err) }, 'control loop stopped'),
          ),
      );
    run('orchestrator', new ReplicatedOrchestrator(this.store, this.log.child({ room: 'orchestrator' })));
    run('scheduler', new Scheduler(this.store, this.log.child({ room: 'scheduler' })));
    run('dispatcher', this.dispatcher);
  }

  async close(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.loops);
  }

  private heartbeatMs(): number {
    return this.store.view((tx) => tx.all('clusters')[0]?.spec?.heartbeatPeriodMs) || DEFAULT_HEARTBEAT_MS;
  }

  private managerAddrs(): string[] {
    return this.store.view((tx) =>
      tx
        .all('nodes')
        .filter((n) => n.role === 'MANAGER')
        .map((n) => n.status?.addr ?? ''),
    );
  }

  private controlHandlers(): ControlHandlers {
    const api = this.api;
    return {
      ListNodes: unary(async () => ({ nodes: api.listNodes() })),
      GetNode: unary(async (req) => ({ node: api.getNode(req.node) })),
      CreateService: unary(async (req) => ({ service: await api.createService(req.spec) })),
      GetService: unary(async (req) => ({ service: api.getService(req.service) })),
      UpdateService: unary(async (req) => ({
        service: await api.updateService(req.serviceId, req.version, req.spec),
      })),
      RemoveService: unary(async (req) => {
        await api.removeService(req.service);
        return {};
      }),
      ListServices: unary(async () => api.listServices()),
      ListTasks: unary(async (req) => api.listTasks(req)),
      GetJoinTokens: unary(async () => ({ tokens: api.joinTokens() })),
    };
  }
}
