import { performance } from 'node:perf_hooks';
import { FlotillaError } from '../../../lib/errors.js';
import type { LogPosition } from '../core/index.js';

interface Waiter {
  position: LogPosition;
  confChange: boolean;
  resolve(index: number): void;
  reject(err: Error): void;
  /** performance.now() after which the wait fails with TIMEOUT. */
  deadline: number;
  timeoutMs: number;
}

/**
 * Proposals waiting for their entry to be applied, by log index. An entry applied at that
 * index with another term means a new leader overwrote the proposal. Waits that outlast
 * their timeout fail at the next expire() (the node calls it every tick): one timer for all
 * of them, rather than one set and cleared per proposal.
 */
export class ProposalWaiters {
  private readonly byIndex = new Map<number, Waiter>();

  wait(position: LogPosition, timeoutMs: number, confChange: boolean): Promise<number> {
    return new Promise((resolve, reject) => {
      const deadline = performance.now() + timeoutMs;
      this.byIndex.set(position.index, { position, confChange, resolve, reject, deadline, timeoutMs });
    });
  }

  /**
   * Fails the waits whose timeout has passed. They are in the order they began (a new wait
   * is always for a later index), so the first one still in time ends the search.
   */
  expire(): void {
    const now = performance.now();
    for (const [index, w] of this.byIndex) {
      if (w.deadline > now) return;
      this.settle(
        index,
        new FlotillaError(
          'TIMEOUT',
          `raft: entry ${index} was not committed within ${w.timeoutMs} ms; it may still be applied later`,
        ),
      );
    }
  }

  /** The entry at `index` was applied; `confChange` tells whether it was one. */
  applied(index: number, term: number, confChange: boolean): void {
    const w = this.byIndex.get(index);
    if (!w) return;
    if (w.position.term !== term) {
      this.settle(
        index,
        new FlotillaError(
          'NOT_LEADER',
          `raft: a new leader replaced entry ${index} before it committed; it was not applied`,
        ),
      );
    } else if (w.confChange && !confChange) {
      // The core turns a membership change proposed while another is pending into an empty entry.
      this.settle(
        index,
        new FlotillaError(
          'CONFLICT',
          'raft: another membership change was still in progress; retry when it completes',
        ),
      );
    } else {
      this.settle(index);
    }
  }

  /** Entries up to `index` arrived as a snapshot, so whether ours were among them is unknown. */
  supersededTo(index: number): void {
    for (const i of [...this.byIndex.keys()]) {
      if (i <= index) {
        this.settle(
          i,
          new FlotillaError(
            'NOT_LEADER',
            `raft: entry ${i} was overtaken by a snapshot; its outcome is unknown`,
          ),
        );
      }
    }
  }

  failAll(err: () => Error): void {
    for (const i of [...this.byIndex.keys()]) this.settle(i, err());
  }

  private settle(index: number, err?: Error): void {
    const w = this.byIndex.get(index)!;
    this.byIndex.delete(index);
    if (err) w.reject(err);
    else w.resolve(index);
  }
}
