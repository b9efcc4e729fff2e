import type { Entry, RaftId } from '../../manager/raft/types.js';
import { StateType } from '../../manager/raft/types.js';
import type { ApplyObserver, SimNode } from './node.js';

export class InvariantViolation extends Error {
  constructor(invariant: string, detail: string) {
    super(`${invariant}: ${detail}`);
    this.name = 'InvariantViolation';
  }
}

function entryKey(e: Entry): string {
  return `${e.term}/${e.type}/${Buffer.from(e.data).toString('hex')}`;
}

/**
 * Raft's safety properties, checked as the simulation runs. Each check is fed from what
 * nodes persist, apply and report; together they cover election safety, log matching, leader
 * completeness, state-machine safety, monotonic commit, applied <= committed and
 * linearizable reads.
 */
export class Checker implements ApplyObserver {
  private leaderOfTerm = new Map<number, RaftId>();
  /** index/term -> payload key and the term of the previous entry (log matching). */
  private entries = new Map<string, { key: string; prevTerm: number }>();
  /** index -> what every node must apply there, and the state-machine hash after it. */
  private appliedAt = new Map<number, { key: string; hash: string }>();
  /** index -> lowest term of a leader that committed it. */
  private committedInTerm = new Map<number, { term: number; entryTerm: number }>();
  /** Leaders whose persisted log was checked complete: node -> term. */
  private checkedLeaders = new Map<RaftId, number>();
  /** For checked leaders: the commit index up to which their commits are recorded. */
  private leaderCommit = new Map<RaftId, number>();
  private commitSeen = new Map<RaftId, number>();
  private persistedCommit = new Map<RaftId, number>();
  /** Highest commit index any node has reached: every read must observe at least this. */
  maxCommit = 0;
  private readFloor = new Map<string, number>();

  applied(node: RaftId, e: Entry, hashAfter: string): void {
    const key = entryKey(e);
    const prev = this.appliedAt.get(e.index);
    if (!prev) {
      this.appliedAt.set(e.index, { key, hash: hashAfter });
    } else if (prev.key !== key || prev.hash !== hashAfter) {
      throw new InvariantViolation(
        'state machine safety',
        `node ${node} applied ${key} at ${e.index} (hash ${hashAfter}), another node applied ${prev.key} (hash ${prev.hash})`,
      );
    }
  }

  restoredSnapshot(node: RaftId, index: number, hash: string): void {
    const prev = this.appliedAt.get(index);
    if (prev && prev.hash !== hash) {
      throw new InvariantViolation(
        'state machine safety',
        `node ${node} restored snapshot at ${index} with hash ${hash}, expected ${prev.hash}`,
      );
    }
  }

  /** After node n persisted a Ready holding `entries` (its disk is now its whole log). */
  persisted(n: SimNode, entries: readonly Entry[]): void {
    const disk = n.disk;
    for (const e of entries) {
      if (e.index < disk.firstIndex()) continue;
      const prevTerm = e.index - 1 >= disk.firstIndex() - 1 ? disk.term(e.index - 1) : -1;
      const k = `${e.index}/${e.term}`;
      const seen = this.entries.get(k);
      if (!seen) {
        this.entries.set(k, { key: entryKey(e), prevTerm });
      } else if (
        seen.key !== entryKey(e) ||
        (prevTerm >= 0 && seen.prevTerm >= 0 && seen.prevTerm !== prevTerm)
      ) {
        throw new InvariantViolation(
          'log matching',
          `node ${n.id} holds ${k} = ${entryKey(e)} after term ${prevTerm}, seen ${seen.key} after term ${seen.prevTerm}`,
        );
      }
    }
    const hs = disk.initialState().hardState;
    const before = this.persistedCommit.get(n.id) ?? 0;
    if (hs.commit < before) {
      throw new InvariantViolation(
        'commit monotonic',
        `node ${n.id} persisted commit ${hs.commit} after ${before}`,
      );
    }
    this.persistedCommit.set(n.id, hs.commit);
  }

  /** After any event touching node n. */
  observe(n: SimNode): void {
    if (!n.rn) return;
    const st = n.rn.basicStatus();
    const commit = st.hardState.commit;
    const before = this.commitSeen.get(n.id) ?? 0;
    if (commit < before)
      throw new InvariantViolation('commit monotonic', `node ${n.id} commit ${commit} after ${before}`);
    this.commitSeen.set(n.id, commit);
    this.maxCommit = Math.max(this.maxCommit, commit);
    if (n.applied > commit) {
      throw new InvariantViolation(
        'applied <= committed',
        `node ${n.id} applied ${n.applied} > commit ${commit}`,
      );
    }
    if (st.softState.raftState !== StateType.Leader) return;
    const term = st.hardState.term;
    const leader = this.leaderOfTerm.get(term);
    if (leader === undefined) this.leaderOfTerm.set(term, n.id);
    else if (leader !== n.id)
      throw new InvariantViolation('election safety', `nodes ${leader} and ${n.id} both lead term ${term}`);
  }

  /** A node restarted: its commit restarts from its persisted hard state, which must not regress. */
  restarted(n: SimNode): void {
    const persisted = this.persistedCommit.get(n.id) ?? 0;
    const commit = n.rn!.basicStatus().hardState.commit;
    if (commit < persisted) {
      throw new InvariantViolation(
        'commit monotonic',
        `node ${n.id} restarted with commit ${commit} < persisted ${persisted}`,
      );
    }
    this.commitSeen.set(n.id, commit);
    this.checkedLeaders.delete(n.id);
  }

  /**
   * After node n persisted a Ready (its disk is its whole log). If it leads: check its log holds
   * every entry committed in an earlier term, and record what it committed since last time.
   */
  leaderPersisted(n: SimNode, nodes: Iterable<SimNode>): void {
    const st = n.rn?.basicStatus();
    if (!st || st.softState.raftState !== StateType.Leader) return;
    const term = st.hardState.term;
    const commit = st.hardState.commit;
    if (this.checkedLeaders.get(n.id) !== term) {
      this.checkedLeaders.set(n.id, term);
      this.leaderCommit.set(n.id, commit);
      for (const [index, c] of this.committedInTerm) {
        if (c.term < term) this.expectEntry(n, term, index, c.entryTerm);
      }
    }
    // Entries this leader committed since: record them; every later-term leader must hold them.
    const from = this.leaderCommit.get(n.id)!;
    this.leaderCommit.set(n.id, commit);
    for (let i = from + 1; i <= commit; i++) {
      if (i < n.disk.firstIndex()) continue;
      const prev = this.committedInTerm.get(i);
      const entryTerm = n.disk.term(i);
      if (prev && prev.entryTerm !== entryTerm) {
        throw new InvariantViolation(
          'leader completeness',
          `index ${i} committed with term ${prev.entryTerm} and ${entryTerm}`,
        );
      }
      if (!prev || term < prev.term) this.committedInTerm.set(i, { term, entryTerm });
      for (const other of nodes) {
        const ot = this.checkedLeaders.get(other.id);
        if (
          ot !== undefined &&
          ot > term &&
          other.rn?.basicStatus().softState.raftState === StateType.Leader
        ) {
          this.expectEntry(other, ot, i, entryTerm);
        }
      }
    }
  }

  private expectEntry(n: SimNode, leaderTerm: number, index: number, entryTerm: number): void {
    const disk = n.disk;
    if (index < disk.firstIndex()) return;
    const actual = index <= disk.lastIndex() ? disk.term(index) : undefined;
    if (actual !== entryTerm) {
      throw new InvariantViolation(
        'leader completeness',
        `leader ${n.id} of term ${leaderTerm} has term ${actual} at committed index ${index} (term ${entryTerm})`,
      );
    }
  }

  leaderCount(): number {
    return this.leaderOfTerm.size;
  }

  readRequested(ctx: string): void {
    this.readFloor.set(ctx, this.maxCommit);
  }

  readServed(node: RaftId, ctx: string, index: number): void {
    const floor = this.readFloor.get(ctx);
    if (floor !== undefined && index < floor) {
      throw new InvariantViolation(
        'linearizable read',
        `node ${node} read ${ctx} at index ${index} < commit ${floor} seen before the request`,
      );
    }
  }
}
