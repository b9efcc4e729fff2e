import { RaftLog } from '../../manager/raft/core/log.js';

/**
 * Test-only: breaks the current-term commit rule in this process, so that a leader commits
 * whatever index a quorum holds, whatever the term of the entry there (what Figure 8 of the
 * Raft paper shows to lose committed entries). The core is patched in memory only, through
 * `RaftLog.prototype.maybeCommit`; the returned function restores it.
 */
export function breakCurrentTermCommitRule(): () => void {
  const original = Object.getOwnPropertyDescriptor(RaftLog.prototype, 'maybeCommit')!;
  Object.defineProperty(RaftLog.prototype, 'maybeCommit', {
    ...original,
    value: function maybeCommitAnyTerm(this: RaftLog, maxIndex: number): boolean {
      if (maxIndex <= this.committed) return false;
      this.commitTo(maxIndex);
      return true;
    },
  });
  return () => Object.defineProperty(RaftLog.prototype, 'maybeCommit', original);
}
