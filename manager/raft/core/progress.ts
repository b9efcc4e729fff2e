import { Inflights } from './inflights.js';

/**
 * How the leader replicates to a follower:
 * - probe: one append at a time until the follower's log matches (after a rejection or on start);
 * - replicate: streams appends optimistically, bounded by the inflight window;
 * - snapshot: waits for a snapshot transfer to finish.
 */
export type ProgressState = 'probe' | 'replicate' | 'snapshot';

/** The leader's view of one follower. */
export class Progress {
  /** Highest index known to match the leader's log. */
  match = 0;
  /** Next index to send. */
  next: number;
  state: ProgressState = 'probe';
  /** In snapshot state: the index of the snapshot being sent. */
  pendingSnapshot = 0;
  /** Heard from since the last CheckQuorum round. */
  recentActive = false;
  /** In probe state: an append is out and the next waits for its answer or a heartbeat. */
  probeSent = false;
  readonly inflights: Inflights;

  constructor(
    next: number,
    maxInflightMsgs: number,
    maxInflightBytes: number,
    public isLearner: boolean,
  ) {
    this.next = next;
    this.inflights = new Inflights(maxInflightMsgs, maxInflightBytes);
  }

  private resetState(state: ProgressState): void {
    this.probeSent = false;
    this.pendingSnapshot = 0;
    this.state = state;
    this.inflights.reset();
  }

  becomeProbe(): void {
    // After a snapshot, resume right after it: the follower now holds everything up to it.
    if (this.state === 'snapshot') {
      const pending = this.pendingSnapshot;
      this.resetState('probe');
      this.next = Math.max(this.match + 1, pending + 1);
    } else {
      this.resetState('probe');
      this.next = this.match + 1;
    }
  }

  becomeReplicate(): void {
    this.resetState('replicate');
    this.next = this.match + 1;
  }

  becomeSnapshot(snapshotIndex: number): void {
    this.resetState('snapshot');
    this.pendingSnapshot = snapshotIndex;
  }

  /** An append carrying entries up to `last` (payload `bytes`) was just sent. */
  sentEntries(last: number, bytes: number): void {
    if (this.state === 'replicate') {
      this.next = last + 1;
      this.inflights.add(last, bytes);
    } else if (this.state === 'probe') {
      this.probeSent = true;
    }
  }

  /** The follower acknowledged up to n. Returns false if the ack is stale. */
  maybeUpdate(n: number): boolean {
    if (n <= this.match) return false;
    this.match = n;
    this.next = Math.max(this.next, n + 1);
    this.probeSent = false;
    return true;
  }

  /**
   * The follower rejected an append at `rejected`, hinting that its log may match up to
   * `matchHint`. Returns false if the rejection is stale.
   */
  maybeDecrTo(rejected: number, matchHint: number): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    // In probe state only the answer to the latest probe counts.
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1);
    this.probeSent = false;
    return true;
  }

  isPaused(): boolean {
    switch (this.state) {
      case 'probe':
        return this.probeSent;
      case 'replicate':
        return this.inflights.full();
      case 'snapshot':
        return true;
    }
  }
}
