/**
 * Many simulated worker nodes in one process, each a real client of the real managers: an
 * identity of its own (sim/identities.ts), and the node's agent (worker/agent.ts) with its own
 * session, heartbeats and status reports, over a channel of its own. A channel is bound to one
 * client certificate by its TLS handshake and the dispatcher takes only a node's own
 * certificate for its calls, so nodes cannot share one. Tasks "run" on SimDriver.
 */
import { setMaxListeners } from 'node:events';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Logger } from '../lib/log.js';
import { fetchTrustedCa, TlsCredentials } from '../proto/tls.js';
import { parseJoinToken } from '../manager/ca/join.js';
import { Agent } from '../worker/agent.js';
import { VolumeStore } from '../worker/volumes.js';
import { SimDriver } from './driver.js';
import { SharedTasks } from './shared-tasks.js';
import { IdentityFile, identityOf, simDescription, type JoinPlan, type SimIdentity } from './identities.js';

export interface SimWorkersOptions {
  count: number;
  manager: string;
  token: string;
  stateDir: string;
  /** The node names: PREFIX-00000 and up. */
  prefix: string;
  /** How long a simulated container takes to start. */
  startMs: number;
  /** Joins in flight at once. */
  joinConcurrency: number;
  /** Sessions opened per second, so that thousands of TLS handshakes do not land at once. */
  sessionsPerSecond: number;
  log: Logger;
}

export class SimWorkers {
  readonly identities: SimIdentity[] = [];
  private readonly runs: Promise<void>[] = [];
  /** The tasks every node holds, their specs kept once. */
  private readonly tasks = new SharedTasks();

  constructor(private readonly opts: SimWorkersOptions) {}

  /** Joins the nodes the state dir lacks (resuming the others); returns how many were new. */
  async join(): Promise<number> {
    const { manager, token, stateDir, prefix, count, joinConcurrency, log } = this.opts;
    const { ca, localAddress } = await fetchTrustedCa(manager, parseJoinToken(token).digest);
    const plan: JoinPlan = { manager, token, ca, localAddress, stateDir, prefix };
    const file = await IdentityFile.open(stateDir);
    const started = performance.now();
    let next = 0;
    let fresh = 0;
    const worker = async () => {
      for (let i = next++; i < count; i = next++) {
        const got = await identityOf(plan, file, i);
        this.identities[i] = got.identity;
        if (got.fresh) fresh++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(joinConcurrency, count) }, worker)).finally(() =>
      file.close(),
    );
    const perSecond = Math.round((fresh * 1000) / (performance.now() - started));
    log.info({ nodes: count, joined: fresh, joinsPerSecond: perSecond }, 'simulated nodes ready');
    return fresh;
  }

  /** Runs every node's agent until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const gap = 1000 / this.opts.sessionsPerSecond;
    // Every agent listens for the end of the run: thousands of listeners are expected here.
    setMaxListeners(0, signal);
    for (const identity of this.identities) {
      if (signal.aborted) break;
      this.runs.push(this.agentOf(identity).run(signal));
      await new Promise((r) => setTimeout(r, gap));
    }
    await Promise.all(this.runs);
  }

  private agentOf(id: SimIdentity): Agent {
    const log = this.opts.log.child({ node: id.hostname });
    return new Agent({
      nodeId: id.nodeId,
      volumes: new VolumeStore(join(this.opts.stateDir, 'volumes', id.nodeId), async () => new Map()),
      tls: new TlsCredentials({ ca: id.ca, cert: id.cert, key: id.key }),
      addr: id.addr,
      managers: [...new Set([...id.managers, this.opts.manager])],
      description: simDescription(id.hostname),
      drivers: [new SimDriver(this.opts.startMs)],
      log,
      role: 'WORKER',
      onRoleChange: () => log.warn('a simulated node cannot change role; it stays a worker'),
      tasks: this.tasks,
    });
  }
}
