import { describeMessage } from '../../manager/raft/core/describe.js';
import { isProposalDropped } from '../../manager/raft/core/errors.js';
import { MemoryStorage } from '../../manager/raft/core/storage.js';
import type { ConfChange, Message, RaftId } from '../../manager/raft/types.js';
import { ConfChangeType, MessageType, StateType } from '../../manager/raft/types.js';
import { Checker } from './checker.js';
import { Figure8Nemesis } from './figure8.js';
import { SimNode, type ApplyObserver, type NodeOptions } from './node.js';
import { Prng } from '../../lib/prng.js';

export interface SimConfig {
  seed: number;
  steps: number;
  /** Initial voters. */
  nodes: number;
  /** Events kept for the failure report. */
  historySize?: number;
  /**
   * Whether the Figure 8 nemesis (figure8.ts) may run in this seed; by default a draw from the
   * seed (half of the seeds), so that the others keep the ordinary fault schedule alone.
   */
  figure8?: boolean;
}

export interface SimStats {
  leaders: number;
  commit: number;
  crashes: number;
  confChanges: number;
  snapshots: number;
  reads: number;
  /** Figure 8 schedules that got as far as the old leader's commit (see figure8.ts). */
  figure8: number;
}

export interface SimResult {
  ok: boolean;
  seed: number;
  /** Step of the failure (steps + liveness rounds), when !ok. */
  step: number;
  error?: string;
  history: string[];
  stats: SimStats;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const LIVENESS_PAYLOAD = 'liveness-check';

/**
 * `fault`: a fault of the network, processes or membership, which waits while a Figure 8
 * schedule runs (figure8.ts): that nemesis steers alone then, but for the crash points of Ready
 * handling and restarts of the nodes it does not hold down.
 */
type Event = { weight: number; run: () => string | undefined; fault?: boolean };

/**
 * One seeded run: a cluster of SimNodes over a hostile network (loss, duplication,
 * reordering, partitions), with crashes at any point of Ready handling, clients proposing and
 * reading, membership changes, leadership transfers and compaction. Every step is followed by
 * the invariant checks; the run ends with a liveness check after healing everything.
 */
export class Simulation {
  private readonly prng: Prng;
  private readonly checker = new Checker();
  private readonly nodes = new Map<RaftId, SimNode>();
  private network: Message[] = [];
  /** Node -> partition group; empty when healed. */
  private groups = new Map<RaftId, number>();
  private history: string[] = [];
  private step = 0;
  private seq = 0;
  private nextId: number;
  private livenessIndex = 0;
  private readonly options: NodeOptions;
  private readonly observer: ApplyObserver;
  private readonly stats: SimStats = {
    leaders: 0,
    commit: 0,
    crashes: 0,
    confChanges: 0,
    snapshots: 0,
    reads: 0,
    figure8: 0,
  };
  private readonly events: Event[];
  private readonly figure8: Figure8Nemesis | undefined;

  constructor(private readonly cfg: SimConfig) {
    this.prng = new Prng(cfg.seed);
    const p = this.prng;
    // Each seed also draws its own configuration, so that the options' combinations are covered.
    this.options = {
      electionTick: 4 + p.int(5),
      heartbeatTick: 1 + p.int(2),
      checkQuorum: p.chance(0.75),
      preVote: p.chance(0.75),
      maxSizePerMsg: p.pick([16, 64, 1024 * 1024]),
      maxInflightMsgs: p.pick([1, 3, 256]),
      maxInflightBytes: p.pick([0, 32, 256]),
    };
    const figure8 = p.chance(0.5);
    if (cfg.figure8 ?? figure8) {
      this.figure8 = new Figure8Nemesis({
        prng: p,
        nodes: this.nodes,
        leader: () => this.leader(),
        setGroups: (groups) => {
          this.groups = groups;
        },
        crash: (n) => this.crashed(n, ''),
        restart: (n) => this.restartNode(n),
        propose: (n, data) => {
          try {
            return n.rn!.propose(encoder.encode(data))?.index;
          } catch (err) {
            if (!isProposalDropped(err)) throw err;
            return undefined;
          }
        },
      });
    }
    this.observer = {
      applied: (node, e, hash) => {
        this.checker.applied(node, e, hash);
        if (decoder.decode(e.data) === LIVENESS_PAYLOAD) this.livenessIndex = e.index;
      },
      restoredSnapshot: (node, index, hash) => this.checker.restoredSnapshot(node, index, hash),
    };
    const voters = Array.from({ length: cfg.nodes }, (_, i) => i + 1);
    for (const id of voters) this.addNode(id, MemoryStorage.bootstrap({ voters, learners: [] }));
    this.nextId = cfg.nodes + 1;
    this.events = [
      // The network and disks are fast next to election timeouts, as in a real deployment.
      { weight: 40, run: () => this.deliverOne() },
      { weight: 30, run: () => this.handleReady() },
      { weight: 5, run: () => this.tick() },
      { weight: 6, run: () => this.propose() },
      { weight: 2, run: () => this.readIndex() },
      { weight: 2, run: () => this.dropOne() },
      { weight: 0.2, run: () => this.partition(), fault: true },
      { weight: 0.6, run: () => this.heal(), fault: true },
      { weight: 0.25, run: () => this.crash(), fault: true },
      { weight: 0.15, run: () => this.crashLeader(), fault: true },
      { weight: 0.1, run: () => this.isolateLeader(), fault: true },
      { weight: 2, run: () => this.restart() },
      { weight: 0.8, run: () => this.changeMembership(), fault: true },
      { weight: 0.4, run: () => this.transferLeadership(), fault: true },
      { weight: 1, run: () => this.compact() },
      { weight: 0.3, run: () => this.figure8?.start(this.step) },
    ];
  }

  run(): SimResult {
    try {
      for (this.step = 0; this.step < this.cfg.steps; this.step++) {
        const what = this.pickEvent();
        if (what) this.record(what);
        const steered = this.figure8?.step(this.step);
        if (steered) this.record(steered);
        for (const n of this.nodes.values()) this.checker.observe(n);
      }
      this.checkLiveness();
      return this.result();
    } catch (err) {
      return this.result(err instanceof Error ? (err.stack ?? err.message) : String(err));
    }
  }

  private result(error?: string): SimResult {
    this.stats.commit = this.checker.maxCommit;
    this.stats.leaders = this.checker.leaderCount();
    this.stats.figure8 = this.figure8?.reached.get('return') ?? 0;
    return {
      ok: error === undefined,
      seed: this.cfg.seed,
      step: this.step,
      ...(error === undefined ? {} : { error }),
      history: this.history,
      stats: this.stats,
    };
  }

  private record(what: string): void {
    this.history.push(`${this.step}: ${what}`);
    const keep = this.cfg.historySize ?? 80;
    if (this.history.length >= keep * 2) this.history = this.history.slice(-keep);
  }

  private pickEvent(): string | undefined {
    const total = this.events.reduce((s, e) => s + e.weight, 0);
    let x = this.prng.next() * total;
    for (const e of this.events) {
      x -= e.weight;
      if (x >= 0) continue;
      if (e.fault && this.figure8?.active) return undefined;
      return e.run();
    }
    return undefined;
  }

  private addNode(id: RaftId, disk: MemoryStorage): SimNode {
    const n = new SimNode(id, disk, this.options, () => this.prng.next(), this.observer);
    this.nodes.set(id, n);
    return n;
  }

  private running(): SimNode[] {
    return [...this.nodes.values()].filter((n) => n.running);
  }

  /**
   * The leader of the highest term. A stale leader can linger: e.g. one removed from the
   * cluster that never learned it, which without check-quorum never hears of a higher term.
   */
  private leader(): SimNode | undefined {
    let best: { n: SimNode; term: number } | undefined;
    for (const n of this.running()) {
      const st = n.rn!.basicStatus();
      if (st.softState.raftState !== StateType.Leader) continue;
      if (!best || st.hardState.term > best.term) best = { n, term: st.hardState.term };
    }
    return best?.n;
  }

  private connected(a: RaftId, b: RaftId): boolean {
    return this.groups.size === 0 || this.groups.get(a) === this.groups.get(b);
  }

  // ---- events --------------------------------------------------------------------------------

  private deliverOne(): string | undefined {
    if (this.network.length === 0) return undefined;
    // Mostly in order, sometimes any message in flight: reordering and delay.
    const at = this.prng.chance(0.7) ? 0 : this.prng.int(this.network.length);
    const m = this.network.splice(at, 1)[0]!;
    const duplicated = this.prng.chance(0.03);
    if (duplicated) this.network.push(m);
    return this.deliver(m, duplicated ? 'deliver (duplicated)' : 'deliver');
  }

  private deliver(m: Message, how: string): string {
    const to = this.nodes.get(m.to);
    const from = this.nodes.get(m.from);
    if (!to?.rn || !this.connected(m.from, m.to)) {
      if (m.type === MessageType.Snap) from?.rn?.reportSnapshot(m.to, false);
      else if (this.prng.chance(0.3)) from?.rn?.reportUnreachable(m.to);
      return `lost ${describeMessage(m)}`;
    }
    to.rn.step(m);
    if (m.type === MessageType.Snap) {
      this.stats.snapshots++;
      from?.rn?.reportSnapshot(m.to, true);
    }
    return `${how} ${describeMessage(m)}`;
  }

  private dropOne(): string | undefined {
    if (this.network.length === 0) return undefined;
    const m = this.network.splice(this.prng.int(this.network.length), 1)[0]!;
    if (m.type === MessageType.Snap) this.nodes.get(m.from)?.rn?.reportSnapshot(m.to, false);
    return `drop ${describeMessage(m)}`;
  }

  private handleReady(): string | undefined {
    const ready = this.running().filter((n) => n.rn!.hasReady());
    if (ready.length === 0) return undefined;
    const n = this.prng.pick(ready);
    const crash = this.prng.chance(0.01)
      ? this.prng.pick(['before-persist', 'torn', 'after-persist', 'after-send'])
      : '';
    return this.processReady(n, crash);
  }

  /** Persist, send, apply, advance; `crash` names the point where the node dies instead. */
  private processReady(n: SimNode, crash: string): string {
    const rd = n.rn!.ready();
    const what = `ready ${n.id} (entries ${rd.entries.length}, committed ${rd.committedEntries.length}, msgs ${rd.messages.length}${rd.hardState ? `, hs ${rd.hardState.term}/${rd.hardState.vote}/${rd.hardState.commit}` : ''}${rd.snapshot ? `, snap ${rd.snapshot.metadata.index}` : ''})`;
    if (crash === 'before-persist') return this.crashed(n, `${what}; crash before persisting`);
    if (crash === 'torn' && rd.entries.length > 0) {
      const keep = this.prng.int(rd.entries.length);
      n.persistTorn(rd, keep);
      this.checker.persisted(n, rd.entries.slice(0, keep));
      return this.crashed(n, `${what}; crash during persist, kept ${keep} entries`);
    }
    n.persist(rd);
    this.checker.persisted(n, rd.entries);
    this.checker.leaderPersisted(n, this.nodes.values());
    if (crash === 'after-persist') return this.crashed(n, `${what}; crash before sending`);
    this.network.push(...rd.messages);
    if (crash === 'after-send') return this.crashed(n, `${what}; crash before applying`);
    n.applyAndAdvance(rd);
    for (const rs of rd.readStates) {
      this.stats.reads++;
      this.checker.readServed(n.id, decoder.decode(rs.requestCtx), rs.index);
    }
    return what;
  }

  private crashed(n: SimNode, what: string): string {
    n.crash();
    this.stats.crashes++;
    return what;
  }

  private tick(): string | undefined {
    const running = this.running();
    if (running.length === 0) return undefined;
    if (this.prng.chance(0.5)) {
      for (const n of running) n.rn!.tick();
      return 'tick all';
    }
    const n = this.prng.pick(running);
    n.rn!.tick();
    return `tick ${n.id}`;
  }

  private propose(): string | undefined {
    const running = this.running();
    if (running.length === 0) return undefined;
    const n = this.prng.pick(running);
    const data = `v${++this.seq}`;
    return this.tryPropose(n, `propose ${data} at ${n.id}`, () => n.rn!.propose(encoder.encode(data)));
  }

  private tryPropose(n: SimNode, what: string, fn: () => void): string {
    try {
      fn();
      return what;
    } catch (err) {
      if (!isProposalDropped(err)) throw err;
      return `${what}: dropped`;
    }
  }

  private readIndex(): string | undefined {
    const running = this.running();
    if (running.length === 0) return undefined;
    const n = this.prng.pick(running);
    const ctx = `r${++this.seq}`;
    this.checker.readRequested(ctx);
    n.rn!.readIndex(encoder.encode(ctx));
    return `read ${ctx} at ${n.id} (floor ${this.checker.maxCommit})`;
  }

  private partition(): string {
    this.groups = new Map();
    const ids = [...this.nodes.keys()];
    if (this.prng.chance(0.5)) {
      const alone = this.prng.pick(ids);
      for (const id of ids) this.groups.set(id, id === alone ? 1 : 0);
    } else {
      for (const id of ids) this.groups.set(id, this.prng.int(2));
    }
    return `partition ${ids.map((id) => `${id}:${this.groups.get(id)}`).join(' ')}`;
  }

  private heal(): string | undefined {
    if (this.groups.size === 0) return undefined;
    this.groups = new Map();
    return 'heal';
  }

  private crash(): string | undefined {
    const running = this.running();
    if (running.length === 0) return undefined;
    const n = this.prng.pick(running);
    return this.crashed(n, `crash ${n.id}`);
  }

  /** Leader failures drive the interesting interleavings: elections over divergent logs. */
  private crashLeader(): string | undefined {
    const leader = this.leader();
    return leader ? this.crashed(leader, `crash leader ${leader.id}`) : undefined;
  }

  private isolateLeader(): string | undefined {
    const leader = this.leader();
    if (!leader) return undefined;
    this.groups = new Map([...this.nodes.keys()].map((id) => [id, id === leader.id ? 1 : 0]));
    return `isolate leader ${leader.id}`;
  }

  private restart(): string | undefined {
    const down = [...this.nodes.values()].filter(
      (n) => !n.running && (this.figure8?.mayRestart(n.id) ?? true),
    );
    if (down.length === 0) return undefined;
    const n = this.prng.pick(down);
    this.restartNode(n);
    return `restart ${n.id}`;
  }

  private restartNode(n: SimNode): void {
    n.start();
    this.checker.restarted(n);
  }

  private changeMembership(): string | undefined {
    const leader = this.leader();
    if (!leader) return undefined;
    const { voters, learners } = leader.confState;
    const options: (() => ConfChange)[] = [];
    const cc = (type: ConfChangeType, nodeId: RaftId): ConfChange => ({
      type,
      nodeId,
      context: new Uint8Array(),
    });
    if (this.nodes.size < this.cfg.nodes + 3) {
      const newMember = (type: ConfChangeType) => () => {
        const id = this.nextId++;
        this.addNode(id, new MemoryStorage());
        return cc(type, id);
      };
      options.push(newMember(ConfChangeType.AddLearnerNode), newMember(ConfChangeType.AddLearnerNode));
      options.push(newMember(ConfChangeType.AddNode));
    }
    for (const id of learners) options.push(() => cc(ConfChangeType.AddNode, id));
    for (const id of learners) options.push(() => cc(ConfChangeType.RemoveNode, id));
    if (voters.length > 3) for (const id of voters) options.push(() => cc(ConfChangeType.RemoveNode, id));
    if (options.length === 0) return undefined;
    const change = this.prng.pick(options)();
    this.stats.confChanges++;
    const what = `conf change ${ConfChangeType[change.type]} ${change.nodeId} at ${leader.id}`;
    return this.tryPropose(leader, what, () => leader.rn!.proposeConfChange(change));
  }

  private transferLeadership(): string | undefined {
    const leader = this.leader();
    if (!leader) return undefined;
    const others = leader.confState.voters.filter((id) => id !== leader.id);
    if (others.length === 0) return undefined;
    const to = this.prng.pick(others);
    leader.rn!.transferLeadership(to);
    return `transfer leadership ${leader.id} -> ${to}`;
  }

  private compact(): string | undefined {
    const running = this.running();
    if (running.length === 0) return undefined;
    const n = this.prng.pick(running);
    const keep = this.prng.int(4);
    return n.compact(keep) ? `compact ${n.id} at ${n.applied} keeping ${keep}` : undefined;
  }

  // ---- liveness ------------------------------------------------------------------------------

  /**
   * With the network healed and every node up, a leader must emerge and a new proposal must
   * reach every member's state machine.
   */
  private checkLiveness(): void {
    this.groups = new Map();
    for (const n of this.nodes.values()) {
      if (n.running) continue;
      n.start();
      this.checker.restarted(n);
    }
    this.record('liveness: healed, all nodes up');
    const rounds = 60 * this.options.electionTick;
    let retryAt = 0;
    for (let round = 0; round < rounds; round++, this.step++) {
      for (const n of this.nodes.values()) n.rn!.tick();
      this.settle();
      if (round % 10 === 9) for (const n of this.nodes.values()) n.compact(2);
      const leader = this.leader();
      if (!leader) continue;
      if (this.livenessIndex > 0) {
        const { voters, learners } = leader.confState;
        const lagging = [...voters, ...learners].filter(
          (id) => this.nodes.get(id)!.applied < this.livenessIndex,
        );
        if (lagging.length === 0) {
          this.record(`liveness: proposal applied on all members after ${round + 1} ticks`);
          return;
        }
      } else if (round >= retryAt) {
        // Retried: a proposal can be dropped (e.g. during a leadership transfer) or lost.
        retryAt = round + 2 * this.options.electionTick;
        this.tryPropose(leader, '', () => leader.rn!.propose(encoder.encode(LIVENESS_PAYLOAD)));
      }
    }
    const states = [...this.nodes.values()].map((n) => {
      const st = n.rn!.status();
      return `${n.id}: ${st.softState.raftState} term ${st.hardState.term} lead ${st.softState.lead} commit ${st.hardState.commit} applied ${n.applied} voters ${n.confState.voters} learners ${n.confState.learners}`;
    });
    throw new Error(
      `liveness: no committed proposal on all members after ${rounds} ticks\n${states.join('\n')}`,
    );
  }

  /** Reliable delivery until quiet. */
  private settle(): void {
    for (let i = 0; i < 100; i++) {
      let moved = false;
      for (const n of this.nodes.values()) {
        if (n.rn!.hasReady()) {
          this.processReady(n, '');
          moved = true;
        }
      }
      const msgs = this.network;
      this.network = [];
      for (const m of msgs) this.deliver(m, 'deliver');
      for (const n of this.nodes.values()) this.checker.observe(n);
      if (!moved && msgs.length === 0) return;
    }
  }
}

export function simulate(cfg: SimConfig): SimResult {
  return new Simulation(cfg).run();
}
