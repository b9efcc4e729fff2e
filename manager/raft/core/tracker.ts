import type { ConfState, RaftId } from '../types.js';
import { Progress } from './progress.js';

export type VoteResult = 'won' | 'lost' | 'pending';

/** The current membership, the leader's per-member progress and the votes of an election. */
export class ProgressTracker {
  voters = new Set<RaftId>();
  learners = new Set<RaftId>();
  readonly progress = new Map<RaftId, Progress>();
  private votes = new Map<RaftId, boolean>();

  constructor(
    readonly maxInflightMsgs: number,
    readonly maxInflightBytes: number,
  ) {}

  confState(): ConfState {
    return { voters: sortedIds(this.voters), learners: sortedIds(this.learners) };
  }

  /** Every member, voters and learners, in id order (for deterministic iteration). */
  ids(): RaftId[] {
    return sortedIds(this.progress.keys());
  }

  newProgress(next: number, isLearner: boolean): Progress {
    return new Progress(next, this.maxInflightMsgs, this.maxInflightBytes, isLearner);
  }

  quorum(): number {
    return Math.floor(this.voters.size / 2) + 1;
  }

  /** Highest index replicated on a quorum of voters (0 without voters). */
  committed(): number {
    if (this.voters.size === 0) return 0;
    const matches = [...this.voters].map((id) => this.progress.get(id)?.match ?? 0).sort((a, b) => b - a);
    return matches[this.quorum() - 1]!;
  }

  /** Whether a quorum of voters was recently active (the caller marks itself active). */
  quorumActive(): boolean {
    let active = 0;
    for (const id of this.voters) if (this.progress.get(id)?.recentActive) active++;
    return active >= this.quorum();
  }

  resetVotes(): void {
    this.votes = new Map();
  }

  /** Records the first answer of each voter; later duplicates are ignored. */
  recordVote(id: RaftId, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted);
  }

  tallyVotes(): { granted: number; rejected: number; result: VoteResult } {
    let granted = 0;
    let rejected = 0;
    for (const id of this.voters) {
      const v = this.votes.get(id);
      if (v === true) granted++;
      else if (v === false) rejected++;
    }
    const q = this.quorum();
    const missing = this.voters.size - granted - rejected;
    const result: VoteResult = granted >= q ? 'won' : granted + missing >= q ? 'pending' : 'lost';
    return { granted, rejected, result };
  }
}

export function sortedIds(ids: Iterable<RaftId>): RaftId[] {
  return [...ids].sort((a, b) => a - b);
}
