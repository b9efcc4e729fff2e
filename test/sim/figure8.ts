import type { RaftId } from '../../manager/raft/types.js';
import { StateType } from '../../manager/raft/types.js';
import type { SimNode } from './node.js';
import type { Prng } from '../../lib/prng.js';

/** What the nemesis may do to the simulated cluster. */
export interface NemesisHost {
  readonly prng: Prng;
  readonly nodes: ReadonlyMap<RaftId, SimNode>;
  /** The running leader of the highest term, if any. */
  leader(): SimNode | undefined;
  /** Node -> partition group (nodes connect within a group); an empty map heals. */
  setGroups(groups: Map<RaftId, number>): void;
  crash(n: SimNode): void;
  restart(n: SimNode): void;
  /** Proposes at n: the entry's index when n appended it to its own log. */
  propose(n: SimNode, data: string): number | undefined;
}

type Phase =
  /** The old leader appends to its minority; then it crashes or stays cut off. */
  | 'strand'
  /** The members that lack those entries elect one of their own. */
  | 'elect-other'
  /** That leader appends entries of its term to its own log alone; then it crashes or is cut off. */
  | 'strand-other'
  /** The old leader comes back and is re-elected by members that lack the other's entries. */
  | 'reelect-old'
  /** The re-elected leader replicates its old entries; the moment its commit index moves, it is cut off. */
  | 'commit-old'
  /** The other leader comes back and stands for election. */
  | 'return';

/** Steps a phase may take before the nemesis gives up and heals everything. */
const PHASE_STEPS = 400;

/**
 * The fault schedule of Figure 8 of the Raft paper, as a nemesis that steers while the ordinary
 * random events (deliveries, Readies, ticks, proposals, drops, crash points) keep interleaving:
 *
 *   1. leader A (term a) is cut off with a minority and appends entries X there;
 *   2. the majority, which lacks X, elects B (term b > a), which at once is cut off alone and
 *      appends entries of term b to its own log only; B then crashes or stays cut off;
 *   3. A is re-elected (term c > b) by members that lack B's entries, and replicates X;
 *   4. the moment A's commit index moves, A is cut off; B comes back and stands for election.
 *
 * With the current-term commit rule, A's commit index moves only once its term-c entry is on a
 * quorum, so B (whose last term b < c) cannot win and nothing committed is lost. A leader that
 * commits X by counting replicas (X's term a is older) lets B win with X missing from its log,
 * and overwrite it on the others: a committed entry lost, which the checker reports.
 *
 * Each choice (minority members, crash or cut off, how many entries, whom to nudge into an
 * election) is drawn from the run's PRNG; any phase that does not come about within
 * PHASE_STEPS is abandoned, so a run goes back to ordinary faults.
 */
export class Figure8Nemesis {
  private phase: Phase | undefined;
  private deadline = 0;
  private seq = 0;
  /** Nodes this nemesis keeps down: the ordinary restarts leave them alone. */
  private readonly held = new Set<RaftId>();
  private a: { id: RaftId; term: number; lastIndex: number } | undefined;
  private b: { id: RaftId; term: number } | undefined;
  private c: { id: RaftId; term: number; commit: number } | undefined;
  private minority: RaftId[] = [];
  private waitUntil = 0;
  /** How many schedules entered each phase, for the run's stats. */
  readonly reached = new Map<Phase, number>();

  constructor(private readonly host: NemesisHost) {}

  get active(): boolean {
    return this.phase !== undefined;
  }

  /** Whether the ordinary restart event may bring n back. */
  mayRestart(id: RaftId): boolean {
    return !this.held.has(id);
  }

  /** Starts a scenario at step `now` if a leader with at least three voters is running. */
  start(now: number): string | undefined {
    if (this.phase) return undefined;
    const h = this.host;
    const leader = h.leader();
    if (!leader) return undefined;
    const voters = leader.rn!.basicStatus().confState.voters;
    if (voters.length < 3 || !voters.includes(leader.id)) return undefined;
    const quorum = Math.floor(voters.length / 2) + 1;
    const others = shuffle(
      h.prng,
      voters.filter((id) => id !== leader.id),
    );
    this.minority = [leader.id, ...others.slice(0, voters.length - quorum - 1)];
    this.setGroups((id) => (this.minority.includes(id) ? 1 : 0));
    const term = leader.rn!.basicStatus().hardState.term;
    const count = 1 + h.prng.int(6);
    let last = 0;
    for (let i = 0; i < count; i++) last = h.propose(leader, this.payload('x')) ?? last;
    if (last === 0) return this.end('figure-8: the leader dropped every proposal');
    // The entries are in the leader's unstable log; strand waits for them on its disk.
    this.a = { id: leader.id, term, lastIndex: last };
    this.b = undefined;
    this.c = undefined;
    this.enter('strand', now);
    this.waitUntil = now + this.host.prng.int(30);
    return `figure-8: leader ${leader.id} (term ${term}) cut off with [${this.minority.join(',')}], appends up to ${last}`;
  }

  /** After every simulation step: advances the scenario; returns what it did, if anything. */
  step(now: number): string | undefined {
    if (!this.phase) return undefined;
    if (now > this.deadline) return this.end(`figure-8: gave up in phase ${this.phase}`);
    const h = this.host;
    const a = this.a!;
    const nodeA = h.nodes.get(a.id)!;
    switch (this.phase) {
      case 'strand': {
        if (!nodeA.running) return this.end('figure-8: leader crashed before its entries were on disk');
        if (nodeA.disk.lastIndex() < a.lastIndex || now < this.waitUntil) return undefined;
        const crash = h.prng.chance(0.6);
        if (crash) {
          h.crash(nodeA);
          this.held.add(a.id);
        }
        this.enter('elect-other', now);
        return `figure-8: leader ${a.id} holds entries to ${nodeA.disk.lastIndex()} on a minority; ${crash ? 'crashes' : 'stays cut off'}`;
      }
      case 'elect-other': {
        const b = this.newLeader(a.term);
        if (!b) {
          return this.nudge(
            [...h.nodes.values()].filter((n) => !this.minority.includes(n.id)),
            0.02,
          );
        }
        if (this.minority.includes(b.id)) return this.end('figure-8: the minority kept the leadership');
        const term = b.rn!.basicStatus().hardState.term;
        this.b = { id: b.id, term };
        // Cut off alone at once: its term-b entry reaches nobody else.
        this.setGroups((id) => (id === b.id ? 2 : 0));
        const count = this.host.prng.int(3);
        for (let i = 0; i < count; i++) h.propose(b, this.payload('y'));
        this.enter('strand-other', now);
        return `figure-8: ${b.id} elected in term ${term} without those entries; cut off alone`;
      }
      case 'strand-other': {
        const b = this.b!;
        const nodeB = h.nodes.get(b.id)!;
        if (!nodeB.running) return this.end('figure-8: the new leader crashed early');
        const last = nodeB.disk.lastIndex();
        if (last < nodeB.disk.firstIndex() || nodeB.disk.term(last) !== b.term) return undefined;
        const crash = h.prng.chance(0.5);
        if (crash) {
          h.crash(nodeB);
          this.held.add(b.id);
        }
        if (!nodeA.running) h.restart(nodeA);
        this.held.delete(a.id);
        this.enter('reelect-old', now);
        return `figure-8: ${b.id} holds entries of term ${b.term} alone; ${crash ? 'crashes' : 'stays cut off'}; ${a.id} back`;
      }
      case 'reelect-old': {
        const b = this.b!;
        const c = this.newLeader(b.term);
        if (!c) return this.nudge([nodeA], 0.03);
        if (c.id === b.id) return this.end('figure-8: the cut-off leader was re-elected');
        const st = c.rn!.basicStatus();
        this.c = { id: c.id, term: st.hardState.term, commit: st.hardState.commit };
        this.enter('commit-old', now);
        return `figure-8: ${c.id} elected in term ${st.hardState.term} (commit ${st.hardState.commit})`;
      }
      case 'commit-old': {
        const c = this.c!;
        const nodeC = h.nodes.get(c.id)!;
        const st = nodeC.rn?.basicStatus();
        if (!st || st.softState.raftState !== StateType.Leader || st.hardState.term !== c.term) {
          return this.end('figure-8: the re-elected leader lost its leadership');
        }
        if (st.hardState.commit <= c.commit) return undefined;
        // Its commit moved: cut it off before anything else it sends arrives.
        this.setGroups((id) => (id === c.id ? 3 : 0));
        const b = this.b!;
        const nodeB = h.nodes.get(b.id)!;
        if (!nodeB.running) h.restart(nodeB);
        this.held.delete(b.id);
        this.enter('return', now);
        return `figure-8: ${c.id} committed to ${st.hardState.commit}; cut off; ${b.id} back`;
      }
      case 'return': {
        const c = this.c!;
        const d = this.newLeader(c.term);
        if (!d) return this.nudge([h.nodes.get(this.b!.id)!], 0.03);
        return this.end(`figure-8: ${d.id} elected in term ${d.rn!.basicStatus().hardState.term}; healed`);
      }
    }
  }

  private enter(phase: Phase, now: number): void {
    this.phase = phase;
    this.deadline = now + PHASE_STEPS;
    this.reached.set(phase, (this.reached.get(phase) ?? 0) + 1);
  }

  private end(what: string): string {
    this.phase = undefined;
    this.held.clear();
    this.host.setGroups(new Map());
    return what;
  }

  /** The running leader of a term above `term`, if any. */
  private newLeader(term: number): SimNode | undefined {
    const l = this.host.leader();
    return l && l.rn!.basicStatus().hardState.term > term ? l : undefined;
  }

  /** An election timeout firing early at one of `candidates` (a running non-leader), sometimes. */
  private nudge(candidates: SimNode[], p: number): string | undefined {
    const h = this.host;
    if (!h.prng.chance(p)) return undefined;
    const up = candidates.filter((n) => n.rn && n.rn.basicStatus().softState.raftState !== StateType.Leader);
    if (up.length === 0) return undefined;
    const n = h.prng.pick(up);
    n.rn!.campaign();
    return `figure-8: election timeout at ${n.id}`;
  }

  private setGroups(groupOf: (id: RaftId) => number): void {
    this.host.setGroups(new Map([...this.host.nodes.keys()].map((id) => [id, groupOf(id)])));
  }

  /** Payloads of varied size, so that replication splits them over several messages. */
  private payload(tag: string): string {
    return `${tag}${++this.seq}${'.'.repeat(this.host.prng.int(24))}`;
  }
}

function shuffle<T>(prng: Prng, items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = prng.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
