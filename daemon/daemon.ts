/**
 * The node daemon: one process per node. On a manager it runs the store, the control
 * loops and the cluster's gRPC services; on every node it runs the agent with the
 * node's runtime drivers, and serves the control API on a local unix socket.
 */
import * as grpc from '@grpc/grpc-js';
import { hostname as osHostname, cpus, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { FlotillaError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import { initCluster, Manager } from '../manager/manager.js';
import { MemoryStore } from '../manager/store/memory-store.js';
import type { Store } from '../manager/store/types.js';
import { wire } from '../proto/load.js';
import { createServer, listen, shutdown, unary } from '../proto/rpc.js';
import type { NodeDescription } from '../proto/types.js';
import type { RuntimeDriver } from '../runtime/driver.js';
import { ProcessDriver } from '../runtime/process/index.js';
import { Agent } from '../worker/agent.js';
import { paths, readIdentity, writeIdentity, type NodeIdentity } from './data-dir.js';

/** The release, as package.json says (read from the source tree, next to dist/). */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export interface InitRequest {
  listen: string;
  hostname?: string;
  heartbeatMs?: number;
}

export function describeNode(hostname: string, runtimes: string[]): NodeDescription {
  return {
    hostname,
    platform: { os: process.platform, arch: process.arch },
    resources: { nanoCpus: cpus().length * 1e9, memoryBytes: totalmem() },
    runtimes,
    version: VERSION,
  };
}

export class Daemon {
  private readonly abort = new AbortController();
  private servers: grpc.Server[] = [];
  private store: Store | undefined;
  private manager: Manager | undefined;
  private agentRun: Promise<void> | undefined;
  private drivers: RuntimeDriver[] = [];

  private constructor(
    private readonly dataDir: string,
    private readonly log: Logger,
  ) {}

  /** Starts the node in `dataDir`; with `init`, first creates a new cluster there. */
  static async start(
    dataDir: string,
    log: Logger,
    init?: InitRequest,
  ): Promise<{ daemon: Daemon; identity: NodeIdentity }> {
    const daemon = new Daemon(dataDir, log);
    try {
      const identity = await daemon.boot(init);
      return { daemon, identity };
    } catch (err) {
      await daemon.close();
      throw err;
    }
  }

  private async boot(init?: InitRequest): Promise<NodeIdentity> {
    const p = paths(this.dataDir);
    this.drivers = [
      new ProcessDriver({ root: p.processRuntime, logger: this.log.child({ room: 'runtime' }) }),
    ];
    let identity = await readIdentity(this.dataDir);
    if (init) {
      if (identity)
        throw new FlotillaError(
          'ALREADY_EXISTS',
          `${this.dataDir} already holds a node; restart it with \`cluster daemon --data-dir ${this.dataDir}\``,
        );
      this.store = await MemoryStore.open(p.store);
      const hostname = init.hostname ?? osHostname();
      const nodeId = await initCluster(this.store, {
        addr: init.listen,
        description: describeNode(hostname, this.runtimes()),
        heartbeatMs: init.heartbeatMs,
      });
      const clusterId = this.store.view((tx) => tx.all('clusters')[0]?.id ?? '');
      identity = {
        nodeId,
        clusterId,
        role: 'MANAGER',
        listen: init.listen,
        hostname,
        managers: [init.listen],
      };
      await writeIdentity(this.dataDir, identity);
    }
    if (!identity) {
      throw new FlotillaError(
        'NOT_FOUND',
        `${this.dataDir} holds no node: create one with \`cluster init\` or \`cluster join\``,
      );
    }
    const id = identity;

    const tcp = createServer();
    const local = createServer();
    this.servers = [tcp, local];
    if (id.role === 'MANAGER') {
      this.store ??= await MemoryStore.open(p.store);
      this.manager = new Manager(this.store, this.log.child({ room: 'manager' }));
      this.manager.register(tcp, { control: true, cluster: true });
      this.manager.register(local, { control: true, cluster: false });
    } else {
      local.addService(wire.flotilla.Control.service, workerControl());
    }
    await listen(tcp, id.listen);
    await rm(p.socket, { force: true });
    await listen(local, `unix:${p.socket}`);
    await writeFile(p.pid, `${process.pid}\n`);
    this.manager?.start();

    const agent = new Agent({
      nodeId: id.nodeId,
      addr: id.listen,
      managers: id.managers,
      description: describeNode(id.hostname, this.runtimes()),
      drivers: this.drivers,
      log: this.log.child({ room: 'agent' }),
      onManagers: (managers) => void writeIdentity(this.dataDir, { ...id, managers }).catch(() => undefined),
    });
    this.agentRun = agent.run(this.abort.signal);
    this.log.info({ node: id.nodeId, role: id.role, listen: id.listen }, 'node ready');
    return id;
  }

  private runtimes(): string[] {
    return this.drivers.map((d) => d.name);
  }

  /** Stops the daemon; tasks keep running and are adopted when it starts again. */
  async close(): Promise<void> {
    this.abort.abort();
    await this.agentRun;
    await this.manager?.close();
    await Promise.all(this.servers.map((s) => shutdown(s)));
    await Promise.all(this.drivers.map((d) => d.close()));
    await this.store?.close();
    await rm(paths(this.dataDir).socket, { force: true });
    await rm(paths(this.dataDir).pid, { force: true });
  }
}

/** On a worker, every control call says where to go instead. */
function workerControl(): grpc.UntypedServiceImplementation {
  const refuse = unary(async () => {
    throw new FlotillaError(
      'UNAVAILABLE',
      'this node is a worker: run the command on a manager, or point at one with --host MANAGER_ADDR',
    );
  });
  return Object.fromEntries(Object.keys(wire.flotilla.Control.service).map((name) => [name, refuse]));
}
